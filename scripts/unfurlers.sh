#!/usr/bin/env bash
# Reads share pages of a running service (`make run`, default
# http://127.0.0.1:3000) as metascraper, unfurl.js and open-graph-scraper
# do, and fails when one of them misses a title, an image or a named
# author. Needs node and npm (installs tools/unfurl's locked packages on
# first use). Not part of `make test`: it needs the npm registry.
#   scripts/unfurlers.sh [BASE_URL [SLUG...]]
set -euo pipefail
cd "$(dirname "$0")/../tools/unfurl"
base="${1:-http://127.0.0.1:3000}"
shift || true
slugs=("$@")
if [ ${#slugs[@]} -eq 0 ]; then
  # Two seeded articles: one credited to its source (БТА), one with no byline.
  slugs=(yuzhna-koreya-i-nato-se-sporazumyaha-za-obshti-proekti sbu-unishtozhi-ruska-tehnika-na-letishte-belbek)
fi
[ -d node_modules ] || npm ci --no-audit --no-fund
rc=0
for s in "${slugs[@]}"; do
  echo "== $base/share/$s"
  node check.mjs "$base/share/$s" || rc=1
done
exit $rc
