package dynamo_test

import (
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/newsdesk/syndicate/internal/fediverse"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
)

func TestStreamLifecycle(t *testing.T) {
	s := events.NewStringAttribute
	n := events.NewNumberAttribute
	b := events.NewBooleanAttribute
	img := func(status string, version string, extra map[string]events.DynamoDBAttributeValue) map[string]events.DynamoDBAttributeValue {
		m := map[string]events.DynamoDBAttributeValue{"id": s("a1"), "status": s(status), "version": n(version), "title": s("x")}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	keys := map[string]events.DynamoDBAttributeValue{"pk": s("ARTICLE#a1"), "sk": s("ARTICLE")}
	tests := []struct {
		name     string
		old, cur map[string]events.DynamoDBAttributeValue
		keys     map[string]events.DynamoDBAttributeValue
		want     fediverse.Lifecycle
		ok       bool
	}{
		{"insert published", nil, img("published", "1", nil), keys,
			fediverse.Lifecycle{ID: "a1", IsLive: true, NewVersion: 1}, true},
		{"insert scheduled", nil, img("published", "1", map[string]events.DynamoDBAttributeValue{"pending": b(true)}), keys,
			fediverse.Lifecycle{ID: "a1", NewVersion: 1}, true},
		{"released", img("published", "1", map[string]events.DynamoDBAttributeValue{"pending": b(true)}), img("published", "1", nil), keys,
			fediverse.Lifecycle{ID: "a1", IsLive: true, OldVersion: 1, NewVersion: 1}, true},
		{"edited", img("published", "1", nil), img("published", "2", nil), keys,
			fediverse.Lifecycle{ID: "a1", WasLive: true, IsLive: true, OldVersion: 1, NewVersion: 2}, true},
		{"deleted", img("published", "2", nil), img("published", "3", map[string]events.DynamoDBAttributeValue{"deleted": b(true)}), keys,
			fediverse.Lifecycle{ID: "a1", WasLive: true, OldVersion: 2, NewVersion: 3}, true},
		{"unpublished", img("published", "2", nil), img("draft", "3", nil), keys,
			fediverse.Lifecycle{ID: "a1", WasLive: true, OldVersion: 2, NewVersion: 3}, true},
		{"removed item", img("published", "2", nil), nil, keys,
			fediverse.Lifecycle{ID: "a1", WasLive: true, OldVersion: 2}, true},
		{"a slug item", nil, img("published", "1", nil), map[string]events.DynamoDBAttributeValue{"pk": s("SLUG#x"), "sk": s("SLUG")},
			fediverse.Lifecycle{}, false},
		{"a follower", nil, map[string]events.DynamoDBAttributeValue{"inbox": s("https://m.example/inbox")},
			map[string]events.DynamoDBAttributeValue{"pk": s("FEDI#FOLLOWERS"), "sk": s("https://m.example/users/a")}, fediverse.Lifecycle{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok, err := dynamo.StreamLifecycle(&events.DynamoDBStreamRecord{Keys: tt.keys, OldImage: tt.old, NewImage: tt.cur})
			if err != nil || ok != tt.ok || got != tt.want {
				t.Errorf("StreamLifecycle = %+v, %v, %v; want %+v, %v", got, ok, err, tt.want, tt.ok)
			}
		})
	}
	if _, _, err := dynamo.StreamLifecycle(&events.DynamoDBStreamRecord{Keys: keys, NewImage: map[string]events.DynamoDBAttributeValue{"version": n("x")}}); err == nil {
		t.Error("a bad version decoded")
	}
}
