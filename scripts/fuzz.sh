#!/usr/bin/env bash
# fuzz.sh runs every Go fuzz target in the module, one after another, each
# for FUZZTIME (default 30s). Targets are discovered with
# `go test -list '^Fuzz'`, so a new Fuzz function is fuzzed without editing
# this file. New failing inputs land in the package's testdata/fuzz/<Name>/
# and from then on run in every plain `go test`.
#
# Environment:
#   FUZZTIME      per target, a duration or NNNx count (default 30s)
#   FUZZMINIMIZE  -fuzzminimizetime (default 2s). Keep it short: several
#                 targets have slightly non-deterministic coverage (random
#                 request IDs, map order), and Go's default of 60s then
#                 spends most of the run minimizing "interesting" inputs.
#   FUZZPARALLEL  fuzzing workers (default: number of CPUs)
#   PKGS          packages to search (default ./...)
#
# It stops at the first target that fails and exits non-zero.
set -euo pipefail

cd "$(dirname "$0")/.."

FUZZTIME=${FUZZTIME:-30s}
FUZZMINIMIZE=${FUZZMINIMIZE:-2s}
FUZZPARALLEL=${FUZZPARALLEL:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)}
PKGS=${PKGS:-./...}

# `go test -list` prints the matching names of each package, then
# "ok <import path> ..." for it; pair them up. A package that does not
# build fails the run rather than being skipped silently.
if ! listing=$(go test -list '^Fuzz' $PKGS 2>&1); then
	echo "$listing" >&2
	echo "fuzz: go test -list failed" >&2
	exit 1
fi
targets=()
pending=()
while read -r first second _; do
	case $first in
	Fuzz*) pending+=("$first") ;;
	ok)
		for name in ${pending[@]+"${pending[@]}"}; do
			targets+=("$second $name")
		done
		pending=()
		;;
	esac
done <<<"$listing"

if [[ ${#targets[@]} -eq 0 ]]; then
	echo "fuzz: no Fuzz targets found in $PKGS" >&2
	exit 1
fi

echo "fuzz: ${#targets[@]} targets, ${FUZZTIME} each"
for t in "${targets[@]}"; do
	pkg=${t% *}
	name=${t#* }
	echo "fuzz: $pkg $name"
	go test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" \
		-fuzzminimizetime "$FUZZMINIMIZE" -parallel "$FUZZPARALLEL" "$pkg"
done
echo "fuzz: all ${#targets[@]} targets passed"
