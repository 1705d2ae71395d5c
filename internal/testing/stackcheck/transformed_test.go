package stackcheck

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// samPython is the Python that runs scripts/sam-translate.py: $SAM_PYTHON,
// or the one of the project's .venv (scripts/prereqs.sh), or python3; it
// must import samtranslator (aws-sam-translator, requirements-test.txt).
func samPython(t *testing.T) string {
	t.Helper()
	candidates := []string{os.Getenv("SAM_PYTHON"), filepath.Join(root, ".venv", "bin", "python3"), "python3"}
	// cfn-lint's own interpreter has aws-sam-translator: it is a dependency.
	if p, err := exec.LookPath("cfn-lint"); err == nil {
		if b, err := os.ReadFile(p); err == nil {
			first, _, _ := strings.Cut(string(b), "\n")
			if py, ok := strings.CutPrefix(first, "#!"); ok && strings.Contains(py, "python") && !strings.Contains(py, " ") {
				candidates = append(candidates, py)
			}
		}
	}
	for _, py := range candidates {
		if py == "" {
			continue
		}
		if exec.Command(py, "-c", "import samtranslator").Run() == nil {
			return py
		}
	}
	const msg = "no Python with aws-sam-translator (requirements-test.txt; make prereqs installs it into .venv, or set SAM_PYTHON)"
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

var (
	transformMu    sync.Mutex
	transformCache = map[string]Template{}
)

// transformed is template.yaml as CloudFormation deploys it: expanded by
// aws-sam-translator (scripts/sam-translate.py) with samconfig.toml's
// deploy parameters, overridden by params.
func transformed(t *testing.T, params map[string]string) Template {
	t.Helper()
	values := map[string]string{}
	for k, v := range samconfigOverrides(t)["deploy"] {
		values[k] = v
	}
	for k, v := range params {
		values[k] = v
	}
	arg, err := json.Marshal(values)
	if err != nil {
		t.Fatal(err)
	}
	transformMu.Lock()
	defer transformMu.Unlock()
	if tp, ok := transformCache[string(arg)]; ok {
		return tp
	}
	py := samPython(t)
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(py, filepath.Join(root, "scripts", "sam-translate.py"), filepath.Join(root, "template.yaml"), string(arg))
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("sam-translate.py: %v\n%s", err, stderr.String())
	}
	tp, err := Parse(stdout.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	transformCache[string(arg)] = tp
	return tp
}

// dependsOn reports whether resource from depends on resource to in tp,
// directly or through others, by Ref, Fn::GetAtt, Fn::Sub or DependsOn:
// CloudFormation creates and updates to before from.
func dependsOn(tp Template, from, to string) bool {
	res := tp.Resources("")
	seen := map[string]bool{}
	var walk func(id string) bool
	walk = func(id string) bool {
		if seen[id] {
			return false
		}
		seen[id] = true
		r := res[id]
		if r == nil {
			return false
		}
		deps := Refs(r["Properties"])
		switch d := r["DependsOn"].(type) {
		case string:
			deps = append(deps, d)
		case []any:
			deps = append(deps, strs(d)...)
		}
		for _, d := range deps {
			if d == to || walk(d) {
				return true
			}
		}
		return false
	}
	return walk(from)
}

// TestTransformedTemplate: the template expands as `sam deploy` has
// CloudFormation expand it, and what the other tests assume of SAM holds
// in the expansion: every function's live alias and, for the non
// conditional ones, a CodeDeploy deployment group whose alarms exist.
func TestTransformedTemplate(t *testing.T) {
	tp := transformed(t, nil)
	src := template(t)
	res := tp.Resources("")
	for id, fn := range src.Resources("AWS::Serverless::Function") {
		if res[id] == nil || String(res[id], "Type") != "AWS::Lambda::Function" {
			t.Errorf("%s: not an AWS::Lambda::Function after the transform", id)
		}
		if a := res[id+"Aliaslive"]; a == nil || String(a, "Type") != "AWS::Lambda::Alias" {
			t.Errorf("%s: no live alias after the transform", id)
		}
		if String(fn, "Condition") != "" {
			continue
		}
		dg := res[id+"DeploymentGroup"]
		if dg == nil {
			t.Errorf("%s: no CodeDeploy deployment group", id)
			continue
		}
		l, _ := Get(dg, "Properties", "AlarmConfiguration", "Alarms")
		for _, a := range l.([]any) {
			for _, ref := range Refs(a) {
				if String(res[ref], "Type") != "AWS::CloudWatch::Alarm" {
					t.Errorf("%s's deployment group names %s, not an alarm of the stack", id, ref)
				}
			}
		}
	}
	for id := range src.Resources("AWS::CloudWatch::Alarm") {
		if res[id] == nil {
			t.Errorf("alarm %s lost in the transform", id)
		}
	}
	// The public API's integrations invoke the live aliases, so the CDN in
	// front of it is updated only after the functions behind it are: a
	// rotation's new header never reaches functions that refuse it
	// (TestOriginSecretRotation).
	for _, fn := range []string{"FeedsFunction", "ShareFunction"} {
		if !dependsOn(tp, "CDN", fn+"Aliaslive") {
			t.Errorf("CDN does not depend on %sAliaslive in the deployed template: CloudFormation may update it first", fn)
		}
		if !slices.Contains(Refs(Must(Get(tp, "Resources", fn+"Aliaslive"))), fn+"Version"+strings.TrimPrefix(versionSuffix(tp, fn), fn+"Version")) {
			t.Errorf("%sAliaslive does not point at the function's published version", fn)
		}
	}
}

// versionSuffix is the logical ID of fn's published version (SAM appends a
// hash of the code and configuration).
func versionSuffix(tp Template, fn string) string {
	for id, r := range tp.Resources("AWS::Lambda::Version") {
		if strings.HasPrefix(id, fn+"Version") && slices.Contains(Refs(r["Properties"]), fn) {
			return id
		}
	}
	return ""
}
