package stackcheck

import (
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
)

var (
	wafOnce sync.Once
	wafTmpl Template
	wafErr  error
)

// wafTemplate is waf.yaml, the web ACL's own stack in us-east-1.
func wafTemplate(t *testing.T) Template {
	t.Helper()
	wafOnce.Do(func() { wafTmpl, wafErr = Load(filepath.Join(root, "waf.yaml")) })
	if wafErr != nil {
		t.Fatal(wafErr)
	}
	return wafTmpl
}

// wafRule returns the web ACL's rule by name.
func wafRule(t *testing.T, acl map[string]any, name string) map[string]any {
	t.Helper()
	l, _ := Get(acl, "Properties", "Rules")
	for _, r := range l.([]any) {
		if String(r, "Name") == name {
			return r.(map[string]any)
		}
	}
	t.Fatalf("web ACL has no rule %s", name)
	return nil
}

// transform applies WAF text transformations in priority order, as far as
// the share-link rule uses them.
func transform(t *testing.T, s string, tts any) string {
	t.Helper()
	l, _ := tts.([]any)
	slices.SortFunc(l, func(a, b any) int {
		return int(Must(Get(a, "Priority")).(int64) - Must(Get(b, "Priority")).(int64))
	})
	for _, tt := range l {
		switch typ := String(tt, "Type"); typ {
		case "URL_DECODE":
			if d, err := url.PathUnescape(s); err == nil {
				s = d
			}
		case "LOWERCASE":
			s = strings.ToLower(s)
		case "NONE":
		default:
			t.Fatalf("transformation %s not modelled here", typ)
		}
	}
	return s
}

// TestWAF (issue 18 item 5): the web ACL of waf.yaml, in us-east-1, with
// per-IP rate limits (share links stricter, matched on the decoded,
// lowercased path), AWS's managed rule groups, a count-only switch, and
// logs of what it blocked or counted; the main stack attaches its ARN
// whenever the CDN is on, or refuses to deploy.
func TestWAF(t *testing.T) {
	wt := wafTemplate(t)
	acl := wt.Resources("AWS::WAFv2::WebACL")["WebACL"]
	if acl == nil {
		t.Fatal("waf.yaml has no WebACL")
	}
	if got := String(acl, "Properties", "Scope"); got != "CLOUDFRONT" {
		t.Errorf("Scope = %q, want CLOUDFRONT", got)
	}
	if got := String(wt, "Rules", "CloudFrontACLsLiveInUSEast1", "Assertions", 0, "Assert", "Fn::Equals", 1); got != "us-east-1" {
		t.Errorf("waf.yaml does not assert us-east-1: %v", Must(Get(wt, "Rules")))
	}
	counting := func(params map[string]string) map[string]string {
		out := map[string]string{"CountOnly": "false"}
		for k, v := range params {
			out[k] = v
		}
		return out
	}

	// Managed rule groups: blocking normally, counting with CountOnly.
	for _, c := range []struct{ rule, group string }{
		{"aws-ip-reputation", "AWSManagedRulesAmazonIpReputationList"},
		{"aws-known-bad-inputs", "AWSManagedRulesKnownBadInputsRuleSet"},
		{"aws-common", "AWSManagedRulesCommonRuleSet"},
	} {
		r := wafRule(t, acl, c.rule)
		if got := String(r, "Statement", "ManagedRuleGroupStatement", "Name"); got != c.group || String(r, "Statement", "ManagedRuleGroupStatement", "VendorName") != "AWS" {
			t.Errorf("%s uses %q, want AWS %s", c.rule, got, c.group)
		}
		for count, want := range map[string]string{"false": "None", "true": "Count"} {
			got, _ := eval(t, wt, counting(map[string]string{"CountOnly": count}), Must(Get(r, "OverrideAction"))).(map[string]any)
			if _, ok := got[want]; !ok || len(got) != 1 {
				t.Errorf("%s with CountOnly=%s: OverrideAction %v, want %s", c.rule, count, got, want)
			}
		}
	}

	// Rate rules: per IP, 429 normally, counting with CountOnly.
	limits := map[string]string{}
	for _, name := range []string{"share-links-per-ip", "all-per-ip"} {
		r := wafRule(t, acl, name)
		rb, _ := Get(r, "Statement", "RateBasedStatement")
		if got := String(rb, "AggregateKeyType"); got != "IP" {
			t.Errorf("rule %s aggregates by %q, want IP", name, got)
		}
		limits[name] = String(rb, "Limit", "Ref")
		block, _ := eval(t, wt, counting(nil), Must(Get(r, "Action"))).(map[string]any)
		// eval gives numbers as CloudFormation does, as strings.
		if got, _ := Get(block, "Block", "CustomResponse", "ResponseCode"); got != "429" {
			t.Errorf("rule %s answers %v, want 429", name, block)
		}
		count, _ := eval(t, wt, counting(map[string]string{"CountOnly": "true"}), Must(Get(r, "Action"))).(map[string]any)
		if _, ok := count["Count"]; !ok || len(count) != 1 {
			t.Errorf("rule %s with CountOnly=true: %v, want Count", name, count)
		}
	}
	if limits["share-links-per-ip"] != "WAFShareLinkRateLimit" || limits["all-per-ip"] != "WAFRateLimit" {
		t.Errorf("rate limits %v, want WAFShareLinkRateLimit on share links and WAFRateLimit on everything", limits)
	}
	share, _ := Get(wt, "Parameters", "WAFShareLinkRateLimit", "Default")
	all, _ := Get(wt, "Parameters", "WAFRateLimit", "Default")
	if share.(int64) >= all.(int64) {
		t.Errorf("share-link limit %v is not stricter than the general %v", share, all)
	}
	// The share-link rule sees the path as API Gateway routes it: decoded,
	// so %74o is "to"; and lowercased, so case tricks do not step around it.
	re := Must(Get(wafRule(t, acl, "share-links-per-ip"), "Statement", "RateBasedStatement", "ScopeDownStatement", "RegexMatchStatement"))
	if _, ok := Get(re, "FieldToMatch", "UriPath"); !ok {
		t.Errorf("share-link rule matches %v, want the URI path", Must(Get(re, "FieldToMatch")))
	}
	tts := Must(Get(re, "TextTransformations"))
	var types []string
	for _, tt := range tts.([]any) {
		types = append(types, String(tt, "Type"))
	}
	if i, j := slices.Index(types, "URL_DECODE"), slices.Index(types, "LOWERCASE"); i < 0 || j < 0 {
		t.Errorf("share-link rule transformations %v, want URL_DECODE and LOWERCASE", types)
	}
	rx := regexp.MustCompile(String(re, "RegexString"))
	for path, want := range map[string]bool{
		"/share/some-slug/to/facebook": true, "/share/01JFSEED/to/x": true,
		"/share/x/%74o/facebook": true, "/share/x/%54%4F/facebook": true, "/SHARE/x/TO/facebook": true,
		"/share/%73ome/to/x": true, "//share/x/to/x": true,
		"/share/some-slug": false, "/share/some-slug/card.png": false, "/feeds/rss.xml": false, "/share/to": false,
	} {
		if got := rx.MatchString(transform(t, path, tts)); got != want {
			t.Errorf("share-link rule matches %s: %t, want %t", path, got, want)
		}
	}

	// Logs: the aws-waf-logs-* group WAF requires, with a retention, fed
	// with what was blocked or counted only.
	logging := wt.Resources("AWS::WAFv2::LoggingConfiguration")["WAFLogging"]
	if logging == nil {
		t.Fatal("waf.yaml has no WAFLogging")
	}
	if got := Refs(Must(Get(logging, "Properties", "ResourceArn"))); !slices.Equal(got, []string{"WebACL"}) {
		t.Errorf("WAFLogging logs %v, want WebACL", got)
	}
	dest := String(logging, "Properties", "LogDestinationConfigs", 0, "Fn::Sub")
	if !strings.HasSuffix(dest, ":log-group:${WAFLogs}") {
		t.Errorf("WAFLogging destination %q, want the WAFLogs group's ARN without :*", dest)
	}
	group := wt.Resources("AWS::Logs::LogGroup")["WAFLogs"]
	if name := String(group, "Properties", "LogGroupName", "Fn::Sub"); !strings.HasPrefix(name, "aws-waf-logs-") {
		t.Errorf("WAF log group %q, want aws-waf-logs-* (WAF writes nowhere else)", name)
	}
	if got := Refs(Must(Get(group, "Properties", "RetentionInDays"))); !slices.Equal(got, []string{"LogRetentionDays"}) {
		t.Errorf("WAF log retention %v, want LogRetentionDays", got)
	}
	if got := String(logging, "Properties", "LoggingFilter", "DefaultBehavior"); got != "DROP" {
		t.Errorf("WAF logs keep %q by default, want DROP (only blocked and counted requests)", got)
	}
	var kept []string
	conds, _ := Get(logging, "Properties", "LoggingFilter", "Filters", 0, "Conditions")
	for _, c := range conds.([]any) {
		kept = append(kept, String(c, "ActionCondition", "Action"))
	}
	for _, a := range []string{"BLOCK", "COUNT"} {
		if !slices.Contains(kept, a) {
			t.Errorf("WAF logs keep %v, want %s", kept, a)
		}
	}
	if got := Refs(Must(Get(wt, "Outputs", "WebACLArn", "Value"))); !slices.Equal(got, []string{"WebACL"}) {
		t.Errorf("waf.yaml output WebACLArn = %v, want the WebACL's ARN", got)
	}
	for id := range wt.Resources("") {
		if !slices.Contains([]string{"WebACL", "WAFLogs", "WAFLogging"}, id) {
			t.Errorf("waf.yaml resource %s is checked by no test", id)
		}
	}

	// The main stack: the ACL's ARN on the CDN whenever the CDN and the
	// WAF are on, and no deploy without it.
	tp := template(t)
	if len(tp.Resources("AWS::WAFv2::WebACL")) != 0 {
		t.Error("template.yaml creates a web ACL: the ACL is waf.yaml's (us-east-1)")
	}
	if got := String(tp, "Parameters", "EnableWAF", "Default"); got != "true" {
		t.Errorf("EnableWAF default %q, want true: on unless turned off", got)
	}
	waf := Must(Get(tp, "Resources", "CDN", "Properties", "DistributionConfig", "WebACLId"))
	arn := "arn:aws:wafv2:us-east-1:123456789012:global/webacl/syndicate-waf-edge/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"
	if got := eval(t, tp, map[string]string{"EnableCDN": "true", "EnableWAF": "true", "WebACLArn": arn}, waf); got != arn {
		t.Errorf("CDN WebACLId = %v, want WebACLArn", got)
	}
	if got := eval(t, tp, map[string]string{"EnableCDN": "true", "EnableWAF": "false", "WebACLArn": ""}, waf); got != nil {
		t.Errorf("CDN WebACLId with EnableWAF=false = %v, want none", got)
	}
	if !regexp.MustCompile(String(tp, "Parameters", "WebACLArn", "AllowedPattern")).MatchString(arn) {
		t.Errorf("WebACLArn's pattern refuses a web ACL ARN of waf.yaml: %s", arn)
	}
	rule, _ := Get(tp, "Rules", "WAFNeedsWebACLArn")
	if refs := Refs(Must(Get(rule, "RuleCondition"))); !slices.Contains(refs, "EnableWAF") || !slices.Contains(refs, "EnableCDN") {
		t.Errorf("Rules.WAFNeedsWebACLArn applies when %v, want EnableWAF and EnableCDN", refs)
	}
	if refs := Refs(Must(Get(rule, "Assertions", 0, "Assert"))); !slices.Equal(refs, []string{"WebACLArn"}) {
		t.Errorf("Rules.WAFNeedsWebACLArn asserts on %v, want WebACLArn", refs)
	}
}

// TestWAFSamconfig: `sam deploy --config-env waf` deploys waf.yaml in
// us-east-1 with every one of its parameters, and the main stack's
// defaults have the WAF on.
func TestWAFSamconfig(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(root, "samconfig.toml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`template_file = "waf.yaml"`, `region = "us-east-1"`, `stack_name = "syndicate-waf"`} {
		if !strings.Contains(string(b), "[waf.deploy.parameters]") || !strings.Contains(string(b), want) {
			t.Errorf("samconfig.toml [waf.deploy.parameters] lacks %s", want)
		}
	}
	overrides := samconfigOverrides(t)
	params, _ := Get(wafTemplate(t), "Parameters")
	for name := range params.(map[string]any) {
		if _, ok := overrides["waf.deploy"][name]; !ok {
			t.Errorf("samconfig.toml [waf.deploy.parameters] lacks %s", name)
		}
	}
	for name := range overrides["waf.deploy"] {
		if _, ok := params.(map[string]any)[name]; !ok {
			t.Errorf("samconfig.toml [waf.deploy.parameters] sets %s, which waf.yaml does not declare", name)
		}
	}
	if got := overrides["deploy"]["EnableWAF"]; got != "true" {
		t.Errorf("samconfig.toml deploys EnableWAF=%q, want true", got)
	}
}

// TestCfnLintWAF: waf.yaml lints clean like template.yaml (make test lints
// both; this catches a waf.yaml edited without running make).
func TestCfnLintWAF(t *testing.T) {
	if _, err := exec.LookPath("cfn-lint"); err != nil {
		const msg = "cfn-lint is not on PATH (requirements-test.txt; make prereqs)"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	out, err := exec.Command(filepath.Join(root, "scripts", "cfn-lint.sh"), "waf.yaml").CombinedOutput()
	if err != nil {
		t.Errorf("cfn-lint waf.yaml: %v\n%s", err, out)
	}
}
