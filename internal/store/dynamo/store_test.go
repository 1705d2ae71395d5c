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
	storetest.Run(t, func(t *testing.T) storetest.Store { return open(t) })
}

func TestFediverseConformance(t *testing.T) {
	dynamotest.Client(t)
	storetest.RunFediverse(t, func(t *testing.T) fediverse.Store { return open(t, dynamo.WithConsistentReads()) })
}

func TestDailyShares(t *testing.T) {
	storetest.RunDailyShares(t, func(t *testing.T, now func() time.Time, loc *time.Location) storetest.DailyStore {
		return open(t, dynamo.WithClock(now), dynamo.WithLocation(loc))
	})
}
