package stackcheck

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// samconfigOverrides reads samconfig.toml's parameter_overrides for each
// command section ("deploy", "local_invoke", ..., "waf.deploy"). samconfig.toml is flat
// TOML: [default.<command>.parameters] headers and key = "string" lines.
func samconfigOverrides(t *testing.T) map[string]map[string]string {
	t.Helper()
	return parseSamconfig(t, filepath.Join(root, "samconfig.toml"))
}

// parseSamconfig is samconfigOverrides of the file at path.
func parseSamconfig(t *testing.T, path string) map[string]map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// [default.<command>.parameters] is "<command>"; another environment's
	// [<env>.<command>.parameters] is "<env>.<command>".
	header := regexp.MustCompile(`^\[(\w+)\.(\w+)\.parameters\]$`)
	pair := regexp.MustCompile(`(\w+)="((?:[^"\\]|\\.)*)"`)
	out := map[string]map[string]string{}
	section := ""
	for _, line := range strings.Split(string(b), "\n") {
		if m := header.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			section = m[2]
			if m[1] != "default" {
				section = m[1] + "." + m[2]
			}
			continue
		}
		v, ok := strings.CutPrefix(line, "parameter_overrides = ")
		if !ok {
			continue
		}
		var s string
		if err := json.Unmarshal([]byte(v), &s); err != nil { // a TOML basic string is a JSON string here
			t.Fatalf("samconfig.toml [%s] parameter_overrides: %v", section, err)
		}
		out[section] = map[string]string{}
		for _, m := range pair.FindAllStringSubmatch(s, -1) {
			out[section][m[1]] = strings.ReplaceAll(m[2], `\"`, `"`)
		}
	}
	return out
}

// TestEventsUseTheLocalBaseURL: sam local runs the functions with env.json's
// BASE_URL and samconfig.toml's local BaseURL; an event naming another host
// answers 404 there (oEmbed only embeds this service's share pages).
func TestEventsUseTheLocalBaseURL(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(root, "env.json"))
	if err != nil {
		t.Fatal(err)
	}
	var local map[string]map[string]string
	if err := json.Unmarshal(b, &local); err != nil {
		t.Fatal(err)
	}
	if got := local["Parameters"]["BASE_URL"]; got != baseURL {
		t.Errorf("env.json BASE_URL = %q, want %q", got, baseURL)
	}
	overrides := samconfigOverrides(t)
	for _, cmd := range []string{"local_start_api", "local_invoke"} {
		if got := overrides[cmd]["BaseURL"]; got != baseURL {
			t.Errorf("samconfig.toml [%s] BaseURL = %q, want env.json's %q", cmd, got, baseURL)
		}
	}
	files, err := filepath.Glob(filepath.Join(root, "events", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no events: %v", err)
	}
	for _, f := range files {
		var ev struct {
			RawQueryString        string            `json:"rawQueryString"`
			QueryStringParameters map[string]string `json:"queryStringParameters"`
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &ev); err != nil {
			continue // a stream batch, not an HTTP event
		}
		raw, err := url.ParseQuery(ev.RawQueryString)
		if err != nil {
			t.Errorf("%s: rawQueryString: %v", filepath.Base(f), err)
		}
		for k, v := range ev.QueryStringParameters {
			if got := raw.Get(k); got != v {
				t.Errorf("%s: queryStringParameters.%s = %q but rawQueryString has %q", filepath.Base(f), k, v, got)
			}
			if strings.HasPrefix(v, "http") && !strings.HasPrefix(v, baseURL+"/") && !strings.HasPrefix(v, siteURL+"/") {
				t.Errorf("%s: %s=%s is on neither the local BaseURL %s nor SiteURL", filepath.Base(f), k, v, baseURL)
			}
		}
	}
}

// TestSamconfigIsCompleteForAFirstDeploy: `sam deploy` with samconfig.toml
// asks nothing and sets only parameters the template has.
func TestSamconfigIsCompleteForAFirstDeploy(t *testing.T) {
	params, _ := Get(template(t), "Parameters")
	deploy := samconfigOverrides(t)["deploy"]
	for name := range params.(map[string]any) {
		if _, ok := deploy[name]; !ok {
			t.Errorf("samconfig.toml deploy parameter_overrides lacks %s", name)
		}
	}
	for name := range deploy {
		if _, ok := params.(map[string]any)[name]; !ok {
			t.Errorf("samconfig.toml sets %s, which template.yaml does not declare", name)
		}
	}
	for _, scope := range []string{"local_start_api", "local_invoke"} {
		for name := range samconfigOverrides(t)[scope] {
			if _, ok := params.(map[string]any)[name]; !ok {
				t.Errorf("samconfig.toml [%s] sets %s, which template.yaml does not declare", scope, name)
			}
		}
	}
}

// TestReferencedDocumentsExist: the template and samconfig.toml send
// operators to documents under docs/; they must be there.
func TestReferencedDocumentsExist(t *testing.T) {
	ref := regexp.MustCompile(`docs/[\w.-]+\.md`)
	for _, f := range []string{"template.yaml", "samconfig.toml", "waf.yaml"} {
		b, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		docs := ref.FindAllString(string(b), -1)
		slices.Sort(docs)
		for _, d := range slices.Compact(docs) {
			if _, err := os.Stat(filepath.Join(root, d)); err != nil {
				t.Errorf("%s refers to %s: %v", f, d, err)
			}
		}
	}
}
