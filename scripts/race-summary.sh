#!/usr/bin/env bash
# race-summary.sh DIR: after `go test -race` with GORACE=log_path=DIR/report,
# print each data race report there, shortened to one line per frame (the
# runtime writes them to DIR/report.<pid> instead of into the test output,
# where a long run's log cuts them). Exits 0; prints nothing without reports.
set -u
dir=${1:?usage: race-summary.sh DIR}
shopt -s nullglob
reports=("$dir"/report.*)
[ ${#reports[@]} -eq 0 ] && exit 0
echo "race-summary: ${#reports[@]} test process(es) reported data races; each report, a frame a line:"
for f in "${reports[@]}"; do
	awk -v file="$(basename "$f")" '
		/^WARNING: DATA RACE/ { n++; if (n > 3) exit; print "--- " file " race " n; next }
		/^(Read|Write|Previous|Goroutine|Atomic)/ { print "  " $0; frames = 0; next }
		/^  [^ ].*\(\)$/ { fn = $1; next }
		/^      \// {
			if (++frames > 12) next
			loc = $1; sub(/^.*\/(syndicate|src|pkg\/mod)\//, "", loc)
			print "    " fn "  " loc
		}
	' "$f"
done
