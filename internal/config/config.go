package config

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Lambda's provided.al2023 image has no zoneinfo for Europe/Sofia.
)

// Config is every setting of every function. Each main uses what it needs.
type Config struct {
	// SiteURL is the publisher's site, for canonical article URLs.
	SiteURL string
	// SiteName is the publication's name, in feeds and share cards.
	SiteName string
	// SiteLocale is the OpenGraph locale (bg_BG).
	SiteLocale string
	// Language is the feeds' language (bg).
	Language string
	// Location is the publisher's time zone, kept in feed dates.
	Location *time.Location
	// BaseURL is this service's public base, for self links.
	BaseURL string
	// LogoURL is the publisher's logo, for feeds and JSON-LD; optional.
	LogoURL string

	// AdminToken is the bearer token of the admin API when given directly
	// (local runs); AdminTokenParameter names an SSM SecureString parameter
	// holding it (deployed).
	AdminToken          string
	AdminTokenParameter string

	// TableName and DynamoDBEndpoint select DynamoDB; without an endpoint
	// the SDK's default (AWS) is used.
	TableName        string
	DynamoDBEndpoint string
	// DataDir is where the embedded store keeps its file (make run).
	DataDir string
	// StoreTimeout bounds every store call, below the function timeout.
	StoreTimeout time.Duration

	// Port is the local server's port (make run).
	Port int
	// CursorSecret authenticates pagination cursors.
	CursorSecret string

	// HubURL is the WebSub hub announced in feeds and pinged on writes.
	HubURL string
	// BrandColor is the share card background, #rrggbb.
	BrandColor string
	// ImageOrigins are the origins (scheme://host) share cards may fetch
	// article images from.
	ImageOrigins []string
	// TwitterSite is the publisher's @handle for twitter:site; optional.
	TwitterSite string

	// OriginSecret is the value the CDN sends in httpapi.OriginSecretHeader;
	// when set, the public functions refuse requests without it. Empty
	// (make run, sam local, no CDN): no check.
	OriginSecret string
	// OriginSecretPrevious is also accepted, while a rotation propagates
	// (the version CloudFront sent before it); empty: none.
	OriginSecretPrevious string
	// DistributionID is the CloudFront distribution whose copies of changed
	// feeds the notifier invalidates before pinging; empty: none.
	DistributionID string
	// InvalidationWait bounds the notifier's wait for an invalidation.
	InvalidationWait time.Duration
	// ShareCountBudget is how long a share click waits for its counter
	// write before redirecting anyway (the write goes on in the background).
	ShareCountBudget time.Duration

	// SourceFeedURL is the publisher's own feed (or WordPress REST API)
	// that the follow function imports from; empty turns following off.
	SourceFeedURL string
	// FollowStateParameter names the SSM String parameter where the follow
	// function keeps the source's ETag and Last-Modified between runs.
	FollowStateParameter string

	// FediverseHandle is the newsroom's fediverse user name (@news@…);
	// FediverseDomain the host of its address: BASE_URL's host by
	// default, or the publisher's site when that redirects
	// /.well-known/webfinger here (docs/fediverse.md).
	FediverseHandle string
	FediverseDomain string
	// FediverseSummary, FediverseIconURL and FediverseHeaderURL are the
	// account's bio, avatar (LOGO_URL by default) and banner.
	FediverseSummary   string
	FediverseIconURL   string
	FediverseHeaderURL string
	// FediverseKeyParameter is the SSM SecureString holding the actor's
	// RSA private key (PEM); required in Lambda. Locally the key is made
	// once in DATA_DIR/fediverse-key.pem.
	FediverseKeyParameter string
	// FediverseAllowPrivate lets the fediverse function reach peers on
	// private and loopback addresses: on for make run (a local Mastodon
	// or GoToSocial), refused in Lambda.
	FediverseAllowPrivate bool
	// DeliveryQueueURL is the fediverse delivery queue (SQS FIFO): the
	// federate function sends to it, the deliver function backs off on
	// it. Empty under make run, which delivers in process.
	DeliveryQueueURL string
}

// LambdaFunctionNameEnv is set by Lambda (and sam local, and the runtime
// emulator) in every function's environment: the sign of running deployed.
const LambdaFunctionNameEnv = "AWS_LAMBDA_FUNCTION_NAME"

// Load reads the configuration through getenv (os.Getenv in mains, a map in
// tests). Every error names the variable at fault.
func Load(getenv func(string) string) (Config, error) {
	get := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	var errs []error
	bad := func(name, format string, args ...any) {
		errs = append(errs, fmt.Errorf("config: %s: %s", name, fmt.Sprintf(format, args...)))
	}
	c := Config{
		SiteName:            get("SITE_NAME", "Новини"),
		SiteLocale:          get("SITE_LOCALE", "bg_BG"),
		Language:            get("SITE_LANGUAGE", "bg"),
		AdminToken:          getenv("ADMIN_TOKEN"),
		AdminTokenParameter: get("ADMIN_TOKEN_PARAMETER", ""),
		TableName:           get("TABLE_NAME", "articles"),
		DynamoDBEndpoint:    get("DYNAMODB_ENDPOINT", ""),
		DataDir:             get("DATA_DIR", ".data"),
		HubURL:              get("HUB_URL", "https://pubsubhubbub.appspot.com/"),
		BrandColor:          get("BRAND_COLOR", "#9b1c1c"),
		TwitterSite:         get("TWITTER_SITE", ""),
	}

	port, err := strconv.Atoi(get("PORT", "3000"))
	if err != nil || port < 1 || port > 65535 {
		bad("PORT", "must be a port number, got %q", getenv("PORT"))
	}
	c.Port = port

	c.SiteURL = strings.TrimRight(httpURL(bad, "SITE_URL", get("SITE_URL", "https://news.example.bg")), "/")
	c.BaseURL = strings.TrimRight(httpURL(bad, "BASE_URL", get("BASE_URL", fmt.Sprintf("http://127.0.0.1:%d", port))), "/")
	if v := get("LOGO_URL", ""); v != "" {
		c.LogoURL = httpURL(bad, "LOGO_URL", v)
	}
	if c.HubURL != "" {
		c.HubURL = httpURL(bad, "HUB_URL", c.HubURL)
	}
	if c.DynamoDBEndpoint != "" {
		c.DynamoDBEndpoint = strings.TrimRight(httpURL(bad, "DYNAMODB_ENDPOINT", c.DynamoDBEndpoint), "/")
	}

	loc, err := time.LoadLocation(get("SITE_TIMEZONE", "Europe/Sofia"))
	if err != nil {
		bad("SITE_TIMEZONE", "unknown time zone %q", getenv("SITE_TIMEZONE"))
	}
	c.Location = loc

	c.StoreTimeout, err = time.ParseDuration(get("STORE_TIMEOUT", "3s"))
	if err != nil || c.StoreTimeout <= 0 {
		bad("STORE_TIMEOUT", "must be a positive duration such as 3s, got %q", getenv("STORE_TIMEOUT"))
	}

	if !validColor(c.BrandColor) {
		bad("BRAND_COLOR", "must be #rrggbb, got %q", c.BrandColor)
	}
	for _, o := range strings.Split(get("IMAGE_ORIGINS", ""), ",") {
		if o = strings.TrimSpace(o); o == "" {
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			bad("IMAGE_ORIGINS", "%q is not an origin such as https://img.example.bg", o)
			continue
		}
		c.ImageOrigins = append(c.ImageOrigins, u.Scheme+"://"+u.Host)
	}

	originSecret := func(name string) string {
		v := strings.TrimSpace(getenv(name))
		if strings.HasPrefix(v, "{{resolve:") {
			// sam local passes the template's dynamic reference unresolved.
			bad(name, "is an unresolved dynamic reference; set it to \"\" in env.json for sam local")
		} else if v != "" && len(v) < 16 {
			bad(name, "must be at least 16 characters (openssl rand -hex 32), got %d", len(v))
		}
		return v
	}
	c.OriginSecret = originSecret("ORIGIN_SECRET")
	c.OriginSecretPrevious = originSecret("ORIGIN_SECRET_PREVIOUS")
	if c.OriginSecretPrevious != "" && c.OriginSecret == "" {
		bad("ORIGIN_SECRET_PREVIOUS", "is set without ORIGIN_SECRET: the origin would check nothing")
	}
	c.DistributionID = get("DISTRIBUTION_ID", "")
	c.InvalidationWait, err = time.ParseDuration(get("INVALIDATION_WAIT", "60s"))
	if err != nil || c.InvalidationWait <= 0 {
		bad("INVALIDATION_WAIT", "must be a positive duration such as 60s, got %q", getenv("INVALIDATION_WAIT"))
	}
	c.ShareCountBudget, err = time.ParseDuration(get("SHARE_COUNT_BUDGET", "50ms"))
	if err != nil || c.ShareCountBudget <= 0 {
		bad("SHARE_COUNT_BUDGET", "must be a positive duration such as 50ms, got %q", getenv("SHARE_COUNT_BUDGET"))
	}

	if v := get("SOURCE_FEED_URL", ""); v != "" {
		c.SourceFeedURL = httpURL(bad, "SOURCE_FEED_URL", v)
	}
	c.FollowStateParameter = get("FOLLOW_STATE_PARAMETER", "")
	if p := c.FollowStateParameter; p != "" && !strings.HasPrefix(p, "/") {
		bad("FOLLOW_STATE_PARAMETER", "must be an SSM parameter path starting with /, got %q", p)
	}

	c.FediverseHandle = strings.ToLower(get("FEDIVERSE_HANDLE", "news"))
	if !ValidHandle(c.FediverseHandle) {
		bad("FEDIVERSE_HANDLE", "must be 1-30 characters a-z, 0-9 or _, got %q", getenv("FEDIVERSE_HANDLE"))
	}
	defaultDomain := ""
	if u, err := url.Parse(c.BaseURL); err == nil {
		defaultDomain = u.Host
	}
	c.FediverseDomain = strings.ToLower(get("FEDIVERSE_DOMAIN", defaultDomain))
	if d := c.FediverseDomain; d == "" || strings.ContainsAny(d, "/@ :") && !validHostPort(d) {
		bad("FEDIVERSE_DOMAIN", "must be a host name such as news.example.bg, got %q", getenv("FEDIVERSE_DOMAIN"))
	}
	c.FediverseSummary = get("FEDIVERSE_SUMMARY", "")
	for _, v := range []struct {
		name string
		dst  *string
		def  string
	}{{"FEDIVERSE_ICON_URL", &c.FediverseIconURL, c.LogoURL}, {"FEDIVERSE_HEADER_URL", &c.FediverseHeaderURL, ""}} {
		if u := get(v.name, v.def); u != "" {
			*v.dst = httpURL(bad, v.name, u)
		}
	}
	c.FediverseKeyParameter = get("FEDIVERSE_KEY_PARAMETER", "")
	if p := c.FediverseKeyParameter; p != "" && !strings.HasPrefix(p, "/") {
		bad("FEDIVERSE_KEY_PARAMETER", "must be an SSM parameter path starting with /, got %q", p)
	}
	inLambda := getenv(LambdaFunctionNameEnv) != ""
	switch v := get("FEDIVERSE_ALLOW_PRIVATE", ""); v {
	case "":
		c.FediverseAllowPrivate = !inLambda
	case "true", "1":
		if inLambda {
			bad("FEDIVERSE_ALLOW_PRIVATE", "must not be set in Lambda: peers could make the function call into its own network")
		}
		c.FediverseAllowPrivate = true
	case "false", "0":
	default:
		bad("FEDIVERSE_ALLOW_PRIVATE", "must be true or false, got %q", v)
	}

	if c.DeliveryQueueURL = get("DELIVERY_QUEUE_URL", ""); c.DeliveryQueueURL != "" {
		if u, err := url.Parse(c.DeliveryQueueURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || !strings.HasSuffix(u.Path, ".fifo") {
			bad("DELIVERY_QUEUE_URL", "must be an SQS FIFO queue's URL (https://sqs.<region>.amazonaws.com/<account>/<name>.fifo), got %q", c.DeliveryQueueURL)
		}
	}

	c.CursorSecret = get("CURSOR_SECRET", "")
	switch {
	case c.CursorSecret != "":
	case getenv(LambdaFunctionNameEnv) != "":
		// A key derived from public settings lets anyone forge cursors;
		// the stack always sets one (given, or generated in Secrets
		// Manager), so an empty one here is a broken deployment.
		bad("CURSOR_SECRET", "must be set in Lambda (the template sets it from the CursorSecret parameter or a generated secret); a derived key would make cursors forgeable")
	default:
		// make run and tests: a fixed local key, never used deployed.
		c.CursorSecret = "syndicate-local:" + c.SiteURL + c.TableName
	}
	return c, errors.Join(errs...)
}

// NeedSourceFeed checks that the follow function has a feed to follow.
func (c Config) NeedSourceFeed() error {
	if c.SourceFeedURL == "" {
		return errors.New("config: SOURCE_FEED_URL must be set for the follow function")
	}
	return nil
}

// NeedAdminToken checks that the admin function has a way to get its token.
func (c Config) NeedAdminToken() error {
	if c.AdminToken == "" && c.AdminTokenParameter == "" {
		return errors.New("config: ADMIN_TOKEN or ADMIN_TOKEN_PARAMETER must be set")
	}
	return nil
}

func httpURL(bad func(string, string, ...any), name, v string) string {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad(name, "must be an absolute http(s) URL, got %q", v)
		return ""
	}
	return v
}

// ValidHandle reports whether h is a fediverse user name every server
// accepts: Mastodon's [a-z0-9_]+, lower case, at most 30 characters. It is
// here, the leaf every package may import, so that FEDIVERSE_HANDLE and
// activitypub.Publication are held to the one rule.
func ValidHandle(h string) bool {
	if h == "" || len(h) > 30 {
		return false
	}
	for _, r := range h {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// validHostPort accepts host:port, as a local BASE_URL's host is.
func validHostPort(s string) bool {
	host, port, ok := strings.Cut(s, ":")
	if !ok || host == "" || strings.ContainsAny(host, "/@ ") {
		return false
	}
	n, err := strconv.Atoi(port)
	return err == nil && n > 0 && n < 65536
}

// NeedFediverseKey reports a missing key parameter, which the fediverse
// function needs in Lambda.
func (c Config) NeedFediverseKey() error {
	if c.FediverseKeyParameter == "" {
		return errors.New("config: FEDIVERSE_KEY_PARAMETER must be set for the fediverse function")
	}
	return nil
}

// NeedDeliveryQueue reports a missing delivery queue, which the federate
// and deliver functions need.
func (c Config) NeedDeliveryQueue() error {
	if c.DeliveryQueueURL == "" {
		return errors.New("config: DELIVERY_QUEUE_URL must be set for the federate and deliver functions")
	}
	return nil
}

func validColor(s string) bool {
	if len(s) != 7 || s[0] != '#' {
		return false
	}
	_, err := strconv.ParseUint(s[1:], 16, 32)
	return err == nil
}
