package stackcheck

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/newsdesk/syndicate/internal/activitypub"
	"github.com/newsdesk/syndicate/internal/fediverse"
	"github.com/newsdesk/syndicate/internal/httpsig"
	"github.com/newsdesk/syndicate/internal/newsroom"
	"github.com/newsdesk/syndicate/internal/seed"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
	"github.com/newsdesk/syndicate/internal/testing/dynamotest"
)

// storeCall is one DynamoDB request: its operation and partition key.
type storeCall struct{ op, pk string }

// recordCalls adds a middleware to a DynamoDB client's options that
// records every request's operation and partition key.
func recordCalls(mu *sync.Mutex, calls *[]storeCall) func(*dynamodb.Options) {
	pkOf := func(m map[string]types.AttributeValue) string {
		if s, ok := m[dynamo.AttrPK].(*types.AttributeValueMemberS); ok {
			return s.Value
		}
		return ""
	}
	return func(o *dynamodb.Options) {
		o.APIOptions = append(o.APIOptions, func(st *middleware.Stack) error {
			return st.Initialize.Add(middleware.InitializeMiddlewareFunc("recordCalls", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				var pk string
				switch p := in.Parameters.(type) {
				case *dynamodb.GetItemInput:
					pk = pkOf(p.Key)
				case *dynamodb.PutItemInput:
					pk = pkOf(p.Item)
				case *dynamodb.DeleteItemInput:
					pk = pkOf(p.Key)
				case *dynamodb.UpdateItemInput:
					pk = pkOf(p.Key)
				case *dynamodb.QueryInput:
					// The key condition's value (package dynamo names it :pk).
					if v, ok := p.ExpressionAttributeValues[":pk"].(*types.AttributeValueMemberS); ok {
						pk = v.Value
					}
				}
				mu.Lock()
				*calls = append(*calls, storeCall{op: awsmiddleware.GetOperationName(ctx), pk: pk})
				mu.Unlock()
				return next.HandleInitialize(ctx, in)
			}), middleware.After)
		})
	}
}

// allows reports whether one of the statements lets op on the table for
// a partition key pk (a LeadingKeys condition's patterns, * a wildcard).
func allows(sts []map[string]any, op, pk string) bool {
	for _, st := range sts {
		if !slices.Contains(strs(st["Action"]), "dynamodb:"+op) || !coversTable(st["Resource"]) {
			continue
		}
		keys, ok := Get(st, "Condition", "ForAllValues:StringLike", "dynamodb:LeadingKeys")
		if !ok {
			return true
		}
		for _, pattern := range strs(keys) {
			if m, _ := path.Match(strings.ReplaceAll(pattern, "/", "?"), strings.ReplaceAll(pk, "/", "?")); m {
				return true
			}
		}
	}
	return false
}

// documents is a fediverse.Fetcher of fixed documents by URL.
type documents map[string]string

func (d documents) Fetch(_ context.Context, url string) ([]byte, error) {
	if b, ok := d[url]; ok {
		return []byte(b), nil
	}
	return nil, errors.New("404")
}

// coversTable reports whether a statement's Resource (one or a list)
// names the table itself, !GetAtt ArticlesTable.Arn, not only its indexes.
func coversTable(resource any) bool {
	l, ok := resource.([]any)
	if !ok {
		l = []any{resource}
	}
	for _, r := range l {
		m, ok := r.(map[string]any)
		if !ok {
			continue
		}
		if ga, ok := m["Fn::GetAtt"].([]any); ok && len(ga) == 2 && ga[0] == "ArticlesTable" && ga[1] == "Arn" {
			return true
		}
	}
	return false
}

// outboxFunc is an outbox that hands deliveries to a function.
type outboxFunc func(ctx context.Context, ds []fediverse.Delivery) error

func (f outboxFunc) Enqueue(ctx context.Context, ds []fediverse.Delivery) error { return f(ctx, ds) }

// failingPoster answers a 503 for hosts in down, 2xx for the others.
type failingPoster map[string]bool

func (p failingPoster) Post(_ context.Context, inbox string, _ []byte) error {
	if p[fediverse.InboxHost(inbox)] {
		return &fediverse.DeliveryError{Inbox: inbox, Status: 503}
	}
	return nil
}

// TestPoliciesCoverTheStoreCalls runs what the federate, deliver and
// fediverse functions do with the table (a story published, then
// unpublished; a delivery that fails, one that recovers a host, a dead
// host pruned; a peer's key fetched and kept, and every activity of
// internal/fediverse/testdata through the inbox: follows, likes, boosts,
// a reply and its Delete, a Move, an Undo, the Delete of an actor)
// against moto, records every DynamoDB request, and checks that the
// function's role allows each on its partition: moto enforces no IAM, so
// a missing permission shows only here before AWS refuses it.
func TestPoliciesCoverTheStoreCalls(t *testing.T) {
	tp := template(t)
	fns := tp.Resources("AWS::Serverless::Function")
	var (
		mu    sync.Mutex
		calls []storeCall
	)
	client := dynamotest.Client(t, recordCalls(&mu, &calls))
	table := dynamotest.Table(t, client)
	store := dynamo.New(client, table, dynamo.WithConsistentReads())
	svc := newsroom.NewService(store, newsroom.Options{SiteURL: siteURL})
	if _, err := seed.Ensure(t.Context(), svc, siteURL, dynamotest.Timeout); err != nil {
		t.Fatal(err)
	}
	if err := store.SaveFollower(t.Context(), fediverse.Follower{Actor: "https://m.example/users/a", Inbox: "https://m.example/users/a/inbox", SharedInbox: "https://m.example/inbox"}); err != nil {
		t.Fatal(err)
	}
	if err := store.SaveFollower(t.Context(), fediverse.Follower{Actor: "https://dead.example/users/b", Inbox: "https://dead.example/users/b/inbox"}); err != nil {
		t.Fatal(err)
	}
	var queued []fediverse.Delivery
	check := func(t *testing.T, id string, run func()) {
		t.Helper()
		mu.Lock()
		calls = nil
		mu.Unlock()
		run()
		mu.Lock()
		got := slices.Clone(calls)
		mu.Unlock()
		if len(got) == 0 {
			t.Fatal("no store calls recorded")
		}
		sts := statements(t, tp, id, fns[id])
		seen := map[storeCall]bool{}
		for _, c := range got {
			if seen[c] {
				continue
			}
			seen[c] = true
			if !allows(sts, c.op, c.pk) {
				t.Errorf("%s calls dynamodb:%s on partition %q, which its role does not allow", id, c.op, c.pk)
			}
		}
	}
	t.Run("FederateFunction", func(t *testing.T) {
		pub := &activitypub.Publication{BaseURL: baseURL, Handle: "news", Domain: "127.0.0.1:3000", SiteURL: siteURL}
		fed := &fediverse.Federator{Pub: pub, Store: store, Articles: store,
			Outbox: outboxFunc(func(_ context.Context, ds []fediverse.Delivery) error { queued = append(queued, ds...); return nil })}
		check(t, "FederateFunction", func() {
			for _, l := range []fediverse.Lifecycle{
				{ID: seed.IDNATO, IsLive: true, NewVersion: 1},                                // published
				{ID: seed.IDNATO, WasLive: true, IsLive: true, OldVersion: 1, NewVersion: 2},  // edited
				{ID: seed.IDNATO, WasLive: true, IsLive: false, OldVersion: 2, NewVersion: 3}, // unpublished
			} {
				if _, err := fed.Announce(t.Context(), l); err != nil {
					t.Fatalf("%+v: %v", l, err)
				}
			}
		})
	})
	t.Run("DeliverFunction", func(t *testing.T) {
		now := time.Now()
		if _, err := store.HostFailed(t.Context(), "dead.example", now.Add(-8*24*time.Hour)); err != nil {
			t.Fatal(err)
		}
		d := &fediverse.Deliverer{Post: failingPoster{"m.example": true, "dead.example": true}, Store: store, Policy: fediverse.DefaultPolicy}
		check(t, "DeliverFunction", func() {
			for _, del := range []fediverse.Delivery{
				{Inbox: "https://m.example/inbox", Activity: []byte("{}")},            // fails: recorded
				{Inbox: "https://dead.example/users/b/inbox", Activity: []byte("{}")}, // dead: probed, failing, pruned
			} {
				if _, err := d.Attempt(t.Context(), del, 1); err != nil {
					t.Fatal(err)
				}
			}
			d.Post = failingPoster{}
			if out, err := d.Attempt(t.Context(), fediverse.Delivery{Inbox: "https://m.example/inbox", Activity: []byte("{}")}, 2); err != nil || out.Result != fediverse.ResultSent {
				t.Fatalf("recovery: %+v, %v", out, err)
			}
		})
		fs, err := store.Followers(t.Context())
		if err != nil || len(fs) != 1 {
			t.Errorf("followers after pruning %+v, %v: want the live host's only", fs, err)
		}
	})
	t.Run("FediverseFunction", func(t *testing.T) {
		// The samples' objects are the stories of this publication.
		pub := &activitypub.Publication{BaseURL: "https://api.news.example.bg", Handle: "news", Domain: "news.example.bg", SiteURL: siteURL}
		pk, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		pem, err := httpsig.PublicKeyPEM(&pk.PublicKey)
		if err != nil {
			t.Fatal(err)
		}
		const peer = "https://mastodon.example/users/ana"
		docs := documents{
			peer: `{"id":"` + peer + `","type":"Person","inbox":"` + peer + `/inbox","endpoints":{"sharedInbox":"https://mastodon.example/inbox"},
"publicKey":{"id":"` + peer + `#main-key","owner":"` + peer + `","publicKeyPem":` + strconv.Quote(pem) + `}}`,
			"https://new.example/users/cy": `{"id":"https://new.example/users/cy","type":"Person","inbox":"https://new.example/users/cy/inbox",
"endpoints":{"sharedInbox":"https://new.example/inbox"},"alsoKnownAs":"https://misskey.example/users/9a1b2c3d4e",
"publicKey":{"id":"https://new.example/users/cy#main-key","owner":"https://new.example/users/cy","publicKeyPem":"k"}}`,
		}
		keys := &fediverse.KeyCache{Store: store, Fetch: docs}
		in := &fediverse.Inbox{Pub: pub, Store: store, Articles: store, Deliver: failingPoster{}, Fetch: docs}
		samples := []string{"mastodon-follow", "gotosocial-follow", "misskey-follow", "mastodon-like", "gotosocial-like", "misskey-like",
			"mastodon-announce", "misskey-announce", "mastodon-reply", "mastodon-undo-like", "mastodon-delete-reply", "misskey-move",
			"mastodon-undo-follow", "mastodon-delete-actor"}
		outcomes := map[string]int{}
		check(t, "FediverseFunction", func() {
			for _, refresh := range []bool{false, false, true} { // fetched and kept, read, refetched
				if _, err := keys.Resolve(t.Context(), peer+"#main-key", refresh); err != nil {
					t.Fatal(err)
				}
			}
			for _, name := range samples {
				b, err := os.ReadFile(filepath.Join("..", "..", "fediverse", "testdata", name+".json"))
				if err != nil {
					t.Fatal(err)
				}
				act, err := activitypub.Decode(b)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				actor := string(act.Actor)
				host := actor[:strings.Index(actor[len("https://"):], "/")+len("https://")]
				from := fediverse.RemoteKey{KeyID: actor + "#main-key", Owner: actor, Inbox: actor + "/inbox", SharedInbox: host + "/inbox"}
				out, err := in.Handle(t.Context(), from, act)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				outcomes[out]++
			}
		})
		// Every kind of write happened: a replay that ignored them all
		// would check nothing.
		for _, o := range []string{fediverse.OutcomeFollowed, fediverse.OutcomeCounted, fediverse.OutcomeReply, fediverse.OutcomeUncounted,
			fediverse.OutcomeUnreplied, fediverse.OutcomeMoved, fediverse.OutcomeUnfollowed} {
			if outcomes[o] == 0 {
				t.Errorf("no activity came out %s (outcomes %v)", o, outcomes)
			}
		}
	})
}
