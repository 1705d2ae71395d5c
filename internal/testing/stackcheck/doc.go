// Package stackcheck keeps the deployment artefacts honest: its tests check
// template.yaml, build.mk and events/ against the code they deploy
// (functions, build targets, routes, IAM policies, the table, environment
// variables) and run every bootstrap under the Lambda Runtime Interface
// Emulator with every events/ file, so that nothing ships without its
// template entry and no entry outlives its code. CONTRIBUTING.md lists the
// checks.
//
// They also check waf.yaml (the web ACL's own us-east-1 stack), the alarms
// against docs/operations.md, and, through scripts/sam-translate.py, the
// template as aws-sam-translator expands it at deploy time.
//
// Template reads the template as data with gopkg.in/yaml.v3, turning
// CloudFormation's short-form tags (!Ref, !Sub, !GetAtt, …) into their long
// form ({"Ref": …}), as CloudFormation does.
package stackcheck
