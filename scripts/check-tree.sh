#!/usr/bin/env bash
# Fails when git tracks a built program (an ELF, Mach-O or PE file, or any
# executable that is not a script) or a file over 1 MB outside testdata/ and
# the card's emoji pack: a built binary never lands, and nothing large lands by
# accident. Run by `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
limit=$((1024 * 1024))
bad=0
while IFS= read -r -d '' f; do
  [ -f "$f" ] || continue
  magic=$(head -c 4 "$f" | od -An -tx1 | tr -d ' \n')
  case "$magic" in
    7f454c46 | cffaedfe | cefaedfe | feedfacf | feedface | cafebabe | 4d5a*)
      echo "check-tree: $f is a built program; remove it (git rm --cached) and rebuild with make build" >&2
      bad=1; continue ;;
  esac
  if [ -x "$f" ] && [ "$(head -c 2 "$f")" != '#!' ]; then
    echo "check-tree: $f is executable but not a script" >&2
    bad=1; continue
  fi
  case "$f" in */testdata/* | internal/share/card/emoji/*) continue ;; esac
  size=$(stat -c %s "$f" 2>/dev/null || stat -f %z "$f")
  if [ "$size" -gt "$limit" ]; then
    echo "check-tree: $f is $size bytes, over 1 MB outside testdata/ and the emoji pack" >&2
    bad=1
  fi
done < <(git ls-files -z)
exit "$bad"
