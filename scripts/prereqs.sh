#!/usr/bin/env bash
# prereqs.sh: what `make test` checks before it runs anything. Every missing
# prerequisite is one line naming the command that installs it; nothing is
# printed when all is there.
#
#   Go            at least the version go.mod names                  (stops)
#   moto_server,  from requirements-test.txt: used from PATH when there
#   cfn-lint,     (another version is a warning naming both); missing, they
#   aws-sam-      are installed into $VENV (.venv, ignored by git) when a
#   translator    package index answers, or the run stops with the command
#   feedparser    for the feed reader tests ($FEEDPARSER_PYTHON)    (stops under CI)
#   chromium      for the preview studio's browser test              (stops under CI)
#
# Outside CI the last two are warnings: their tests skip without them.
# The Makefile puts $VENV/bin at the end of PATH, so tools already on PATH win.
set -uo pipefail
cd "$(dirname "$0")/.."

req=requirements-test.txt
venv=${VENV:-.venv}
index=${PIP_INDEX_URL:-https://pypi.org/simple}
feedparser_python=${FEEDPARSER_PYTHON:-/usr/bin/python3}
status=0

say() { echo "prereqs: $*" >&2; }

# pinned NAME: the version requirements-test.txt pins NAME to.
pinned() { sed -n "s/^$1\(\[[a-z,]*\]\)\{0,1\}==\([^ ;]*\).*/\2/p" "$req"; }

# python_of TOOL: the Python interpreter a console script runs under (its
# shebang; through pyenv's shim when it is one).
python_of() {
  local p first
  p=$(command -v "$1") || return 1
  if grep -q 'pyenv' "$p" 2>/dev/null && command -v pyenv >/dev/null 2>&1; then
    p=$(pyenv which "$1" 2>/dev/null) || return 1
  fi
  first=$(head -n 1 "$p")
  case "$first" in
    '#!'*python*) echo "${first#\#!}" ;;
    *) echo python3 ;;
  esac
}

# dist_version TOOL DIST: the installed version of the distribution DIST in
# TOOL's Python (from its metadata: importing moto takes seconds).
dist_version() {
  local py
  py=$(python_of "$1") || return 1
  # shellcheck disable=SC2086 # the shebang may be "/usr/bin/env python3"
  $py -c "from importlib.metadata import version; print(version('$2'))" 2>/dev/null
}

# check_version WHAT FOUND: warns when FOUND is not the pinned version.
check_version() {
  local want
  want=$(pinned "$1")
  if [ -z "$2" ]; then
    say "warning: could not tell $1's version; $req pins $want"
  elif [ "$2" != "$want" ]; then
    say "warning: $1 $2 found, $req pins $want"
  fi
}

# --- Go -----------------------------------------------------------------
want_go=$(sed -n 's/^go \([0-9.]*\)$/\1/p' go.mod)
if ! command -v go >/dev/null 2>&1; then
  say "Go $want_go is missing: install it from https://go.dev/dl/ (Debian/Ubuntu: its tarball into /usr/local/go; macOS: brew install go)"
  exit 1
fi
have_go=$(go env GOVERSION 2>/dev/null)
have_go=${have_go#go}
if [ "$(printf '%s\n%s\n' "$want_go" "$have_go" | sort -V | head -n 1)" != "$want_go" ]; then
  say "Go $have_go found, go.mod needs $want_go or newer: install it from https://go.dev/dl/ (macOS: brew upgrade go)"
  exit 1
fi

# --- the Python test tools -----------------------------------------------
missing=()
for tool in moto_server cfn-lint; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
install_cmd="python3 -m venv $venv && $venv/bin/pip install -r $req"
if [ "${#missing[@]}" -gt 0 ]; then
  if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    say "${missing[*]} missing and python3 with venv is not there to install them: install Python 3 (Debian/Ubuntu: sudo apt-get install python3-venv; macOS: brew install python), then run: $install_cmd"
    exit 1
  fi
  # Does the package index answer? (pip's own retries would take minutes.)
  if ! python3 - "$index" >/dev/null 2>&1 <<'PY'; then
import sys, urllib.request
urllib.request.urlopen(sys.argv[1].rstrip("/") + "/moto/", timeout=10).read(1)
PY
    say "${missing[*]} missing and no package index answers at $index: run \`$install_cmd\` where one does, or put them on PATH"
    exit 1
  fi
  say "${missing[*]} missing: installing $req into $venv"
  if ! { python3 -m venv "$venv" && "$venv/bin/pip" install -q -r "$req"; } >&2; then
    say "installing $req into $venv failed (see above); run: $install_cmd"
    exit 1
  fi
  export PATH="$PATH:$PWD/$venv/bin"
fi
check_version moto "$(dist_version moto_server moto)"
check_version cfn-lint "$(cfn-lint --version 2>/dev/null | awk '{print $2}')"
check_version aws-sam-translator "$(dist_version cfn-lint aws-sam-translator)"

# --- the two tests that need more than Go ----------------------------------
optional() { # optional MESSAGE: fails under CI, warns elsewhere
  if [ -n "${CI:-}" ]; then
    say "$1"
    status=1
  else
    say "$1 (its tests skip)"
  fi
}
if ! "$feedparser_python" -c 'import feedparser' >/dev/null 2>&1; then
  optional "feedparser is missing for $feedparser_python, the feed reader tests need it: sudo apt-get install python3-feedparser (macOS: $feedparser_python -m pip install --user feedparser; FEEDPARSER_PYTHON names another Python)"
fi
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  optional "chromium is missing, the preview studio's browser test needs it: sudo apt-get install chromium fonts-dejavu-core (macOS: brew install --cask chromium)"
fi
exit "$status"
