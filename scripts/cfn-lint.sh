#!/usr/bin/env bash
# cfn-lint.sh [TEMPLATE]: lints template.yaml (or TEMPLATE) with cfn-lint,
# which expands the Serverless transform with aws-sam-translator first.
# Clean means no errors and no warnings: cfn-lint exits non-zero on either.
set -euo pipefail
cd "$(dirname "$0")/.."
template=${1:-template.yaml}

if ! command -v cfn-lint >/dev/null 2>&1; then
  echo "cfn-lint: not found on PATH (cfn-lint 1.51 under the pyenv Python is required: pip install 'cfn-lint==1.51.*')" >&2
  exit 1
fi
version=$(cfn-lint --version 2>&1 | awk '{print $2}')
case "$version" in
  1.*) ;;
  *) echo "cfn-lint: version $version found, 1.x (1.51) is required" >&2; exit 1 ;;
esac

cfn-lint --format parseable "$template"
echo "cfn-lint $version: $template clean"
