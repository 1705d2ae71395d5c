package dynamo_test

import (
	"testing"

	"github.com/newsdesk/syndicate/internal/dynamotest"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
	"github.com/newsdesk/syndicate/internal/store/storetest"
)

func open(t testing.TB, opts ...dynamo.Option) *dynamo.Store {
	client := dynamotest.Client(t)
	return dynamo.New(client, dynamotest.Table(t, client), opts...)
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Store { return open(t) })
}
