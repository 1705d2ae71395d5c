package stackcheck

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/newsdesk/syndicate/internal/config"
	"github.com/newsdesk/syndicate/internal/httpapi"
)

// The origin secret's dynamic references: the CDN sends, and the functions
// accept, OriginSecretParameter at a pinned version; the functions also
// accept the previous one while a rotation propagates.
const (
	currentSecretRef  = "{{resolve:ssm:${OriginSecretParameter}:${OriginSecretVersion}}}"
	previousSecretRef = "{{resolve:ssm:${OriginSecretParameter}:${OriginSecretPreviousVersion}}}"
)

func TestOriginSecret(t *testing.T) {
	tp := template(t)
	hs, _ := Get(tp, "Resources", "CDN", "Properties", "DistributionConfig", "Origins", 0, "OriginCustomHeaders", "Fn::If")
	if c, _ := Get(hs, 0); c != "UseOriginSecret" {
		t.Fatalf("OriginCustomHeaders = %v, want !If [UseOriginSecret, ...]", hs)
	}
	h, _ := Get(hs, 1, 0)
	if got := String(h, "HeaderName"); got != httpapi.OriginSecretHeader {
		t.Errorf("origin header %q, want httpapi.OriginSecretHeader %q", got, httpapi.OriginSecretHeader)
	}
	// The value is resolved from SSM at deploy time, never written here,
	// at the version the functions accept.
	if got := String(h, "HeaderValue", "Fn::Sub"); got != currentSecretRef {
		t.Errorf("origin header value %v, want %s", Must(Get(h, "HeaderValue")), currentSecretRef)
	}
	fns := tp.Resources("AWS::Serverless::Function")
	for _, id := range []string{"FeedsFunction", "ShareFunction", "FediverseFunction"} {
		for _, c := range []struct{ name, cond, ref string }{
			{"ORIGIN_SECRET", "UseOriginSecret", currentSecretRef},
			{"ORIGIN_SECRET_PREVIOUS", "AcceptPreviousOriginSecret", previousSecretRef},
		} {
			v, _ := Get(fns[id], "Properties", "Environment", "Variables", c.name, "Fn::If")
			if cond, _ := Get(v, 0); cond != c.cond || String(v, 1, "Fn::Sub") != c.ref || String(v, 2) != "" {
				t.Errorf("%s %s = %v, want !If [%s, %s, \"\"]", id, c.name, v, c.cond, c.ref)
			}
		}
	}
	for id := range fns {
		if id == "FeedsFunction" || id == "ShareFunction" || id == "FediverseFunction" {
			continue
		}
		for _, name := range []string{"ORIGIN_SECRET", "ORIGIN_SECRET_PREVIOUS"} {
			if _, ok := Get(fns[id], "Properties", "Environment", "Variables", name); ok {
				t.Errorf("%s gets %s; only the CDN's origins need it", id, name)
			}
		}
	}
	if _, ok := Get(tp, "Globals", "Function", "Environment", "Variables", "ORIGIN_SECRET"); ok {
		t.Error("ORIGIN_SECRET in Globals: only the CDN's origins need it")
	}
	for name, want := range map[string]int64{"OriginSecretVersion": 1, "OriginSecretPreviousVersion": 0} {
		if d, _ := Get(tp, "Parameters", name, "Default"); d != want || String(tp, "Parameters", name, "Type") != "Number" {
			t.Errorf("parameter %s: %v, want a Number defaulting to %d", name, Must(Get(tp, "Parameters", name)), want)
		}
	}
}

// eval evaluates the intrinsics the origin secret's wiring uses (Ref of a
// parameter, Fn::Sub, Fn::If, Fn::Equals, Fn::Not, Fn::And, Condition)
// with params, as CloudFormation does before resolving dynamic references.
func eval(t *testing.T, tp Template, params map[string]string, v any) any {
	t.Helper()
	switch x := v.(type) {
	case int64:
		return strconv.FormatInt(x, 10)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = eval(t, tp, params, e)
		}
		return out
	case map[string]any:
		if len(x) != 1 {
			break
		}
		for k := range x {
			if k != "Ref" && k != "Condition" && !strings.HasPrefix(k, "Fn::") {
				return map[string]any{k: eval(t, tp, params, x[k])}
			}
		}
	default:
		return v
	}
	m := v.(map[string]any)
	if len(m) != 1 {
		out := map[string]any{}
		for k, e := range m {
			out[k] = eval(t, tp, params, e)
		}
		return out
	}
	for k, e := range m {
		switch k {
		case "Ref":
			if e == "AWS::NoValue" {
				return nil
			}
			p, ok := params[e.(string)]
			if !ok {
				t.Fatalf("eval: no value for %s", e)
			}
			return p
		case "Condition":
			return eval(t, tp, params, Must(Get(tp, "Conditions", e.(string))))
		case "Fn::Equals":
			l := e.([]any)
			return fmt.Sprint(eval(t, tp, params, l[0])) == fmt.Sprint(eval(t, tp, params, l[1]))
		case "Fn::Not":
			return !eval(t, tp, params, e.([]any)[0]).(bool)
		case "Fn::And":
			for _, c := range e.([]any) {
				if !eval(t, tp, params, c).(bool) {
					return false
				}
			}
			return true
		case "Fn::If":
			l := e.([]any)
			if eval(t, tp, params, Must(Get(tp, "Conditions", l[0].(string)))).(bool) {
				return eval(t, tp, params, l[1])
			}
			return eval(t, tp, params, l[2])
		case "Fn::Sub":
			return regexp.MustCompile(`\$\{([A-Za-z0-9:]+)\}`).ReplaceAllStringFunc(e.(string), func(s string) string {
				p, ok := params[s[2:len(s)-1]]
				if !ok {
					t.Fatalf("eval: no value for %s", s)
				}
				return p
			})
		}
	}
	return v
}

// resolveSSM resolves {{resolve:ssm:name:version}} against history, a
// parameter's values by version, failing the test on an unversioned
// reference (which resolves to whatever is newest at deploy time: a change
// to the parameter is then no change to the template) or a missing version
// (CloudFormation fails the deploy).
func resolveSSM(t *testing.T, s string, history map[string]string) string {
	t.Helper()
	if s == "" {
		return ""
	}
	m := regexp.MustCompile(`^\{\{resolve:ssm:(/[^:}]+):(\d+)\}\}$`).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("%q is not a versioned SSM reference", s)
	}
	v, ok := history[m[2]]
	if !ok {
		t.Fatalf("%s has no version %s: the deploy would fail", m[1], m[2])
	}
	return v
}

// deployed is one state of the stack, as the CDN and the public functions
// hold it.
type deployed struct {
	header string       // what the CDN sends in X-Origin-Verify
	origin http.Handler // the feeds function's origin check
}

// deployState evaluates the template's origin wiring with params against
// the parameter's history, and builds the origin check the functions run
// from the environment they would get.
func deployState(t *testing.T, tp Template, params map[string]string, history map[string]string) deployed {
	t.Helper()
	hdr := eval(t, tp, params, Must(Get(tp, "Resources", "CDN", "Properties", "DistributionConfig", "Origins", 0, "OriginCustomHeaders")))
	var d deployed
	if l, ok := hdr.([]any); ok {
		d.header = resolveSSM(t, String(l[0], "HeaderValue"), history)
	}
	env := map[string]string{}
	vars, _ := Get(tp, "Resources", "FeedsFunction", "Properties", "Environment", "Variables")
	for name, v := range vars.(map[string]any) {
		env[name] = resolveSSM(t, eval(t, tp, params, v).(string), history)
	}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("config.Load with the deployed environment: %v", err)
	}
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	d.origin = httpapi.RequireOrigin(cfg.OriginSecret, ok, cfg.OriginSecretPrevious)
	return d
}

func (d deployed) accepts(header string) bool {
	r := httptest.NewRequest(http.MethodGet, "/feeds/rss.xml", nil)
	r.Header.Set(httpapi.OriginSecretHeader, header)
	w := httptest.NewRecorder()
	d.origin.ServeHTTP(w, r)
	return w.Code == http.StatusOK
}

// rotationSplits lists what goes wrong in a sequence of deploys (each a
// set of parameter values) of the template. During a deploy from state a
// to state b, CloudFormation updates the functions before the CDN
// (TestTransformedTemplate: the CDN depends on their live aliases; with a
// canary both versions serve at once), and CloudFront's edges pick up the
// new header over minutes; rolling back runs the other way. So every
// header the CDN sends during the step (a's and b's) must be accepted by
// every function the step runs (a's and b's), except b's header by a's
// functions, which never meet.
func rotationSplits(t *testing.T, tp Template, steps []map[string]string, history map[string]string) []string {
	var out []string
	for i := 1; i < len(steps); i++ {
		a := deployState(t, tp, steps[i-1], history)
		b := deployState(t, tp, steps[i], history)
		for _, c := range []struct {
			what   string
			fn     deployed
			header string
		}{
			{"old CDN, old functions", a, a.header},
			{"old CDN edges, new functions", b, a.header},
			{"new CDN, new functions", b, b.header},
		} {
			if !c.fn.accepts(c.header) {
				out = append(out, fmt.Sprintf("step %d (%v -> %v): %s: 403", i, steps[i-1], steps[i], c.what))
			}
		}
	}
	return out
}

// TestOriginSecretRotation runs docs/deploy.md's rotation recipe against
// the template and the origin check of package httpapi: no state of any
// step refuses the CDN. A new value in SSM alone changes nothing deployed
// (the versions are pinned), and a recipe that drops the old value in the
// same deploy that introduces the new one is caught.
func TestOriginSecretRotation(t *testing.T) {
	tp := template(t)
	history := map[string]string{
		"1": "first-secret-0123456789abcdef",
		"2": "second-secret-0123456789abcdef",
	}
	state := func(current, previous string) map[string]string {
		return map[string]string{
			"EnableCDN": "true", "OriginSecretParameter": "/syndicate/origin-secret",
			"OriginSecretVersion": current, "OriginSecretPreviousVersion": previous,
		}
	}
	// docs/deploy.md: put-parameter (version 2), deploy with version 2 and
	// previous 1, then deploy with previous 0.
	recipe := []map[string]string{state("1", "0"), state("2", "1"), state("2", "0")}
	if splits := rotationSplits(t, tp, recipe, history); len(splits) > 0 {
		t.Errorf("the rotation recipe splits the CDN from the origin:\n%s", strings.Join(splits, "\n"))
	}
	// Skipping the middle step would refuse the edges still sending the
	// old value: the check must see that.
	if splits := rotationSplits(t, tp, []map[string]string{state("1", "0"), state("2", "0")}, history); len(splits) == 0 {
		t.Error("a one-step rotation (no previous version accepted) passes the check: it cannot fail")
	}
	// Writing version 2 to SSM and redeploying the same parameters leaves
	// every deployed value as it was: no deploy can pick up half a change.
	before := deployState(t, tp, recipe[0], map[string]string{"1": history["1"]})
	after := deployState(t, tp, recipe[0], history)
	if before.header != after.header || !after.accepts(before.header) {
		t.Error("a new SSM version changed what an unchanged deploy sends")
	}
	// Without the CDN there is no header and no check.
	off := state("1", "0")
	off["EnableCDN"] = "false"
	if d := deployState(t, tp, off, history); d.header != "" || !d.accepts("") {
		t.Errorf("EnableCDN=false: header %q, origin check on", d.header)
	}
}

// liveVersion is the logical ID of the version fn's live alias points
// at, and that version's Description as CloudFormation resolves it with
// params.
func liveVersion(t *testing.T, tp Template, fn string, params map[string]string) (id, description string) {
	t.Helper()
	v, _ := Get(tp, "Resources", fn+"Aliaslive", "Properties", "FunctionVersion", "Fn::GetAtt", 0)
	id, _ = v.(string)
	if tp.Resources("AWS::Lambda::Version")[id] == nil {
		t.Fatalf("%sAliaslive points at %v, not a version of the deployed template", fn, v)
	}
	d, _ := eval(t, tp, params, Must(Get(tp, "Resources", id, "Properties", "Description"))).(string)
	return id, d
}

// TestOriginSecretRotationIsAChangeSet: raising the version changes the
// deployed template (a change set, never an empty one) and publishes new
// versions of the public functions, so their live aliases, which the API
// invokes, move to the new configuration before the CDN sends the new
// value. SAM's own version hash does not see a parameter that reaches only
// the environment; the version's Description does (changing it replaces
// the version).
func TestOriginSecretRotationIsAChangeSet(t *testing.T) {
	params := func(current, previous string) map[string]string {
		p := map[string]string{}
		for k, v := range samconfigOverrides(t)["deploy"] {
			p[k] = v
		}
		p["OriginSecretVersion"], p["OriginSecretPreviousVersion"] = current, previous
		return p
	}
	a, b := params("1", "0"), params("2", "1")
	before, after := transformed(t, a), transformed(t, b)
	for _, fn := range []string{"FeedsFunction", "ShareFunction"} {
		id1, d1 := liveVersion(t, before, fn, a)
		id2, d2 := liveVersion(t, after, fn, b)
		if id1 == id2 && d1 == d2 {
			t.Errorf("%s: the live alias keeps version %s (%q) after the rotation: the functions would go on refusing the new secret", fn, id1, d1)
		}
	}
}

// TestVersionFollowsTheConfiguration: every function's published version
// records the origin secret's versions and the public URL, so a deploy
// that changes one of them publishes a version and moves the live alias
// (TestOriginSecretRotationIsAChangeSet), and the Description stays within
// Lambda's 256 characters at the parameters' longest.
func TestVersionFollowsTheConfiguration(t *testing.T) {
	tp := template(t)
	for id, fn := range tp.Resources("AWS::Serverless::Function") {
		sub := String(fn, "Properties", "VersionDescription", "Fn::Sub")
		refs := subRefs(sub)
		for _, want := range []string{"OriginSecretVersion", "OriginSecretPreviousVersion", "BaseURL", "DomainName"} {
			if !slices.Contains(refs, want) {
				t.Errorf("%s: VersionDescription %q does not name %s", id, sub, want)
			}
		}
		longest := len(regexp.MustCompile(`\$\{[^}]+\}`).ReplaceAllString(sub, ""))
		for _, r := range refs {
			p, _ := Get(tp, "Parameters", r)
			switch {
			case String(p, "Type") == "Number":
				longest += 10
			default:
				n, ok := Get(p, "MaxLength")
				if !ok {
					t.Errorf("%s: VersionDescription names %s, which has no MaxLength", id, r)
					continue
				}
				longest += int(n.(int64))
			}
		}
		if longest > 256 {
			t.Errorf("%s: VersionDescription can reach %d characters, Lambda takes 256", id, longest)
		}
	}
}
