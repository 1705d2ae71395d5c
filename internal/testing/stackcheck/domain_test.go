package stackcheck

import (
	"regexp"
	"slices"
	"testing"
)

// withDomain is a stack on the publisher's own domain.
func withDomain(params map[string]string) map[string]string {
	out := map[string]string{
		"EnableCDN": "true", "BaseURL": "https://d111111abcdef8.cloudfront.net",
		"DomainName": "", "CertificateArn": "", "HostedZoneId": "",
	}
	for k, v := range params {
		out[k] = v
	}
	return out
}

const testCertificate = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"

// TestCustomDomain (issue 18 item 3): with DomainName and CertificateArn
// the distribution answers on the publisher's domain with its certificate
// (SNI, TLS 1.2 at least) and every public URL the functions build is on
// it; without them nothing of it is deployed and BaseURL is the base.
func TestCustomDomain(t *testing.T) {
	tp := template(t)
	dc := Must(Get(tp, "Resources", "CDN", "Properties", "DistributionConfig"))
	base := Must(Get(tp, "Globals", "Function", "Environment", "Variables", "BASE_URL"))
	for _, c := range []struct {
		name    string
		params  map[string]string
		aliases []any
		cert    map[string]any
		baseURL string
		dns     bool
	}{
		{"no domain", withDomain(nil), nil, nil, "https://d111111abcdef8.cloudfront.net", false},
		{"domain and certificate", withDomain(map[string]string{"DomainName": "syndication.news.example.bg", "CertificateArn": testCertificate}),
			[]any{"syndication.news.example.bg"},
			map[string]any{"AcmCertificateArn": testCertificate, "SslSupportMethod": "sni-only", "MinimumProtocolVersion": "TLSv1.2_2021"},
			"https://syndication.news.example.bg", false},
		{"domain, certificate and hosted zone", withDomain(map[string]string{"DomainName": "syndication.news.example.bg", "CertificateArn": testCertificate, "HostedZoneId": "Z0123456789ABCDEFGHIJ"}),
			[]any{"syndication.news.example.bg"},
			map[string]any{"AcmCertificateArn": testCertificate, "SslSupportMethod": "sni-only", "MinimumProtocolVersion": "TLSv1.2_2021"},
			"https://syndication.news.example.bg", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			aliases, _ := eval(t, tp, c.params, Must(Get(dc, "Aliases"))).([]any)
			if !slices.Equal(aliases, c.aliases) {
				t.Errorf("Aliases = %v, want %v", aliases, c.aliases)
			}
			cert, _ := eval(t, tp, c.params, Must(Get(dc, "ViewerCertificate"))).(map[string]any)
			if len(cert) != len(c.cert) {
				t.Errorf("ViewerCertificate = %v, want %v", cert, c.cert)
			}
			for k, v := range c.cert {
				if cert[k] != v {
					t.Errorf("ViewerCertificate.%s = %v, want %v", k, cert[k], v)
				}
			}
			if got := eval(t, tp, c.params, base); got != c.baseURL {
				t.Errorf("BASE_URL = %v, want %s", got, c.baseURL)
			}
			if got := eval(t, tp, c.params, Must(Get(tp, "Conditions", "CreateDNSRecord"))); got != c.dns {
				t.Errorf("CreateDNSRecord = %v, want %t", got, c.dns)
			}
		})
	}

	// The alias records point the domain at the distribution, IPv4 and
	// IPv6, only with a hosted zone.
	rs := tp.Resources("AWS::Route53::RecordSetGroup")["DomainRecords"]
	if rs == nil || String(rs, "Condition") != "CreateDNSRecord" {
		t.Fatalf("DomainRecords = %v, want a record set group under CreateDNSRecord", rs)
	}
	if got := Refs(Must(Get(rs, "Properties", "HostedZoneId"))); !slices.Equal(got, []string{"HostedZoneId"}) {
		t.Errorf("DomainRecords hosted zone %v, want HostedZoneId", got)
	}
	var types []string
	l, _ := Get(rs, "Properties", "RecordSets")
	for _, r := range l.([]any) {
		types = append(types, String(r, "Type"))
		if !slices.Equal(Refs(Must(Get(r, "Name"))), []string{"DomainName"}) || String(r, "AliasTarget", "HostedZoneId") != "Z2FDTNDATAQYW2" ||
			!slices.Equal(Refs(Must(Get(r, "AliasTarget", "DNSName"))), []string{"CDN"}) {
			t.Errorf("record %v, want DomainName aliased to the CDN (zone Z2FDTNDATAQYW2)", r)
		}
	}
	if slices.Sort(types); !slices.Equal(types, []string{"A", "AAAA"}) {
		t.Errorf("record types %v, want A and AAAA", types)
	}

	// A domain without its certificate, or a certificate outside us-east-1,
	// is refused before anything is created.
	for name, cases := range map[string]map[string]bool{
		"DomainName": {"": true, "syndication.news.example.bg": true, "news.bg": true,
			"https://news.bg": false, "news.bg/feeds": false, "News.BG": false, "news.bg:443": false},
		"CertificateArn": {"": true, testCertificate: true,
			"arn:aws:acm:eu-central-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b": false, "not-an-arn": false},
		"HostedZoneId": {"": true, "Z0123456789ABCDEFGHIJ": true, "hostedzone/Z01": false},
		"BaseURL":      {"": true, "https://d111111abcdef8.cloudfront.net": true, "https://x.bg/": false},
	} {
		re := regexp.MustCompile(String(tp, "Parameters", name, "AllowedPattern"))
		for v, want := range cases {
			if re.MatchString(v) != want {
				t.Errorf("%s %q accepted: %t, want %t", name, v, !want, want)
			}
		}
	}
	rules := map[string][]string{ // rule -> parameters its condition and assertions name
		"CustomDomainNeedsCertificate": {"CertificateArn", "DomainName", "EnableCDN"},
		"CertificateNeedsDomainName":   {"CertificateArn", "DomainName"},
		"HostedZoneNeedsDomainName":    {"DomainName", "HostedZoneId"},
		"BaseURLOrDomainName":          {"BaseURL", "DomainName"},
	}
	for rule, want := range rules {
		r, ok := Get(tp, "Rules", rule)
		if !ok {
			t.Errorf("no rule %s", rule)
			continue
		}
		got := Refs(r)
		slices.Sort(got)
		if got = slices.Compact(got); !slices.Equal(got, want) {
			t.Errorf("rule %s names %v, want %v", rule, got, want)
		}
	}
	for _, p := range []string{"DomainName", "CertificateArn", "HostedZoneId"} {
		if d, ok := Get(tp, "Parameters", p, "Default"); !ok || d != "" {
			t.Errorf("%s default %v, want \"\": the stack deploys without a domain", p, d)
		}
	}
}

// TestCustomDomainTransforms: the domain's resources survive SAM's
// expansion, with the condition that makes them optional.
func TestCustomDomainTransforms(t *testing.T) {
	tp := transformed(t, map[string]string{"DomainName": "syndication.news.example.bg", "CertificateArn": testCertificate, "HostedZoneId": "Z0123456789ABCDEFGHIJ"})
	if rs := tp.Resources("AWS::Route53::RecordSetGroup")["DomainRecords"]; rs == nil || String(rs, "Condition") != "CreateDNSRecord" {
		t.Errorf("DomainRecords after the transform: %v", rs)
	}
	if _, ok := Get(tp, "Resources", "CDN", "Properties", "DistributionConfig", "ViewerCertificate", "Fn::If"); !ok {
		t.Error("the CDN's ViewerCertificate is not conditional after the transform")
	}
}
