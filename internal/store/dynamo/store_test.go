package dynamo_test

import (
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/fediverse"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
	"github.com/newsdesk/syndicate/internal/store/storetest"
	"github.com/newsdesk/syndicate/internal/testing/dynamotest"
)

func open(t testing.TB, opts ...dynamo.Option) *dynamo.Store {
	t.Helper()
	client := dynamotest.Client(t)
	return dynamo.New(client, dynamotest.Table(t, client), opts...)
}

func TestConformance(t *testing.T) {
	// Skip (or fail, in CI) once here rather than in every subtest. Each
	// subtest gets its own client: the test client sends one request at a
	// time, and separate tables need not wait for each other.
	dynamotest.Client(t)
	storetest.Run(t, func(t *testing.T) storetest.Store { return openCounting(t) })
}

func TestFediverseConformance(t *testing.T) {
	dynamotest.Client(t)
	storetest.RunFediverse(t, func(t *testing.T) fediverse.Store { return open(t, dynamo.WithConsistentReads()) })
}

func TestDailyShares(t *testing.T) {
	storetest.RunDailyShares(t, func(t *testing.T, now func() time.Time, loc *time.Location) storetest.DailyStore {
		return openCounting(t, dynamo.WithClock(now), dynamo.WithLocation(loc))
	})
}

// openCounting is open for the suites that count shares exactly: its
// client never retries UpdateItem (the share counter's ADD), so a write
// moto applied but whose answer was lost is not counted twice; the suite
// reads an error's outcome back instead.
func openCounting(t testing.TB, opts ...dynamo.Option) *dynamo.Store {
	t.Helper()
	client := dynamotest.Client(t, dynamotest.WithoutRetries("UpdateItem"))
	return dynamo.New(client, dynamotest.Table(t, client), opts...)
}
