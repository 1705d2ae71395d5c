package stackcheck

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// cacheKeys is what each path of the CDN keys on: the query parameters its
// handler reads, nothing else, so that fbclid, utm_* and ?x=random share
// one cache entry. The patterns are CloudFront's, in the order they match.
var cacheKeys = []struct {
	pattern string
	query   []string // nil: no query string in the key
}{
	{"/share/*/card.png", []string{"v", "w"}},
	{"/share/*/to/*", []string{cachingDisabled}},
	{"/share/*", nil},
	{"/feeds/*", []string{"limit", "cursor"}},
	{"/oembed", []string{"url", "format", "maxwidth", "maxheight"}},
	{"/sitemap-news.xml", nil},
	{"/.well-known/*", []string{"resource"}},
	{"/nodeinfo/*", nil},
	{fediversePattern, nil},
}

// fediversePattern is the fediverse's ActivityPub paths: the one
// behaviour that takes POST (the inboxes) and forwards the HTTP Signature
// headers (FediverseOriginRequestPolicy).
const fediversePattern = "/ap/*"

// cachingDisabled stands, in cacheKeys, for the managed CachingDisabled
// policy: share links are counted per click, and a caching policy would let
// CloudFront collapse simultaneous clicks into one origin request.
const cachingDisabled = "(CachingDisabled)"

// ManagedCachingDisabled is the ID of AWS's managed CachingDisabled policy.
const managedCachingDisabled = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"

// cachePolicyQuery returns the query strings a cache policy keys on, nil
// for none; it fails the test for "all" or an unknown behaviour.
func cachePolicyQuery(t *testing.T, policy map[string]any) []string {
	t.Helper()
	cfg, _ := Get(policy, "Properties", "CachePolicyConfig")
	for _, c := range []struct {
		path []any
		want any
	}{
		// Lifetimes come from the origin's Cache-Control: no floor, and
		// no caching of what carries no header.
		{[]any{"MinTTL"}, int64(0)},
		{[]any{"DefaultTTL"}, int64(0)},
		{[]any{"ParametersInCacheKeyAndForwardedToOrigin", "CookiesConfig", "CookieBehavior"}, "none"},
		{[]any{"ParametersInCacheKeyAndForwardedToOrigin", "HeadersConfig", "HeaderBehavior"}, "none"},
	} {
		if got, _ := Get(cfg, c.path...); got != c.want {
			t.Errorf("cache policy %v = %v, want %v", c.path, got, c.want)
		}
	}
	qs, _ := Get(cfg, "ParametersInCacheKeyAndForwardedToOrigin", "QueryStringsConfig")
	switch b := String(qs, "QueryStringBehavior"); b {
	case "none":
		return nil
	case "whitelist":
		return strs(Must(Get(qs, "QueryStrings")))
	default:
		t.Errorf("cache policy keys on query strings %q: every viewer's fbclid would miss the cache", b)
		return []string{"*"}
	}
}

func TestCDN(t *testing.T) {
	tp := template(t)
	cdn := tp.Resources("AWS::CloudFront::Distribution")["CDN"]
	policies := tp.Resources("AWS::CloudFront::CachePolicy")
	orp := tp.Resources("AWS::CloudFront::OriginRequestPolicy")["OriginRequestPolicy"]
	if cdn == nil || len(policies) == 0 || orp == nil {
		t.Fatal("no CDN distribution, cache policies or origin request policy")
	}
	for id, r := range tp.Resources("") {
		if strings.HasPrefix(String(r, "Type"), "AWS::CloudFront::") && String(r, "Condition") != "CreateCDN" {
			t.Errorf("%s: CDN resources must be optional (Condition: CreateCDN)", id)
		}
	}
	// The origin sees only what the cache key holds: another query
	// parameter reaching it would make one cache entry's content depend
	// on whichever viewer filled it.
	// The fediverse's forwards the signature headers and nothing else.
	fcfg, _ := Get(tp.Resources("AWS::CloudFront::OriginRequestPolicy")["FediverseOriginRequestPolicy"], "Properties", "OriginRequestPolicyConfig")
	if got := strs(Must(Get(fcfg, "HeadersConfig", "Headers"))); !slices.Equal(got, []string{"User-Agent", "Signature", "Date", "Digest", "Content-Type"}) ||
		String(fcfg, "QueryStringsConfig", "QueryStringBehavior") != "none" || String(fcfg, "CookiesConfig", "CookieBehavior") != "none" {
		t.Errorf("fediverse origin request policy forwards headers %v: want User-Agent and the signature's (Signature, Date, Digest, Content-Type) only, no query, no cookies", got)
	}
	ocfg, _ := Get(orp, "Properties", "OriginRequestPolicyConfig")
	if got := String(ocfg, "QueryStringsConfig", "QueryStringBehavior"); got != "none" {
		t.Errorf("origin request policy forwards query strings %q, want none beyond the cache key", got)
	}
	if got := String(ocfg, "CookiesConfig", "CookieBehavior"); got != "none" {
		t.Errorf("origin request policy forwards cookies %q, want none", got)
	}
	if got := strs(Must(Get(ocfg, "HeadersConfig", "Headers"))); String(ocfg, "HeadersConfig", "HeaderBehavior") != "whitelist" || !slices.Equal(got, []string{"User-Agent"}) {
		t.Errorf("origin request policy headers = %v, want User-Agent only (crawler detection)", got)
	}

	dc, _ := Get(cdn, "Properties", "DistributionConfig")
	behaviours := []any{}
	if l, ok := Get(dc, "CacheBehaviors"); ok {
		behaviours = l.([]any)
	}
	check := func(where string, beh any, want []string) {
		methods, orp := []string{"GET", "HEAD"}, "OriginRequestPolicy"
		if where == fediversePattern {
			// CloudFront allows POST only with every method; the router
			// answers 405 to the others.
			methods, orp = []string{"GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"}, "FediverseOriginRequestPolicy"
			if got := strs(Must(Get(beh, "CachedMethods"))); !slices.Equal(got, []string{"GET", "HEAD"}) {
				t.Errorf("%s caches %v, want GET and HEAD only", where, got)
			}
		}
		if got := strs(Must(Get(beh, "AllowedMethods"))); !slices.Equal(got, methods) {
			t.Errorf("%s allows %v, want %v (the admin API is not behind the CDN)", where, got, methods)
		}
		if got := Refs(Must(Get(beh, "OriginRequestPolicyId"))); !slices.Equal(got, []string{orp}) {
			t.Errorf("%s: origin request policy %v, want %s", where, got, orp)
		}
		if id, _ := Get(beh, "CachePolicyId"); id == managedCachingDisabled {
			if !slices.Equal(want, []string{cachingDisabled}) {
				t.Errorf("%s: caching disabled, want query strings %q in the key", where, want)
			}
			return
		}
		ref := Refs(Must(Get(beh, "CachePolicyId")))
		if len(ref) != 1 || policies[ref[0]] == nil {
			t.Fatalf("%s: cache policy %v is not one of the template's", where, ref)
		}
		got := cachePolicyQuery(t, policies[ref[0]])
		if !slices.Equal(got, want) {
			t.Errorf("%s keys on query strings %q, want %q", where, got, want)
		}
	}
	if len(behaviours) != len(cacheKeys) {
		t.Errorf("%d cache behaviours, want %d", len(behaviours), len(cacheKeys))
	}
	for i, ck := range cacheKeys {
		if i >= len(behaviours) {
			break
		}
		if got := String(behaviours[i], "PathPattern"); got != ck.pattern {
			t.Errorf("behaviour %d is for %q, want %q", i, got, ck.pattern)
		}
		check(ck.pattern, behaviours[i], ck.query)
	}
	check("default behaviour", Must(Get(dc, "DefaultCacheBehavior")), nil)
	if v, _ := Get(dc, "DefaultCacheBehavior", "Compress"); v != true {
		t.Error("CDN does not compress")
	}
	origin, _ := Get(dc, "Origins", 0, "DomainName")
	if got := Refs(origin); !slices.Equal(got, []string{"PublicApi"}) {
		t.Errorf("CDN origin refers to %v, want PublicApi", got)
	}

	// Every public GET route is matched by a pattern that keys on what its
	// handler reads: the feeds' limit and cursor, oEmbed's parameters.
	fns := tp.Resources("AWS::Serverless::Function")
	for _, id := range []string{"FeedsFunction", "ShareFunction", "FediverseFunction"} {
		keys, _ := templateRoutes(t, fns[id])
		for _, k := range keys {
			method, path, _ := strings.Cut(k, " ")
			if method != "GET" {
				continue
			}
			matched := ""
			for _, ck := range cacheKeys {
				if pathMatch(ck.pattern, path) {
					matched = ck.pattern
					break
				}
			}
			if matched == "" {
				t.Errorf("route %s falls to the default behaviour; give it a cache key", k)
			}
		}
	}
}

// pathMatch is CloudFront's path pattern match: * is any run of
// characters, / included. A {param} of a route stands for one segment.
func pathMatch(pattern, path string) bool {
	// A route's {param} matches as a sample segment would.
	for {
		i := strings.IndexByte(path, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(path[i:], '}')
		path = path[:i] + "x" + path[i+j+1:]
	}
	return PathMatch(pattern, path)
}

// designClicksPerSecond is the viral hour's share-link clicks
// (docs/at-scale.md).
const designClicksPerSecond = 2000

func TestPublicThrottlesHoldAViralDay(t *testing.T) {
	tp := template(t)
	api := tp.Resources("AWS::Serverless::HttpApi")["PublicApi"]
	for _, c := range []struct {
		setting, param string
		min            int64
	}{
		// Three times the design's clicks: a bot the WAF has not cut yet
		// (its rate rules act after a window) cannot take readers' share.
		{"ThrottlingRateLimit", "PublicApiRateLimit", 3 * designClicksPerSecond},
		{"ThrottlingBurstLimit", "PublicApiBurstLimit", 4000},
	} {
		if got := String(api, "Properties", "DefaultRouteSettings", c.setting, "Ref"); got != c.param {
			t.Errorf("PublicApi %s = %v, want !Ref %s", c.setting, Must(Get(api, "Properties", "DefaultRouteSettings", c.setting)), c.param)
		}
		def, _ := Get(tp, "Parameters", c.param, "Default")
		lo, _ := Get(tp, "Parameters", c.param, "MinValue")
		if d, ok := def.(int64); !ok || d < c.min {
			t.Errorf("%s default %v, want at least %d", c.param, def, c.min)
		}
		if m, ok := lo.(int64); !ok || m < c.min {
			t.Errorf("%s MinValue %v, want %d: no deploy may throttle below it", c.param, lo, c.min)
		}
	}
	// HTTP API throttles are global: a per-route limit below the default
	// would turn away every reader, not the one bot.
	if rs, ok := Get(api, "Properties", "RouteSettings"); ok {
		t.Errorf("PublicApi has RouteSettings %v; per-client limits belong to the WAF", rs)
	}
}

// notifyFallbackDelay is how long the notifier waits before pinging when
// the invalidation failed: the feeds' max-age (feedapi's Cache-Control).
const notifyFallbackDelay = 300 * time.Second

func TestNotifyInvalidatesTheCDN(t *testing.T) {
	tp := template(t)
	fn := tp.Resources("AWS::Serverless::Function")["NotifyFunction"]
	v, _ := Get(fn, "Properties", "Environment", "Variables", "DISTRIBUTION_ID", "Fn::If")
	if c, _ := Get(v, 0); c != "CreateCDN" || String(v, 1, "Ref") != "CDN" {
		t.Errorf("NotifyFunction DISTRIBUTION_ID = %v, want !If [CreateCDN, !Ref CDN, \"\"]", v)
	}
	wait, err := time.ParseDuration(String(fn, "Properties", "Environment", "Variables", "INVALIDATION_WAIT"))
	if err != nil {
		t.Fatalf("INVALIDATION_WAIT: %v", err)
	}
	timeout, _ := Get(fn, "Properties", "Timeout")
	// The wait, then (if the invalidation failed) the feeds' max-age, then
	// the pings' own retries must fit the function's timeout.
	need := wait + notifyFallbackDelay + time.Minute
	if got := time.Duration(timeout.(int64)) * time.Second; got < need {
		t.Errorf("NotifyFunction Timeout %v < %v (wait %v + fallback %v + a minute of pings)", got, need, wait, notifyFallbackDelay)
	}
}
