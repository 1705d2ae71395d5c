#!/usr/bin/env bash
# deploy.sh [SAM DEPLOY ARGS...] (make deploy): both stacks in one command.
#   1. the web ACL, waf.yaml, as its own stack in us-east-1
#      (samconfig.toml [waf.deploy.parameters]: sam deploy --config-env waf);
#   2. its WebACLArn output written into the WebACLArn of samconfig.toml's
#      [default.deploy.parameters], so that a later plain `sam deploy` keeps
#      it (sam deploy's --parameter-overrides would replace every other
#      parameter of samconfig.toml, not add one);
#   3. sam build and sam deploy of template.yaml, with ARGS.
# SAMCONFIG names another samconfig.toml (the tests use a copy).
# docs/deploy.md, "WAF", explains it.
set -euo pipefail
cd "$(dirname "$0")/.."
config=${SAMCONFIG:-samconfig.toml}
config="$(cd "$(dirname "$config")" && pwd)/$(basename "$config")"

# waf_setting KEY: KEY's string value in the [waf.deploy.parameters] section.
waf_setting() {
  awk -v key="$1" '
    /^\[/ { section = $0; next }
    section == "[waf.deploy.parameters]" && $1 == key {
      sub(/^[^=]*= *"/, ""); sub(/" *$/, ""); print; exit
    }' "$config"
}
region=$(waf_setting region)
stack=$(waf_setting stack_name)
if [ -z "$region" ] || [ -z "$stack" ]; then
  echo "deploy: $config has no [waf.deploy.parameters] with region and stack_name" >&2
  exit 1
fi

echo "deploy: the web ACL stack $stack in $region (waf.yaml)" >&2
sam deploy --config-file "$config" --config-env waf

arn=$(aws cloudformation describe-stacks --region "$region" --stack-name "$stack" \
  --query "Stacks[0].Outputs[?OutputKey=='WebACLArn'].OutputValue" --output text)
if ! [[ "$arn" =~ ^arn:aws[a-z-]*:wafv2:us-east-1:[0-9]{12}:global/webacl/[^[:space:]]+$ ]]; then
  echo "deploy: stack $stack in $region has no WebACLArn output (got \"$arn\"); not deploying the main stack" >&2
  exit 1
fi
# The ARN has no '#', '"', '\' or '&': safe in this replacement.
sed -i.bak -E 's#WebACLArn=\\"[^"\\]*\\"#WebACLArn=\\"'"$arn"'\\"#' "$config"
rm -f "$config.bak"
if ! grep -qF "WebACLArn=\\\"$arn\\\"" "$config"; then
  echo "deploy: could not write WebACLArn into $config; set WebACLArn=\"$arn\" there by hand" >&2
  exit 1
fi
echo "deploy: WebACLArn=$arn written into $config" >&2

sam build --config-file "$config"
sam deploy --config-file "$config" "$@"
