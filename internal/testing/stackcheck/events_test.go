package stackcheck

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/newsdesk/syndicate/internal/importer"
	"github.com/newsdesk/syndicate/internal/lambdahttp"
	"github.com/newsdesk/syndicate/internal/notify"
	"github.com/newsdesk/syndicate/internal/outbox"
	"github.com/newsdesk/syndicate/internal/release"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
	"github.com/newsdesk/syndicate/internal/tally"
)

// invocation is what one events/ file must produce when its function runs
// under the Lambda runtime emulator (rie_test.go).
type invocation struct {
	file string
	// HTTP functions: the response's status, headers that must have these
	// exact values, headers that must be present, substrings of the
	// (decoded) body, and whether it is a PNG or empty.
	status  int
	headers map[string]string
	present []string
	body    []string
	png     bool
	empty   bool
	// notify: how many topics the hub must be pinged for, and whether the
	// run is repeated with the hub down (then every record must be
	// reported in batchItemFailures).
	topics      int
	alsoHubDown bool
	gzipOfRSS   bool
	// release: how many scheduled articles the first invocation releases
	// (rie_test.go saves that many due ones first); a second releases none.
	released int
	// follow: how many articles the first run creates; a second run must
	// find the source not modified.
	created int
	// tally: share clicks made on the first record's article before the
	// run, and the IDs of the most-shared list after it, in order.
	clicks int
	ranked []string

	// federate: followers stored before the invocation, each on a
	// loopback server: one delivery per server must be queued.
	followers int
	// deliver: deliveries refused (a loopback inbox, deployed).
	refused int
}

const (
	natoSlug  = "yuzhna-koreya-i-nato-se-sporazumyaha-za-obshti-proekti"
	natoTitle = "Южна Корея и НАТО се споразумяха за общи проекти във военната индустрия"
	// baseURL is the local BaseURL of samconfig.toml and env.json, so the
	// events answer under `sam local invoke` as they do here
	// (TestEventsUseTheLocalBaseURL).
	baseURL = "http://127.0.0.1:3000"
	siteURL = "https://news.example.bg"
)

// runs lists every function and, in order, the events it is invoked with.
// Each events/ file appears exactly once (TestEveryEventIsUsed).
var runs = []struct {
	dir         string
	invocations []invocation
}{
	{"feeds", []invocation{
		{file: "feeds-rss.json", status: 200,
			headers: map[string]string{"Content-Type": "application/rss+xml; charset=utf-8"},
			present: []string{"ETag", "Cache-Control"},
			body:    []string{"<rss", natoTitle, `href="` + baseURL + `/feeds/rss.xml"`, `rel="hub"`, "Снимка: EPA/BGNES"}},
		{file: "feeds-atom.json", status: 200,
			headers: map[string]string{"Content-Type": "application/atom+xml; charset=utf-8"},
			body:    []string{"<feed", natoTitle}},
		{file: "feeds-json.json", status: 200,
			headers: map[string]string{"Content-Type": "application/feed+json; charset=utf-8"},
			body:    []string{`"version":"https://jsonfeed.org/version/1.1"`, natoTitle, `"feed_url":"` + baseURL + `/feeds/feed.json"`}},
		{file: "feeds-rss-gzip.json", status: 200,
			headers:   map[string]string{"Content-Encoding": "gzip", "Content-Type": "application/rss+xml; charset=utf-8"},
			gzipOfRSS: true},
		{file: "feeds-rss-head.json", status: 200,
			headers: map[string]string{"Content-Type": "application/rss+xml; charset=utf-8"},
			present: []string{"ETag"}, empty: true},
		{file: "feeds-section-rss.json", status: 200,
			body: []string{"<rss", natoTitle, "Свят"}},
		{file: "feeds-tag-atom.json", status: 200,
			body: []string{"<feed", natoTitle, "НАТО"}},
		{file: "feeds-unknown-author.json", status: 404,
			headers: map[string]string{"Content-Type": "application/problem+json"}},
		{file: "feeds-sitemap-news.json", status: 200,
			body: []string{"<urlset", "http://www.google.com/schemas/sitemap-news/0.9"}},
	}},
	{"share", []invocation{
		{file: "share-crawler.json", status: 200,
			headers: map[string]string{"Content-Type": "text/html; charset=utf-8", "Cache-Control": "public, max-age=600, s-maxage=30, stale-while-revalidate=30"},
			present: []string{"ETag"},
			body: []string{`<meta property="og:title"`, natoTitle,
				`<meta property="og:url" content="` + baseURL + "/share/" + natoSlug + `">`,
				`<meta property="og:image" content="` + siteURL + `/media/2025/12/yuzhna-koreya-nato.jpg">`}},
		// One public page for everyone: a person's is the crawler's.
		{file: "share-person.json", status: 200,
			headers: map[string]string{"Cache-Control": "public, max-age=600, s-maxage=30, stale-while-revalidate=30"},
			body:    []string{natoTitle, "location.replace("}},
		{file: "share-not-found.json", status: 404},
		{file: "share-card.json", status: 200,
			headers: map[string]string{"Content-Type": "image/png"}, png: true},
		{file: "share-to-facebook.json", status: 302,
			headers: map[string]string{"Cache-Control": "no-store"},
			present: []string{"Location"}},
		{file: "share-oembed.json", status: 200,
			headers: map[string]string{"Content-Type": "application/json; charset=utf-8"},
			body:    []string{`"version":"1.0"`}},
	}},
	{"articles", []invocation{
		{file: "articles-unauthorized.json", status: 401,
			present: []string{"Www-Authenticate"},
			headers: map[string]string{"Content-Type": "application/problem+json"}},
		{file: "articles-get.json", status: 200,
			headers: map[string]string{"ETag": `"1"`},
			body:    []string{`"id":"yuzhna-koreya-nato"`, natoTitle}},
		{file: "articles-shares.json", status: 200,
			headers: map[string]string{"Content-Type": "application/json", "Cache-Control": "no-store"},
			// share-to-facebook.json may or may not have counted a click
			// first (a -run of articles alone): the shape, not the count.
			body: []string{`{"total":`, `,"networks":{`, `,"days":[{"date":"`}},
		{file: "articles-preview.json", status: 200,
			headers: map[string]string{"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"},
			present: []string{"Content-Security-Policy"},
			body:    []string{natoTitle, `id="net-facebook"`, `id="net-discord"`, `id="checks"`}},
		{file: "articles-preview-card.json", status: 200, png: true,
			headers: map[string]string{"Content-Type": "image/png"}},
		{file: "articles-list.json", status: 200,
			body: []string{`"articles"`}},
		{file: "articles-create.json", status: 201,
			headers: map[string]string{"ETag": `"1"`},
			present: []string{"Location"},
			body:    []string{"Министрите на отбраната от НАТО се срещат в Брюксел"}},
		{file: "articles-create-invalid.json", status: 422,
			headers: map[string]string{"Content-Type": "application/problem+json"},
			body:    []string{"title"}},
		{file: "articles-replace.json", status: 200,
			headers: map[string]string{"ETag": `"2"`},
			body:    []string{"Обновено: СБУ потвърди удара."}},
		{file: "articles-delete.json", status: 204, empty: true},
	}},
	{"notify", []invocation{
		{file: "notify-insert.json", topics: 15, alsoHubDown: true},
		{file: "notify-modify-section.json", topics: 18},
		{file: "notify-unpublish.json", topics: 15},
		{file: "notify-delete.json", topics: 15},
		{file: "notify-share-counter.json", topics: 0},
	}},
	{"release", []invocation{
		{file: "release-scheduled.json", released: 2},
	}},
	{"follow", []invocation{
		// followFeed serves internal/importer/testdata/news.rss: 4 items.
		{file: "follow-scheduled.json", created: 4},
	}},
	{"fediverse", []invocation{
		{file: "fediverse-webfinger.json", status: 200,
			headers: map[string]string{"Content-Type": "application/jrd+json", "Access-Control-Allow-Origin": "*"},
			body:    []string{`"subject":"acct:news@127.0.0.1:3000"`, `"href":"` + baseURL + `/ap/actor"`}},
		{file: "fediverse-actor.json", status: 200,
			headers: map[string]string{"Content-Type": "application/activity+json"},
			body:    []string{`"type":"Organization"`, `"preferredUsername":"news"`, `"publicKeyPem":"-----BEGIN PUBLIC KEY-----`, `"sharedInbox":"` + baseURL + `/ap/inbox"`}},
		{file: "fediverse-note.json", status: 200,
			headers: map[string]string{"Content-Type": "application/activity+json"},
			present: []string{"ETag", "Cache-Control"},
			body:    []string{`"type":"Note"`, `"id":"` + baseURL + `/ap/notes/yuzhna-koreya-nato"`, `"contentMap":{"bg":`, `"type":"Hashtag"`}},
		{file: "fediverse-inbox-unsigned.json", status: 401,
			headers: map[string]string{"Content-Type": "application/problem+json"},
			present: []string{"Www-Authenticate"}},
	}},
	{"federate", []invocation{
		{file: "federate-publish.json", followers: 1},
	}},
	{"deliver", []invocation{
		{file: "deliver-batch.json", refused: 1},
	}},
	{"tally", []invocation{
		{file: "tally-batch.json", clicks: 3, ranked: []string{"yuzhna-koreya-nato", "sbu-belbek"}},
	}},
}

// inputType is the event type a function's handler takes, read from the
// handler's signature so a sample cannot drift from the code.
func inputType(t *testing.T, dir string) reflect.Type {
	t.Helper()
	if dir == "tally" {
		// func(*Aggregator, context.Context, events.DynamoDBEvent)
		return reflect.TypeOf((*tally.Aggregator).Handle).In(2)
	}
	if queueFunctions[dir] {
		// func(*Handler, context.Context, events.SQSEvent)
		return reflect.TypeOf((*outbox.Handler).Handle).In(2)
	}
	if streamFunctions[dir] {
		// func(*Notifier, context.Context, events.DynamoDBEvent)
		return reflect.TypeOf((*notify.Notifier).Handle).In(2)
	}
	if scheduledFunctions[dir] {
		if dir == "release" {
			// func(*Releaser, context.Context, release.Event)
			return reflect.TypeOf((*release.Releaser).Handle).In(2)
		}
		// func(*Follower, context.Context, events.CloudWatchEvent)
		return reflect.TypeOf((*importer.Follower).Handle).In(2)
	}
	// func(context.Context, events.APIGatewayV2HTTPRequest)
	return reflect.TypeOf(lambdahttp.Handler(nil)).In(1)
}

func eventFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(root, "events", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f))
	}
	sort.Strings(names)
	return names
}

func TestEveryEventIsUsed(t *testing.T) {
	files := eventFiles(t)
	if len(files) == 0 {
		t.Fatal("events/ is empty")
	}
	var used []string
	for _, r := range runs {
		for _, inv := range r.invocations {
			if !strings.HasPrefix(inv.file, r.dir+"-") {
				t.Errorf("%s is run against %s; name it %s-…", inv.file, r.dir, r.dir)
			}
			used = append(used, inv.file)
		}
	}
	sort.Strings(used)
	if !slices.Equal(used, slices.Compact(slices.Clone(used))) {
		t.Errorf("an event is listed twice: %q", used)
	}
	for _, f := range files {
		if !slices.Contains(used, f) {
			t.Errorf("events/%s is not invoked by the emulator test", f)
		}
	}
	for _, f := range used {
		if !slices.Contains(files, f) {
			t.Errorf("the emulator test invokes events/%s, which does not exist", f)
		}
	}
	var dirs []string
	for _, r := range runs {
		dirs = append(dirs, r.dir)
	}
	sort.Strings(dirs)
	if want := functionDirs(t); !slices.Equal(dirs, want) {
		t.Errorf("emulator runs cover %q, want every function %q", dirs, want)
	}
}

// TestEventsDecode decodes every sample strictly (no unknown field) into
// the type its function's handler takes, and checks that an HTTP sample is
// a route of that function in template.yaml, with path parameters that
// match its path.
func TestEventsDecode(t *testing.T) {
	tp := template(t)
	fns := tp.Resources("AWS::Serverless::Function")
	for _, r := range runs {
		typ := inputType(t, r.dir)
		var routes []string
		if fn := fns[logicalID(r.dir)]; fn != nil {
			routes, _ = templateRoutes(t, fn)
		}
		for _, inv := range r.invocations {
			t.Run(inv.file, func(t *testing.T) {
				b, err := os.ReadFile(filepath.Join(root, "events", inv.file))
				if err != nil {
					t.Fatal(err)
				}
				dec := json.NewDecoder(bytes.NewReader(b))
				dec.DisallowUnknownFields()
				v := reflect.New(typ)
				if err := dec.Decode(v.Interface()); err != nil {
					t.Fatalf("decode into %v: %v", typ, err)
				}
				switch e := v.Elem().Interface().(type) {
				case events.APIGatewayV2HTTPRequest:
					checkHTTPEvent(t, e, routes)
				case events.DynamoDBEvent:
					checkStreamEvent(t, e)
				case events.SQSEvent:
					checkQueueEvent(t, e)
				case release.Event:
					if _, err := time.Parse(time.RFC3339, e.ScheduledTime); err != nil || e.ExecutionID == "" {
						t.Errorf("scheduledTime %q (%v) and executionId %q, want what EventBridge Scheduler fills in", e.ScheduledTime, err, e.ExecutionID)
					}
				case events.CloudWatchEvent:
					// What an EventBridge rule's schedule sends.
					if e.DetailType != "Scheduled Event" || e.Source != "aws.events" || len(e.Resources) != 1 {
						t.Errorf("%s: detail-type %q, source %q, resources %v; want a scheduled rule's event", inv.file, e.DetailType, e.Source, e.Resources)
					}
				default:
					t.Fatalf("no check for %T", e)
				}
			})
		}
	}
}

// checkQueueEvent: what Lambda sends from the FIFO delivery queue: the
// attributes the handler reads, and bodies that are deliveries.
func checkQueueEvent(t *testing.T, e events.SQSEvent) {
	t.Helper()
	if len(e.Records) == 0 || len(e.Records) > outbox.MaxBatch {
		t.Fatalf("%d records, want 1 to %d", len(e.Records), outbox.MaxBatch)
	}
	for _, m := range e.Records {
		if m.EventSource != "aws:sqs" || !strings.HasSuffix(m.EventSourceARN, ".fifo") || m.MessageId == "" || m.ReceiptHandle == "" {
			t.Errorf("record %+v: want a FIFO queue's message with an id and a receipt handle", m)
		}
		d, err := outbox.Decode(m.Body)
		if err != nil {
			t.Errorf("body: %v", err)
			continue
		}
		if m.Attributes["MessageGroupId"] != outbox.GroupID(&d) || m.Attributes["MessageDeduplicationId"] == "" || m.Attributes["ApproximateReceiveCount"] == "" {
			t.Errorf("attributes %v: want MessageGroupId %q (the inbox's host), a deduplication id and a receive count", m.Attributes, outbox.GroupID(&d))
		}
	}
}

func checkHTTPEvent(t *testing.T, e events.APIGatewayV2HTTPRequest, routes []string) {
	t.Helper()
	if e.Version != "2.0" {
		t.Errorf("version %q, want 2.0 (HTTP API payload format 2.0)", e.Version)
	}
	if !slices.Contains(routes, e.RouteKey) {
		t.Errorf("routeKey %q is not a route of this function in template.yaml", e.RouteKey)
	}
	if e.RequestContext.RouteKey != e.RouteKey {
		t.Errorf("requestContext.routeKey %q != routeKey %q", e.RequestContext.RouteKey, e.RouteKey)
	}
	method, pattern, _ := strings.Cut(e.RouteKey, " ")
	if e.RequestContext.HTTP.Method != method || e.RequestContext.HTTP.Path != e.RawPath {
		t.Errorf("requestContext.http %s %s disagrees with %s %s", e.RequestContext.HTTP.Method, e.RequestContext.HTTP.Path, method, e.RawPath)
	}
	// The route must match the path, with the path parameters API Gateway
	// would extract.
	mux := http.NewServeMux()
	got := map[string]string{}
	mux.HandleFunc(pattern, func(_ http.ResponseWriter, r *http.Request) {
		for _, seg := range strings.Split(pattern, "/") {
			if strings.HasPrefix(seg, "{") {
				name := strings.Trim(seg, "{}")
				got[name] = r.PathValue(name)
			}
		}
	})
	req, err := http.NewRequest(http.MethodGet, "http://x"+e.RawPath, nil)
	if err != nil {
		t.Fatalf("rawPath %q: %v", e.RawPath, err)
	}
	if _, p := mux.Handler(req); p != pattern {
		t.Fatalf("rawPath %q does not match route %q", e.RawPath, pattern)
	}
	mux.ServeHTTP(nil, req)
	if len(got) != len(e.PathParameters) {
		t.Errorf("pathParameters = %v, want %v", e.PathParameters, got)
	}
	for k, v := range got {
		if e.PathParameters[k] != v {
			t.Errorf("pathParameters[%s] = %q, want %q", k, e.PathParameters[k], v)
		}
	}
}

func checkStreamEvent(t *testing.T, e events.DynamoDBEvent) {
	t.Helper()
	if len(e.Records) == 0 {
		t.Fatal("no records")
	}
	for i, r := range e.Records {
		if r.EventSource != "aws:dynamodb" {
			t.Errorf("record %d: eventSource %q", i, r.EventSource)
		}
		if r.Change.StreamViewType != "NEW_AND_OLD_IMAGES" {
			t.Errorf("record %d: streamViewType %q, want the table's NEW_AND_OLD_IMAGES", i, r.Change.StreamViewType)
		}
		if r.Change.SequenceNumber == "" {
			t.Errorf("record %d: no sequence number (it is the batch item identifier)", i)
		}
		for _, k := range []string{dynamo.AttrPK, dynamo.AttrSK} {
			if _, ok := r.Change.Keys[k]; !ok {
				t.Errorf("record %d: key %s missing", i, k)
			}
		}
		switch r.EventName {
		case "INSERT":
			if r.Change.NewImage == nil || r.Change.OldImage != nil {
				t.Errorf("record %d: INSERT wants a new image only", i)
			}
		case "MODIFY":
			if r.Change.NewImage == nil || r.Change.OldImage == nil {
				t.Errorf("record %d: MODIFY wants both images", i)
			}
		case "REMOVE":
			if r.Change.OldImage == nil || r.Change.NewImage != nil {
				t.Errorf("record %d: REMOVE wants an old image only", i)
			}
		default:
			t.Errorf("record %d: eventName %q", i, r.EventName)
		}
	}
}
