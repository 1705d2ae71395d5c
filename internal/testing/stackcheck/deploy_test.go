package stackcheck

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// fakeTools writes sam and aws stand-ins into a directory: each appends
// its arguments as one line to calls; aws prints awsOut and exits with
// awsExit.
func fakeTools(t *testing.T, awsOut string, awsExit int) (bin, calls string) {
	t.Helper()
	bin = t.TempDir()
	calls = filepath.Join(bin, "calls")
	for name, body := range map[string]string{
		"sam": "echo \"sam $*\" >> '" + calls + "'\n",
		"aws": "echo \"aws $*\" >> '" + calls + "'\necho '" + awsOut + "'\nexit " + string(rune('0'+awsExit)) + "\n",
	} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\n"+body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return bin, calls
}

// runDeploy runs scripts/deploy.sh on a copy of samconfig.toml with the
// fake tools first on PATH.
func runDeploy(t *testing.T, bin string, args ...string) (config string, out []byte, err error) {
	t.Helper()
	b, rerr := os.ReadFile(filepath.Join(root, "samconfig.toml"))
	if rerr != nil {
		t.Fatal(rerr)
	}
	config = filepath.Join(t.TempDir(), "samconfig.toml")
	if err := os.WriteFile(config, b, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(root, "scripts", "deploy.sh"), args...)
	cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "SAMCONFIG="+config)
	out, err = cmd.CombinedOutput()
	return config, out, err
}

// TestDeployScript: `make deploy` deploys the web ACL's stack in
// us-east-1 first, writes its WebACLArn output into samconfig.toml's main
// deploy parameters (every other parameter kept), then builds and deploys
// the main stack; without the ARN it stops before the main stack.
func TestDeployScript(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not on PATH")
	}
	const arn = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/syndicate-waf-edge/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"
	t.Run("both stacks", func(t *testing.T) {
		bin, calls := fakeTools(t, arn, 0)
		before := samconfigOverrides(t)["deploy"]
		config, out, err := runDeploy(t, bin, "--no-confirm-changeset")
		if err != nil {
			t.Fatalf("deploy.sh: %v\n%s", err, out)
		}
		b, _ := os.ReadFile(calls)
		got := strings.Split(strings.TrimSpace(string(b)), "\n")
		want := []*regexp.Regexp{
			regexp.MustCompile(`^sam deploy --config-file \S+/samconfig\.toml --config-env waf$`),
			regexp.MustCompile(`^aws cloudformation describe-stacks --region us-east-1 --stack-name syndicate-waf --query .*WebACLArn.* --output text$`),
			regexp.MustCompile(`^sam build --config-file \S+/samconfig\.toml$`),
			regexp.MustCompile(`^sam deploy --config-file \S+/samconfig\.toml --no-confirm-changeset$`),
		}
		if len(got) != len(want) {
			t.Fatalf("calls:\n%s\nwant %d", b, len(want))
		}
		for i, re := range want {
			if !re.MatchString(got[i]) || !strings.Contains(got[i], config) && i != 1 {
				t.Errorf("call %d = %q, want %s on %s", i, got[i], re, config)
			}
		}
		// The copy now carries the ARN, and nothing else changed.
		after := parseSamconfig(t, config)["deploy"]
		if after["WebACLArn"] != arn {
			t.Errorf("WebACLArn = %q after deploy.sh, want %s", after["WebACLArn"], arn)
		}
		for k, v := range before {
			if k != "WebACLArn" && after[k] != v {
				t.Errorf("%s changed from %q to %q", k, v, after[k])
			}
		}
		if !regexp.MustCompile(String(template(t), "Parameters", "WebACLArn", "AllowedPattern")).MatchString(after["WebACLArn"]) {
			t.Errorf("the written WebACLArn %q is refused by the template's pattern", after["WebACLArn"])
		}
	})
	for name, c := range map[string]struct {
		out  string
		exit int
	}{
		"no output":        {"None", 0},
		"describe failing": {"", 1},
		"another region":   {strings.Replace(arn, "us-east-1", "eu-central-1", 1), 0},
	} {
		t.Run(name, func(t *testing.T) {
			bin, calls := fakeTools(t, c.out, c.exit)
			config, out, err := runDeploy(t, bin)
			if err == nil {
				t.Fatalf("deploy.sh succeeded:\n%s", out)
			}
			b, _ := os.ReadFile(calls)
			if strings.Contains(string(b), "sam build") || strings.Count(string(b), "sam deploy") != 1 {
				t.Errorf("the main stack was built or deployed without the ARN:\n%s", b)
			}
			if got := parseSamconfig(t, config)["deploy"]["WebACLArn"]; got != "" {
				t.Errorf("WebACLArn = %q written", got)
			}
		})
	}
}
