package config

import (
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadDefaults(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got, want := c.BaseURL, "http://127.0.0.1:3000"; got != want {
		t.Errorf("BaseURL = %q, want %q", got, want)
	}
	if got, want := c.Location.String(), "Europe/Sofia"; got != want {
		t.Errorf("Location = %q, want %q", got, want)
	}
	if got, want := c.HubURL, "https://pubsubhubbub.appspot.com/"; got != want {
		t.Errorf("HubURL = %q, want %q (the hub's URL as published, slash kept)", got, want)
	}
	if c.CursorSecret == "" {
		t.Error("CursorSecret is empty")
	}
	if c.OriginSecret != "" || c.DistributionID != "" {
		t.Errorf("OriginSecret %q, DistributionID %q: want both off by default (make run, sam local)", c.OriginSecret, c.DistributionID)
	}
	if c.InvalidationWait <= 0 || c.ShareCountBudget <= 0 {
		t.Errorf("InvalidationWait %v, ShareCountBudget %v: want positive defaults", c.InvalidationWait, c.ShareCountBudget)
	}
}

func TestLoadErrorsNameTheVariable(t *testing.T) {
	for _, tc := range []struct{ name, value string }{
		{"PORT", "http"},
		{"SITE_URL", "javascript:alert(1)"},
		{"BASE_URL", "/relative"},
		{"SITE_TIMEZONE", "Mars/Olympus"},
		{"STORE_TIMEOUT", "-1s"},
		{"BRAND_COLOR", "red"},
		{"IMAGE_ORIGINS", "https://img.example.bg/path"},
		{"DYNAMODB_ENDPOINT", "localhost:8000"},
		{"ORIGIN_SECRET", "short"},
		{"ORIGIN_SECRET", "{{resolve:ssm:/syndicate/origin-secret}}"},
		{"ORIGIN_SECRET_PREVIOUS", "short"},
		{"ORIGIN_SECRET_PREVIOUS", "{{resolve:ssm:/syndicate/origin-secret:1}}"},
		// The previous value alone would leave the origin unchecked.
		{"ORIGIN_SECRET_PREVIOUS", "previous-secret-0123456789"},
		{"INVALIDATION_WAIT", "0s"},
		{"SHARE_COUNT_BUDGET", "soon"},
		{"SOURCE_FEED_URL", "file:///etc/passwd"},
		{"FOLLOW_STATE_PARAMETER", "no-slash"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(env(map[string]string{tc.name: tc.value}))
			if err == nil || !strings.Contains(err.Error(), tc.name) {
				t.Errorf("got %v, want an error naming %s", err, tc.name)
			}
		})
	}
}

func TestImageOrigins(t *testing.T) {
	c, err := Load(env(map[string]string{"IMAGE_ORIGINS": "https://img.example.bg, http://cdn.example.bg/"}))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(c.ImageOrigins, " "), "https://img.example.bg http://cdn.example.bg"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestCursorSecretIsNeverDerivedInLambda(t *testing.T) {
	_, err := Load(env(map[string]string{LambdaFunctionNameEnv: "syndicate-FeedsFunction"}))
	if err == nil || !strings.Contains(err.Error(), "CURSOR_SECRET") {
		t.Errorf("in Lambda without CURSOR_SECRET: got %v, want an error naming CURSOR_SECRET", err)
	}
	c, err := Load(env(map[string]string{LambdaFunctionNameEnv: "syndicate-FeedsFunction", "CURSOR_SECRET": " k3y "}))
	if err != nil || c.CursorSecret != "k3y" {
		t.Errorf("in Lambda with CURSOR_SECRET: got %q, %v", c.CursorSecret, err)
	}
}

func TestFediverse(t *testing.T) {
	c, err := Load(env(map[string]string{"BASE_URL": "https://api.news.example.bg", "LOGO_URL": "https://news.example.bg/logo.png"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.FediverseHandle != "news" || c.FediverseDomain != "api.news.example.bg" || c.FediverseIconURL != "https://news.example.bg/logo.png" || !c.FediverseAllowPrivate {
		t.Errorf("defaults: handle %q domain %q icon %q allowPrivate %v", c.FediverseHandle, c.FediverseDomain, c.FediverseIconURL, c.FediverseAllowPrivate)
	}
	if c, _ := Load(env(nil)); c.FediverseDomain != "127.0.0.1:3000" {
		t.Errorf("local domain = %q, want 127.0.0.1:3000", c.FediverseDomain)
	}
	c, err = Load(env(map[string]string{"FEDIVERSE_HANDLE": "Novini", "FEDIVERSE_DOMAIN": "News.Example.BG"}))
	if err != nil || c.FediverseHandle != "novini" || c.FediverseDomain != "news.example.bg" {
		t.Errorf("handle %q domain %q err %v", c.FediverseHandle, c.FediverseDomain, err)
	}
	lambda := map[string]string{LambdaFunctionNameEnv: "f", "CURSOR_SECRET": "0123456789abcdef0123"}
	if c, err := Load(env(lambda)); err != nil || c.FediverseAllowPrivate {
		t.Errorf("in Lambda: allowPrivate %v, err %v", c.FediverseAllowPrivate, err)
	}
	for _, tc := range []struct{ name, value string }{
		{"FEDIVERSE_HANDLE", "news desk"},
		{"FEDIVERSE_HANDLE", "нови"},
		{"FEDIVERSE_DOMAIN", "news.example.bg/x"},
		{"FEDIVERSE_KEY_PARAMETER", "fedi-key"},
		{"FEDIVERSE_ICON_URL", "ftp://x"},
		{"FEDIVERSE_ALLOW_PRIVATE", "maybe"},
		{"DELIVERY_QUEUE_URL", "https://sqs.eu-central-1.amazonaws.com/123456789012/deliveries"},
		{"DELIVERY_QUEUE_URL", "sqs/deliveries.fifo"},
	} {
		_, err := Load(env(map[string]string{tc.name: tc.value}))
		if err == nil || !strings.Contains(err.Error(), tc.name) {
			t.Errorf("%s=%q: err = %v, want one naming it", tc.name, tc.value, err)
		}
	}
	if err := c.NeedDeliveryQueue(); err == nil || !strings.Contains(err.Error(), "DELIVERY_QUEUE_URL") {
		t.Errorf("no delivery queue: err = %v, want one naming DELIVERY_QUEUE_URL", err)
	}
	q := "https://sqs.eu-central-1.amazonaws.com/123456789012/syndicate-Deliveries.fifo"
	if c, err := Load(env(map[string]string{"DELIVERY_QUEUE_URL": q})); err != nil || c.DeliveryQueueURL != q || c.NeedDeliveryQueue() != nil {
		t.Errorf("DELIVERY_QUEUE_URL=%s: %q, %v", q, c.DeliveryQueueURL, err)
	}
	lambda["FEDIVERSE_ALLOW_PRIVATE"] = "true"
	if _, err := Load(env(lambda)); err == nil || !strings.Contains(err.Error(), "FEDIVERSE_ALLOW_PRIVATE") {
		t.Errorf("FEDIVERSE_ALLOW_PRIVATE in Lambda: err = %v", err)
	}
}

// TestOriginSecretPrevious: during a rotation both values are loaded; the
// previous one is optional.
func TestOriginSecretPrevious(t *testing.T) {
	for _, tc := range []struct{ previous, want string }{
		{"", ""},
		{"  previous-secret-0123456789 ", "previous-secret-0123456789"},
	} {
		c, err := Load(env(map[string]string{"ORIGIN_SECRET": "current-secret-0123456789", "ORIGIN_SECRET_PREVIOUS": tc.previous}))
		if err != nil {
			t.Fatalf("previous %q: %v", tc.previous, err)
		}
		if c.OriginSecret != "current-secret-0123456789" || c.OriginSecretPrevious != tc.want {
			t.Errorf("previous %q: OriginSecret %q, OriginSecretPrevious %q, want %q", tc.previous, c.OriginSecret, c.OriginSecretPrevious, tc.want)
		}
	}
}

// TestValidHandle: the fediverse user name rule every server accepts
// (Mastodon's [a-z0-9_]+, at most 30), which FEDIVERSE_HANDLE and
// activitypub.Publication share.
func TestValidHandle(t *testing.T) {
	for _, c := range []struct {
		handle string
		want   bool
	}{
		{"news", true},
		{"novini_24", true},
		{strings.Repeat("a", 30), true},
		{strings.Repeat("a", 31), false},
		{"", false},
		{"News", false},
		{"news-desk", false},
		{"news.desk", false},
		{"нови", false},
	} {
		t.Run(c.handle, func(t *testing.T) {
			if got := ValidHandle(c.handle); got != c.want {
				t.Errorf("ValidHandle(%q) = %v, want %v", c.handle, got, c.want)
			}
		})
	}
}
