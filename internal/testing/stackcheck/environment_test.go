package stackcheck

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/newsdesk/syndicate/internal/config"
)

// TestEnvironmentIsWhatConfigReads catches a misspelt variable: every name
// the template sets must be one config.Load asks for.
func TestEnvironmentIsWhatConfigReads(t *testing.T) {
	read := map[string]bool{}
	_, _ = config.Load(func(name string) string { read[name] = true; return "" })
	tp := template(t)
	check := func(where string, env any) {
		vars, _ := Get(env, "Variables")
		m, _ := vars.(map[string]any)
		for name := range m {
			if !read[name] {
				t.Errorf("%s sets %s, which config.Load never reads", where, name)
			}
		}
	}
	check("Globals", Must(Get(tp, "Globals", "Function", "Environment")))
	for id, fn := range tp.Resources("AWS::Serverless::Function") {
		check(id, Must(Get(fn, "Properties", "Environment")))
	}
	// env.json may only set what the template declares: sam local passes
	// nothing else.
	b, err := os.ReadFile(filepath.Join(root, "env.json"))
	if err != nil {
		t.Fatal(err)
	}
	var local map[string]map[string]string
	if err := json.Unmarshal(b, &local); err != nil {
		t.Fatalf("env.json: %v", err)
	}
	globals, _ := Get(tp, "Globals", "Function", "Environment", "Variables")
	fns := tp.Resources("AWS::Serverless::Function")
	for scope, vars := range local {
		if scope != "Parameters" && fns[scope] == nil {
			t.Errorf("env.json: %q is neither Parameters nor a function", scope)
			continue
		}
		for name := range vars {
			_, global := globals.(map[string]any)[name]
			_, own := Get(fns[scope], "Properties", "Environment", "Variables", name)
			if !global && !own {
				t.Errorf("env.json %s.%s: the template does not declare it, so sam local ignores it", scope, name)
			}
		}
	}
}

func TestParametersAndOutputs(t *testing.T) {
	tp := template(t)
	for _, p := range []string{"SiteURL", "SiteName", "SiteLocale", "BaseURL", "HubURL", "AdminTokenParameter", "BrandColor", "ImageOrigins",
		"LogRetentionDays", "AlarmEmail", "ShareReservedConcurrency", "DeploymentStrategy", "CursorSecret"} {
		if _, ok := Get(tp, "Parameters", p); !ok {
			t.Errorf("no parameter %s", p)
		}
	}
	cfg, _ := config.Load(func(string) string { return "" })
	if got := String(tp, "Parameters", "HubURL", "Default"); got != cfg.HubURL {
		t.Errorf("HubURL default %q, config's default %q", got, cfg.HubURL)
	}
	if got := String(tp, "Parameters", "BrandColor", "Default"); got != cfg.BrandColor {
		t.Errorf("BrandColor default %q, config's default %q", got, cfg.BrandColor)
	}
	outputs, _ := Get(tp, "Outputs")
	// Public URLs are built on the base the functions get (BASE_URL): the
	// publisher's domain when there is one, else BaseURL.
	base := Must(Get(tp, "Globals", "Function", "Environment", "Variables", "BASE_URL"))
	var values []string
	for _, o := range outputs.(map[string]any) {
		sub, _ := Get(o, "Value", "Fn::Sub")
		if l, ok := sub.([]any); ok && len(l) == 2 && reflect.DeepEqual(Must(Get(l[1], "Base")), base) {
			values = append(values, strings.Replace(l[0].(string), "${Base}", "<base>", 1))
		}
	}
	for _, path := range []string{"/feeds/rss.xml", "/feeds/atom.xml", "/feeds/feed.json", "/sitemap-news.xml"} {
		if !slices.Contains(values, "<base>"+path) {
			t.Errorf("no output for %s on BASE_URL's base (%v)", path, values)
		}
	}
	if got := Must(Get(outputs, "PublicBaseURL", "Value")); !reflect.DeepEqual(got, base) {
		t.Errorf("PublicBaseURL = %v, want BASE_URL's %v", got, base)
	}
	for _, o := range []string{"PublicApiURL", "AdminApiURL"} {
		if _, ok := Get(outputs, o); !ok {
			t.Errorf("no output %s", o)
		}
	}
	// With the CDN, the execute-api URL refuses requests without the CDN's
	// secret: it is published only for stacks without a CDN.
	if got := String(outputs, "PublicApiURL", "Condition"); got != "NoCDN" {
		t.Errorf("PublicApiURL output Condition = %q, want NoCDN (the origin is no public door)", got)
	}
	if c, _ := Get(tp, "Conditions", "NoCDN", "Fn::Not", 0, "Condition"); c != "CreateCDN" {
		t.Errorf("NoCDN is %v, want !Not [!Condition CreateCDN]", Must(Get(tp, "Conditions", "NoCDN")))
	}
}
