//go:build linux || darwin

package stackcheck

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/fediverse"
	"github.com/newsdesk/syndicate/internal/httpsig"
	"github.com/newsdesk/syndicate/internal/importer"
	"github.com/newsdesk/syndicate/internal/newsroom"
	"github.com/newsdesk/syndicate/internal/outbox"
	"github.com/newsdesk/syndicate/internal/parameter"
	"github.com/newsdesk/syndicate/internal/release"
	"github.com/newsdesk/syndicate/internal/seed"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
	"github.com/newsdesk/syndicate/internal/testing/dynamotest"
)

const adminToken = "local-admin-token"

// functionTimeout is AWS_LAMBDA_FUNCTION_TIMEOUT under the emulator, above
// STORE_TIMEOUT (dynamotest.Timeout) as in template.yaml; Lambda's maximum.
const functionTimeout = 15 * time.Minute

// TestLambdaRuntime builds every function's bootstrap for this machine,
// runs it under the AWS Lambda Runtime Interface Emulator (the emulator in
// sam local's containers, pinned in go.mod as a tool) against moto_server,
// and invokes it with every events/ file, one at a time: the emulator
// handles one invoke per instance and crashes on concurrent ones.
func TestLambdaRuntime(t *testing.T) {
	if testing.Short() {
		t.Skip("builds every function's bootstrap and starts the emulator; not in -short")
	}
	client := dynamotest.Client(t)
	table := dynamotest.Table(t, client)
	store := dynamo.New(client, table, dynamo.WithConsistentReads())
	svc := newsroom.NewService(store, newsroom.Options{SiteURL: siteURL})
	if n, err := seed.Ensure(t.Context(), svc, siteURL, dynamotest.Timeout); err != nil || n == 0 {
		t.Fatalf("seed: %d articles, %v", n, err)
	}

	rie := emulator(t)
	bin := t.TempDir()
	hub := newRecordingHub(t)
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + bin,
		"AWS_REGION=us-east-1",
		"AWS_ACCESS_KEY_ID=test",
		"AWS_SECRET_ACCESS_KEY=test",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE=" + filepath.Join(bin, "none"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(bin, "none"),
		"DYNAMODB_ENDPOINT=" + os.Getenv(dynamotest.EndpointVar),
		"TABLE_NAME=" + table,
		"SITE_URL=" + siteURL,
		"BASE_URL=" + baseURL,
		"HUB_URL=" + hub.url,
		"ADMIN_TOKEN=" + adminToken,
		"CURSOR_SECRET=rie-test",
		// Deadlines moto never meets on a busy machine; the function's
		// is above the store's, as in template.yaml.
		"STORE_TIMEOUT=" + dynamotest.Timeout.String(),
		"AWS_LAMBDA_FUNCTION_TIMEOUT=" + fmt.Sprint(int(functionTimeout.Seconds())),
	}
	source := newFollowFeed(t)
	followEnv := []string{
		"SOURCE_FEED_URL=" + source.URL,
		"FOLLOW_STATE_PARAMETER=" + followState,
		"AWS_ENDPOINT_URL_SSM=" + os.Getenv(dynamotest.EndpointVar),
	}
	fediverseEnv := []string{
		"FEDIVERSE_KEY_PARAMETER=" + fediverseKey(t),
		"AWS_ENDPOINT_URL_SSM=" + os.Getenv(dynamotest.EndpointVar),
	}
	queue := newDeliveryQueue(t)
	queueEnv := []string{
		"DELIVERY_QUEUE_URL=" + queue.url,
		"AWS_ENDPOINT_URL_SQS=" + os.Getenv(dynamotest.EndpointVar),
	}
	for _, r := range runs {
		t.Run(r.dir, func(t *testing.T) {
			bootstrap := buildBootstrap(t, r.dir, bin)
			fnEnv := append(slices.Clone(env), "AWS_LAMBDA_FUNCTION_NAME="+logicalID(r.dir))
			if r.dir == "follow" {
				fnEnv = append(fnEnv, followEnv...)
			}
			if r.dir == "fediverse" || r.dir == "deliver" {
				fnEnv = append(fnEnv, fediverseEnv...)
			}
			if r.dir == "federate" || r.dir == "deliver" {
				fnEnv = append(fnEnv, queueEnv...)
			}
			fn := startEmulator(t, rie, bootstrap, fnEnv)
			for _, inv := range r.invocations {
				t.Run(inv.file, func(t *testing.T) {
					payload, err := os.ReadFile(filepath.Join(root, "events", inv.file))
					if err != nil {
						t.Fatal(err)
					}
					if r.dir == "tally" {
						checkTally(t, fn, store, inv, payload)
						return
					}
					if r.dir == "federate" {
						checkFederate(t, fn, store, queue, inv, payload)
						return
					}
					if r.dir == "deliver" {
						checkDeliver(t, fn, inv, payload)
						return
					}
					if streamFunctions[r.dir] {
						checkNotify(t, fn, hub, inv, payload)
						return
					}
					if scheduledFunctions[r.dir] {
						if r.dir == "release" {
							checkRelease(t, fn, store, inv, payload)
						} else {
							checkFollow(t, fn, store, source, inv, payload)
						}
						return
					}
					checkHTTP(t, fn.invoke(t, payload), inv)
				})
			}
			checkTelemetry(t, r.dir, fn.logs.String())
		})
	}
}

// emulator returns the path of the pinned aws-lambda-rie, built by the go
// command into its cache.
func emulator(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "tool", "-n", "aws-lambda-rie").Output()
	if err != nil {
		t.Fatalf("go tool -n aws-lambda-rie: %v (is the tool line still in go.mod?)", err)
	}
	return strings.TrimSpace(string(out))
}

// buildBootstrap builds functions/<dir> for this machine with the same tags
// and flags as build.mk (which builds for linux/arm64).
func buildBootstrap(t *testing.T, dir, into string) string {
	t.Helper()
	out := filepath.Join(into, dir, "bootstrap")
	cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-trimpath", "-ldflags=-s -w", "-o", out, "./functions/"+dir)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build %s: %v\n%s", dir, err, b)
	}
	return out
}

type function struct {
	url    string
	client *http.Client
	// logs is what the emulator and the function wrote.
	logs *syncBuffer
}

// startEmulator runs the emulator with bootstrap as the function, on two
// free loopback ports, and stops it (and the bootstrap, in the same process
// group) when the test ends. Its output is shown if the test fails.
func startEmulator(t *testing.T, rie, bootstrap string, env []string) *function {
	t.Helper()
	apiPort, runtimePort := freePort(t), freePort(t)
	cmd := exec.Command(rie,
		"--runtime-interface-emulator-address", "127.0.0.1:"+apiPort,
		"--runtime-api-address", "127.0.0.1:"+runtimePort,
		bootstrap)
	cmd.Dir = filepath.Dir(bootstrap)
	cmd.Env = env
	var logs syncBuffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start emulator: %v", err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("emulator and function output:\n%s", logs.String())
		}
	})
	addr := "127.0.0.1:" + apiPort
	// A minute is far more than the emulator ever needs to listen, busy
	// machine or not; it only bounds a test whose emulator never starts.
	deadline := time.Now().Add(time.Minute)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("emulator not listening on %s after a minute:\n%s", addr, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return &function{
		url: "http://" + addr + "/2015-03-31/functions/function/invocations",
		// The emulator ends an invocation at functionTimeout itself.
		client: &http.Client{Timeout: functionTimeout + time.Minute},
		logs:   &logs,
	}
}

// invoke sends one event and returns the function's raw result.
func (f *function) invoke(t *testing.T, payload []byte) []byte {
	t.Helper()
	resp, err := f.client.Post(f.url, "application/json", bytes.NewReader(payload))
	if err != nil {
		t.Fatalf("invoke: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("invoke: read: %v", err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("invoke: emulator answered %d: %s", resp.StatusCode, b)
	}
	if bytes.Contains(b, []byte(`"errorType"`)) || bytes.HasPrefix(b, []byte("Task timed out")) {
		t.Fatalf("function failed: %s", b)
	}
	return b
}

func checkHTTP(t *testing.T, raw []byte, want invocation) {
	t.Helper()
	var res events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatalf("result is not an HTTP API response: %v\n%s", err, raw)
	}
	body := []byte(res.Body)
	if res.IsBase64Encoded {
		var err error
		if body, err = base64.StdEncoding.DecodeString(res.Body); err != nil {
			t.Fatalf("body: %v", err)
		}
	}
	if res.StatusCode != want.status {
		t.Errorf("status = %d, want %d; body: %.300s", res.StatusCode, want.status, body)
	}
	for k, v := range want.headers {
		if got := header(res.Headers, k); got != v {
			t.Errorf("header %s = %q, want %q (headers %v)", k, got, v, res.Headers)
		}
	}
	for _, k := range want.present {
		if header(res.Headers, k) == "" {
			t.Errorf("header %s missing (headers %v)", k, res.Headers)
		}
	}
	if got := header(res.Headers, "X-Request-Id"); got == "" {
		t.Error("no X-Request-Id: the API Gateway request ID should tie logs together")
	}
	if want.gzipOfRSS {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("gzip body: %v", err)
		}
		if body, err = io.ReadAll(zr); err != nil {
			t.Fatalf("gzip body: %v", err)
		}
		if !bytes.Contains(body, []byte("<rss")) || !res.IsBase64Encoded {
			t.Errorf("gzip'd body is not RSS sent as base64 (base64=%v)", res.IsBase64Encoded)
		}
	}
	for _, s := range want.body {
		if !bytes.Contains(body, []byte(s)) {
			t.Errorf("body lacks %q:\n%.600s", s, body)
		}
	}
	if want.png && !bytes.HasPrefix(body, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("body is not a PNG (%d bytes, base64=%v)", len(body), res.IsBase64Encoded)
	}
	if want.empty && len(body) != 0 {
		t.Errorf("body = %.200q, want none", body)
	}
}

// header looks a response header up as HTTP does, ignoring case: API
// Gateway passes the names as the function wrote them.
func header(h map[string]string, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// checkRelease saves want.released scheduled articles whose time has just
// come (pending: saved before it) and invokes the release function twice:
// the first run releases exactly those, the second none; the saves leave
// the site feed's head as it was, and the run bumps it once per article.
func checkRelease(t *testing.T, fn *function, store *dynamo.Store, want invocation, payload []byte) {
	t.Helper()
	siteRev := func() int64 {
		t.Helper()
		h, err := store.FeedHead(t.Context(), article.SiteFeed)
		if err != nil && !errors.Is(err, article.ErrNotFound) {
			t.Fatalf("site head: %v", err)
		}
		return h.Rev
	}
	before := siteRev()
	now := time.Now()
	var ids []string
	for i := range want.released {
		id := fmt.Sprintf("rie-scheduled-%d", i)
		a := article.Article{
			ID: id, Slug: id, Title: "Ембарго " + id, URL: siteURL + "/" + id, Language: "bg",
			Section: "Свят", Status: article.StatusPublished, Version: 1,
			PublishedAt: now.Add(-time.Minute), CreatedAt: now.Add(-2 * time.Minute), UpdatedAt: now.Add(-2 * time.Minute),
		}
		if err := store.Save(t.Context(), a, 0); err != nil {
			t.Fatalf("save %s: %v", id, err)
		}
		ids = append(ids, id)
	}
	if rev := siteRev(); rev != before {
		t.Fatalf("site head after %d scheduled saves: rev %d, want it unchanged at %d", want.released, rev, before)
	}
	for run, wantIDs := range [][]string{ids, {}} {
		var res release.Result
		if err := json.Unmarshal(fn.invoke(t, payload), &res); err != nil {
			t.Fatal(err)
		}
		slices.Sort(res.Released)
		if !slices.Equal(res.Released, wantIDs) {
			t.Errorf("run %d released %q, want %q", run+1, res.Released, wantIDs)
		}
	}
	if rev, wantRev := siteRev(), before+int64(want.released); rev != wantRev {
		t.Errorf("site head after the runs: rev %d, want %d (one per released article)", rev, wantRev)
	}
}

func checkNotify(t *testing.T, fn *function, hub *recordingHub, want invocation, payload []byte) {
	t.Helper()
	var e events.DynamoDBEvent
	if err := json.Unmarshal(payload, &e); err != nil {
		t.Fatal(err)
	}
	hub.reset(http.StatusNoContent)
	var res events.DynamoDBEventResponse
	if err := json.Unmarshal(fn.invoke(t, payload), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.BatchItemFailures) != 0 {
		t.Errorf("hub up: failures = %v, want none", res.BatchItemFailures)
	}
	if got := hub.count(); got != want.topics {
		t.Errorf("hub up: %d topics pinged, want %d: %q", got, want.topics, hub.topics())
	}
	if !want.alsoHubDown {
		return
	}
	// The function answers within its timeout, or the emulator answers
	// "Task timed out" and invoke fails.
	hub.reset(http.StatusServiceUnavailable)
	res = events.DynamoDBEventResponse{}
	if err := json.Unmarshal(fn.invoke(t, payload), &res); err != nil {
		t.Fatal(err)
	}
	var got, wantIDs []string
	for _, f := range res.BatchItemFailures {
		got = append(got, f.ItemIdentifier)
	}
	for _, r := range e.Records {
		wantIDs = append(wantIDs, r.Change.SequenceNumber)
	}
	if fmt.Sprint(got) != fmt.Sprint(wantIDs) {
		t.Errorf("hub down: failures = %q, want every record %q", got, wantIDs)
	}
	if hub.count() != want.topics {
		t.Errorf("hub down: %d topics tried, want %d", hub.count(), want.topics)
	}
}

// fediverseKey puts a fresh RSA key into an SSM parameter on moto, as
// docs/fediverse.md's command does before a deploy, and returns its name.
func fediverseKey(t *testing.T) string {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pemText, err := httpsig.PrivateKeyPEM(key)
	if err != nil {
		t.Fatal(err)
	}
	name := "/syndicate-rie/fediverse-key-" + fmt.Sprint(time.Now().UnixNano())
	ssm := parameter.New(dynamo.LocalConfig(), parameter.Options{Endpoint: os.Getenv(dynamotest.EndpointVar), Timeout: dynamotest.Timeout})
	if err := ssm.PutParameter(t.Context(), name, string(pemText)); err != nil {
		t.Fatalf("put the fediverse key on moto: %v", err)
	}
	return name
}

// deliveryQueue is a FIFO delivery queue on moto, as template.yaml's
// DeliveryQueue.
type deliveryQueue struct {
	url    string
	client *sqs.Client
}

func newDeliveryQueue(t *testing.T) *deliveryQueue {
	t.Helper()
	c := outbox.NewClient(dynamo.LocalConfig(), os.Getenv(dynamotest.EndpointVar))
	out, err := c.CreateQueue(t.Context(), &sqs.CreateQueueInput{QueueName: aws.String("rie-deliveries-" + fmt.Sprint(time.Now().UnixNano()) + ".fifo"),
		Attributes: map[string]string{"FifoQueue": "true"}})
	if err != nil {
		t.Fatalf("create the delivery queue on moto: %v", err)
	}
	t.Cleanup(func() { _, _ = c.DeleteQueue(context.Background(), &sqs.DeleteQueueInput{QueueUrl: out.QueueUrl}) })
	return &deliveryQueue{url: aws.ToString(out.QueueUrl), client: c}
}

// checkFederate stores followers whose server is on loopback, invokes the
// announcer with a story's publication and checks that it queued one
// delivery of the story's Create per server on the delivery queue,
// grouped by the server's host; the server itself sees nothing (the
// deliver function sends).
func checkFederate(t *testing.T, fn *function, store *dynamo.Store, queue *deliveryQueue, want invocation, payload []byte) {
	t.Helper()
	var hits atomic.Int64
	peer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	t.Cleanup(peer.Close)
	for i := range want.followers {
		actor := fmt.Sprintf("%s/users/%d", peer.URL, i)
		if err := store.SaveFollower(t.Context(), fediverse.Follower{Actor: actor, Inbox: actor + "/inbox", SharedInbox: peer.URL + "/inbox"}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = store.RemoveFollower(context.Background(), actor) })
	}
	var res events.DynamoDBEventResponse
	if err := json.Unmarshal(fn.invoke(t, payload), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.BatchItemFailures) != 0 {
		t.Errorf("failures = %v, want none", res.BatchItemFailures)
	}
	logs := fn.logs.String()
	if !strings.Contains(logs, `"fediverse: announced"`) || !strings.Contains(logs, `"activity":"Create"`) || !strings.Contains(logs, `"queued":1`) {
		t.Errorf("want one Create announced and queued; logs:\n%s", logs)
	}
	out, err := queue.client.ReceiveMessage(t.Context(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(queue.url), MaxNumberOfMessages: 10,
		MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAll}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Messages) != want.followers {
		t.Fatalf("%d messages on the delivery queue, want %d", len(out.Messages), want.followers)
	}
	for _, m := range out.Messages {
		d, err := outbox.Decode(aws.ToString(m.Body))
		if err != nil || d.Inbox != peer.URL+"/inbox" || !strings.Contains(string(d.Activity), `"type":"Create"`) {
			t.Errorf("queued %s (%v), want the Create for %s/inbox", aws.ToString(m.Body), err, peer.URL)
		}
		if g := m.Attributes["MessageGroupId"]; g != strings.TrimPrefix(peer.URL, "http://") {
			t.Errorf("MessageGroupId %q, want the inbox's host", g)
		}
		_, _ = queue.client.DeleteMessage(t.Context(), &sqs.DeleteMessageInput{QueueUrl: aws.String(queue.url), ReceiptHandle: m.ReceiptHandle})
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the follower server got %d requests from the announcer", n)
	}
}

// checkDeliver invokes the deliver function with a batch whose inbox is
// on loopback: deployed, it refuses the private address for good (no
// retry, nothing in batchItemFailures) and counts it.
func checkDeliver(t *testing.T, fn *function, want invocation, payload []byte) {
	t.Helper()
	var res events.SQSEventResponse
	if err := json.Unmarshal(fn.invoke(t, payload), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.BatchItemFailures) != 0 {
		t.Errorf("failures = %v, want none: a refused delivery is not retried", res.BatchItemFailures)
	}
	logs := fn.logs.String()
	if n := strings.Count(logs, `"outbox: delivery refused"`); n != want.refused || !strings.Contains(logs, "address is not public") {
		t.Errorf("%d deliveries refused, want %d for a private address; logs:\n%s", n, want.refused, logs)
	}
	if !strings.Contains(logs, fmt.Sprintf(`"DeliveriesRefused":%d`, want.refused)) {
		t.Errorf("no DeliveriesRefused %d in the metrics; logs:\n%s", want.refused, logs)
	}
}

// followState is the SSM parameter the follow function keeps its
// validators in, on moto; unique per run, since moto lives for the suite.
var followState = "/syndicate-rie/follow-state-" + fmt.Sprint(time.Now().UnixNano())

// followFeed is the publisher's feed the follow function reads: the news
// RSS fixture of package importer, with an ETag, answering 304 to it.
type followFeed struct {
	*httptest.Server
	full, notModified atomic.Int64
}

func newFollowFeed(t *testing.T) *followFeed {
	doc, err := os.ReadFile(filepath.Join(root, "internal", "importer", "testdata", "news.rss"))
	if err != nil {
		t.Fatal(err)
	}
	f := &followFeed{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"news-1"`)
		if r.Header.Get("If-None-Match") == `"news-1"` {
			f.notModified.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		f.full.Add(1)
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		w.Write(doc)
	}))
	t.Cleanup(f.Close)
	return f
}

// checkFollow runs the follow function twice on its schedule's event: the
// first run imports every item of the feed into the table, the second
// sends the kept ETag and imports nothing.
func checkFollow(t *testing.T, fn *function, store *dynamo.Store, feed *followFeed, want invocation, payload []byte) {
	t.Helper()
	var first importer.FollowResult
	if err := json.Unmarshal(fn.invoke(t, payload), &first); err != nil {
		t.Fatal(err)
	}
	if first.NotModified || first.Created != want.created || len(first.Failed) != 0 {
		t.Fatalf("first run: %+v; want %d created", first, want.created)
	}
	page, err := store.List(t.Context(), article.ListOptions{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, a := range page.Articles {
		if strings.HasPrefix(a.ID, "imp-") && strings.HasPrefix(a.URL, "https://www.dnevnik.example/") {
			found++
		}
	}
	if found != want.created {
		t.Errorf("the table holds %d articles of the feed, want %d", found, want.created)
	}
	var second importer.FollowResult
	if err := json.Unmarshal(fn.invoke(t, payload), &second); err != nil {
		t.Fatal(err)
	}
	if !second.NotModified || second.Created != 0 {
		t.Errorf("second run: %+v; want the source not modified (its ETag kept in %s)", second, followState)
	}
	if feed.full.Load() != 1 || feed.notModified.Load() != 1 {
		t.Errorf("the feed answered %d full and %d 304; want 1 and 1", feed.full.Load(), feed.notModified.Load())
	}
}

// recordingHub is a WebSub hub on a real loopback listener (the function
// runs in another process) that answers every ping with one status.
type recordingHub struct {
	url    string
	mu     sync.Mutex
	pinged map[string]bool
	status int
}

func newRecordingHub(t *testing.T) *recordingHub {
	h := &recordingHub{pinged: map[string]bool{}, status: http.StatusNoContent}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	h.url = "http://" + ln.Addr().String() + "/"
	return h
}

func (h *recordingHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	h.mu.Lock()
	if r.PostForm.Get("hub.mode") == "publish" {
		h.pinged[r.PostForm.Get("hub.url")] = true
	}
	status := h.status
	h.mu.Unlock()
	w.WriteHeader(status)
}

func (h *recordingHub) reset(status int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.pinged = map[string]bool{}
	h.status = status
}

func (h *recordingHub) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.pinged)
}

func (h *recordingHub) topics() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for k := range h.pinged {
		out = append(out, k)
	}
	return out
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

// syncBuffer collects the emulator's output from two pipes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// checkTelemetry reads what a function wrote to stdout over its
// invocations: log lines with the keys Lambda's JSON log filtering reads
// (a request's line is its EMF record too), and EMF metric records of
// this function, with store calls timed (HTTP functions), pings counted
// (notify) or releases counted (release).
func checkTelemetry(t *testing.T, dir, out string) {
	t.Helper()
	records, logLines := 0, 0
	storeCalls, pings, released, deliveries := 0.0, 0.0, 0.0, 0.0
	for _, line := range strings.Split(out, "\n") {
		var m map[string]any
		if !strings.HasPrefix(line, "{") || json.Unmarshal([]byte(line), &m) != nil {
			continue // the emulator's own lines
		}
		if _, ok := m["_aws"]; ok {
			records++
			if m["Service"] != dir {
				t.Errorf("metrics record of service %v, want %s: %s", m["Service"], dir, line)
			}
			if n, ok := m["StoreCalls"].(float64); ok {
				storeCalls += n
			}
			if n, ok := m["PingsSent"].(float64); ok {
				pings += n
			}
			for _, k := range []string{"DeliveriesQueued", "DeliveriesSent", "DeliveriesRefused", "DeliveriesFailed"} {
				if n, ok := m[k].(float64); ok {
					deliveries += n
				}
			}
			if n, ok := m["Released"].(float64); ok {
				released += n
			}
			if _, ok := m["message"]; !ok {
				continue // a unit of work's record, not a log line
			}
			// A request's record is its log line too (metrics.Request).
		}
		logLines++
		for _, k := range []string{"timestamp", "level", "message"} {
			if _, ok := m[k]; !ok {
				t.Errorf("log line without %q, which Lambda's log filtering reads: %s", k, line)
			}
		}
	}
	if dir == "tally" {
		// No metrics of its own: Lambda's IteratorAge and Errors tell
		// whether it keeps up (docs/operations.md).
		if !strings.Contains(out, `"tally: batch"`) {
			t.Errorf("tally logged no batch line")
		}
		return
	}
	if records == 0 || logLines == 0 {
		t.Errorf("%s wrote %d metrics records and %d log lines, want both", dir, records, logLines)
	}
	if dir == "federate" || dir == "deliver" {
		if deliveries == 0 {
			t.Errorf("%s: no DeliveriesQueued, DeliveriesSent, DeliveriesRefused or DeliveriesFailed in its metrics", dir)
		}
	} else if streamFunctions[dir] && pings == 0 {
		t.Errorf("%s: no PingsSent in its metrics", dir)
	}
	if dir == "release" && released == 0 {
		t.Errorf("%s: no Released in its metrics", dir)
	}
	if !streamFunctions[dir] && !scheduledFunctions[dir] && !queueFunctions[dir] && storeCalls == 0 {
		t.Errorf("%s: no StoreCalls in its metrics: the DynamoDB client is not timed", dir)
	}
}

// checkTally clicks the first record's article, runs the aggregator on
// the batch and reads the most-shared list back from moto: the batch's
// articles, in want.ranked's order, each with the total its counters
// hold; the records of other items ignored.
func checkTally(t *testing.T, fn *function, store *dynamo.Store, want invocation, payload []byte) {
	t.Helper()
	var e events.DynamoDBEvent
	if err := json.Unmarshal(payload, &e); err != nil {
		t.Fatal(err)
	}
	id, ok := dynamo.StreamShareArticle(&e.Records[0].Change)
	if !ok {
		t.Fatalf("the first record of %s is not a share counter's", want.file)
	}
	for range want.clicks {
		if err := store.IncrementShare(t.Context(), id, "facebook"); err != nil {
			t.Fatal(err)
		}
	}
	var res events.DynamoDBEventResponse
	if err := json.Unmarshal(fn.invoke(t, payload), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.BatchItemFailures) != 0 {
		t.Errorf("failures = %v, want none", res.BatchItemFailures)
	}
	p, err := store.ListByShares(t.Context(), article.SharesListOptions{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	// Each total is what the counters hold (other runs click too).
	var got, wantRanked []string
	for i, a := range p.Articles {
		got = append(got, fmt.Sprintf("%s=%d", a.ID, p.Totals[i]))
	}
	for _, id := range want.ranked {
		counts, err := store.ShareCounts(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		var total int64
		for _, n := range counts {
			total += n
		}
		wantRanked = append(wantRanked, fmt.Sprintf("%s=%d", id, total))
	}
	if !slices.Equal(got, wantRanked) {
		t.Errorf("most shared after the run = %q, want %q (%d clicks on %s just now)", got, wantRanked, want.clicks, id)
	}
}
