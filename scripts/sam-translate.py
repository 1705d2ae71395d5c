#!/usr/bin/env python3
"""sam-translate.py TEMPLATE [PARAMETERS_JSON]: prints TEMPLATE as
CloudFormation expands it at deploy time (the AWS::Serverless-2016-10-31
transform, by aws-sam-translator, the library CloudFormation's transform
and cfn-lint use), as JSON on stdout. PARAMETERS_JSON is an object of
parameter values (samconfig.toml's overrides); the template's defaults fill
the rest. CodeUri "." becomes a placeholder S3 object, as `sam deploy`
replaces it with the uploaded build. internal/testing/stackcheck reads the
output (transformed_test.go)."""
import json
import os
import sys

from samtranslator.parser import parser
from samtranslator.translator.translator import Translator
from samtranslator.yaml_helper import yaml_parse


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: sam-translate.py TEMPLATE [PARAMETERS_JSON]")
    with open(sys.argv[1], encoding="utf-8") as f:
        template = yaml_parse(f.read())
    values = json.loads(sys.argv[2]) if len(sys.argv) == 3 else {}
    params = {}
    for name, p in template.get("Parameters", {}).items():
        # CloudFormation hands the transform every value as a string.
        if name in values:
            params[name] = str(values[name])
        elif "Default" in p:
            params[name] = str(p["Default"])
    for res in template.get("Resources", {}).values():
        props = res.get("Properties") or {}
        if res.get("Type") == "AWS::Serverless::Function" and isinstance(props.get("CodeUri"), str):
            props["CodeUri"] = "s3://sam-translate-placeholder/" + props["CodeUri"].strip("./") + "code.zip"
    os.environ.setdefault("AWS_DEFAULT_REGION", values.get("AWS::Region", "eu-central-1"))
    out = Translator(managed_policy_map={}, sam_parser=parser.Parser()).translate(
        sam_template=template, parameter_values=params, passthrough_metadata=True
    )
    json.dump(out, sys.stdout, indent=1, sort_keys=True, default=str)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
