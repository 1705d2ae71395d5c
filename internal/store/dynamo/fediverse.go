package dynamo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/fediverse"
)

// The fediverse items (fediverse.Store); none has the sort key ARTICLE,
// so the stream's consumers pass them by. FediPartitionPrefix starts every
// one of their partition keys: the fediverse function's IAM policy allows
// it no other.
const (
	FediPartitionPrefix = "FEDI#"
	// One partition of followers, sort key the actor id: a story's
	// delivery reads it whole, one Query page per 1 MB.
	pkFollowers = FediFollowersPartition
	// FEDI#STORY#<article ID>, sort key <kind>#<key>.
	prefixStory = FediStoryPrefix
	// FEDI#ACTIVITY#<sha-256 of the activity id>, sort key ACTIVITY,
	// kept ActivityMemory (attribute AttrExpires, the table's TTL).
	prefixActivity = FediPartitionPrefix + "ACTIVITY#"
	skActivity     = "ACTIVITY"
	// FEDI#KEY#<keyId>, sort key KEY.
	prefixKey = FediPartitionPrefix + "KEY#"
	skKey     = "KEY"
	// FEDI#REPLY#<sha-256 of a reply's id>, sort key REPLY: the story
	// the reply answers (ReplyStory).
	prefixReply = FediPartitionPrefix + "REPLY#"
	skReply     = "REPLY"
)

// replyItem leads from a reply's id to its story.
type replyItem struct {
	PK        string `dynamodbav:"pk"`
	SK        string `dynamodbav:"sk"`
	ReplyID   string `dynamodbav:"replyId"`
	ArticleID string `dynamodbav:"articleId"`
}

func replyPK(id string) string {
	sum := sha256.Sum256([]byte(id))
	return prefixReply + hex.EncodeToString(sum[:])
}

// AttrExpires is the table's time-to-live attribute (epoch seconds):
// DynamoDB deletes an item some time after it. template.yaml names it.
const AttrExpires = "expires"

// ActivityMemory is how long a handled activity's id is remembered:
// longer than any peer retries a delivery (Mastodon: about 4 days).
const ActivityMemory = 14 * 24 * time.Hour

var _ fediverse.Store = (*Store)(nil)

type followerItem struct {
	PK          string    `dynamodbav:"pk"`
	SK          string    `dynamodbav:"sk"`
	FollowID    string    `dynamodbav:"followId"`
	Inbox       string    `dynamodbav:"inbox"`
	SharedInbox string    `dynamodbav:"sharedInbox,omitempty"`
	Since       time.Time `dynamodbav:"since"`
}

type interactionItem struct {
	PK         string    `dynamodbav:"pk"`
	SK         string    `dynamodbav:"sk"`
	ArticleID  string    `dynamodbav:"articleId"`
	Kind       string    `dynamodbav:"kind"`
	Key        string    `dynamodbav:"key"`
	Actor      string    `dynamodbav:"actor"`
	ActivityID string    `dynamodbav:"activityId"`
	At         time.Time `dynamodbav:"at"`
	URL        string    `dynamodbav:"url,omitempty"`
	Text       string    `dynamodbav:"text,omitempty"`
}

type keyItem struct {
	PK          string    `dynamodbav:"pk"`
	SK          string    `dynamodbav:"sk"`
	KeyID       string    `dynamodbav:"keyId"`
	Owner       string    `dynamodbav:"owner"`
	PEM         string    `dynamodbav:"pem"`
	Inbox       string    `dynamodbav:"inbox,omitempty"`
	SharedInbox string    `dynamodbav:"sharedInbox,omitempty"`
	Fetched     time.Time `dynamodbav:"fetched"`
}

func (s *Store) put(ctx context.Context, op string, v any) error {
	item, err := attributevalue.MarshalMap(v)
	if err != nil {
		return err
	}
	out, err := s.client.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: s.table, Item: item, ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal,
	})
	if err != nil {
		return classify(err)
	}
	s.reportOne(op+":PutItem", out.ConsumedCapacity)
	return nil
}

func (s *Store) del(ctx context.Context, op, pk, sk string) error {
	out, err := s.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName: s.table, Key: key(pk, sk), ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal,
	})
	if err != nil {
		return classify(err)
	}
	s.reportOne(op+":DeleteItem", out.ConsumedCapacity)
	return nil
}

// queryAll reads every item of partition pk, page by page.
func (s *Store) queryAll(ctx context.Context, op, pk string) ([]map[string]types.AttributeValue, error) {
	in := &dynamodb.QueryInput{
		TableName:                 s.table,
		KeyConditionExpression:    aws.String("#pk = :pk"),
		ExpressionAttributeNames:  map[string]string{"#pk": AttrPK},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: pk}},
		ConsistentRead:            aws.Bool(s.consistent),
		ReturnConsumedCapacity:    types.ReturnConsumedCapacityTotal,
	}
	var items []map[string]types.AttributeValue
	p := dynamodb.NewQueryPaginator(s.client, in)
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, classify(err)
		}
		s.reportOne(op+":Query", out.ConsumedCapacity)
		items = append(items, out.Items...)
	}
	return items, nil
}

// SaveFollower adds f, or replaces the follow of the same actor.
func (s *Store) SaveFollower(ctx context.Context, f fediverse.Follower) error {
	it := followerItem{PK: pkFollowers, SK: f.Actor, FollowID: f.FollowID, Inbox: f.Inbox, SharedInbox: f.SharedInbox, Since: f.Since.UTC()}
	if err := s.put(ctx, "SaveFollower", it); err != nil {
		return fmt.Errorf("dynamo: save follower %s: %w", f.Actor, err)
	}
	return nil
}

// RemoveFollower removes actor's follow, if any.
func (s *Store) RemoveFollower(ctx context.Context, actor string) error {
	if err := s.del(ctx, "RemoveFollower", pkFollowers, actor); err != nil {
		return fmt.Errorf("dynamo: remove follower %s: %w", actor, err)
	}
	return nil
}

// Followers lists every follower.
func (s *Store) Followers(ctx context.Context) ([]fediverse.Follower, error) {
	items, err := s.queryAll(ctx, "Followers", pkFollowers)
	if err != nil {
		return nil, fmt.Errorf("dynamo: followers: %w", err)
	}
	out := make([]fediverse.Follower, 0, len(items))
	for _, av := range items {
		var it followerItem
		if err := attributevalue.UnmarshalMap(av, &it); err != nil {
			return nil, fmt.Errorf("dynamo: followers: %w", err)
		}
		out = append(out, fediverse.Follower{Actor: it.SK, FollowID: it.FollowID, Inbox: it.Inbox, SharedInbox: it.SharedInbox, Since: it.Since})
	}
	return out, nil
}

// SaveInteraction adds i, or replaces the one with its story, kind and key.
func (s *Store) SaveInteraction(ctx context.Context, i fediverse.Interaction) error {
	// A reply's way to its story is written first: left alone by a
	// failure after it, it leads to no reply, which ReplyStory's callers
	// take as none.
	if i.Kind == fediverse.KindReply {
		if err := s.put(ctx, "SaveInteraction", replyItem{PK: replyPK(i.Key), SK: skReply, ReplyID: i.Key, ArticleID: i.ArticleID}); err != nil {
			return fmt.Errorf("dynamo: save reply of %q: %w", i.ArticleID, err)
		}
	}
	it := interactionItem{PK: prefixStory + i.ArticleID, SK: i.Kind + "#" + i.Key, ArticleID: i.ArticleID, Kind: i.Kind,
		Key: i.Key, Actor: i.Actor, ActivityID: i.ActivityID, At: i.At.UTC(), URL: i.URL, Text: i.Text}
	if err := s.put(ctx, "SaveInteraction", it); err != nil {
		return fmt.Errorf("dynamo: save %s of %q: %w", i.Kind, i.ArticleID, err)
	}
	return nil
}

// RemoveInteraction removes one interaction, if it is there.
func (s *Store) RemoveInteraction(ctx context.Context, articleID, kind, k string) error {
	if err := s.del(ctx, "RemoveInteraction", prefixStory+articleID, kind+"#"+k); err != nil {
		return fmt.Errorf("dynamo: remove %s of %q: %w", kind, articleID, err)
	}
	if kind == fediverse.KindReply {
		if err := s.del(ctx, "RemoveInteraction", replyPK(k), skReply); err != nil {
			return fmt.Errorf("dynamo: remove reply of %q: %w", articleID, err)
		}
	}
	return nil
}

// ReplyStory returns the story the reply replyID answers.
func (s *Store) ReplyStory(ctx context.Context, replyID string) (string, error) {
	av, ok, err := s.getItem(ctx, "ReplyStory", replyPK(replyID), skReply, s.consistent)
	if err != nil {
		return "", fmt.Errorf("dynamo: story of reply %q: %w", replyID, err)
	}
	var it replyItem
	if ok {
		if err := attributevalue.UnmarshalMap(av, &it); err != nil {
			return "", fmt.Errorf("dynamo: story of reply %q: %w", replyID, err)
		}
	}
	if !ok || it.ReplyID != replyID || it.ArticleID == "" {
		return "", fmt.Errorf("dynamo: story of reply %q: %w", replyID, article.ErrNotFound)
	}
	return it.ArticleID, nil
}

// Interactions lists a story's interactions, oldest first.
func (s *Store) Interactions(ctx context.Context, articleID string) ([]fediverse.Interaction, error) {
	items, err := s.queryAll(ctx, "Interactions", prefixStory+articleID)
	if err != nil {
		return nil, fmt.Errorf("dynamo: interactions of %q: %w", articleID, err)
	}
	out := make([]fediverse.Interaction, 0, len(items))
	for _, av := range items {
		var it interactionItem
		if err := attributevalue.UnmarshalMap(av, &it); err != nil {
			return nil, fmt.Errorf("dynamo: interactions of %q: %w", articleID, err)
		}
		out = append(out, fediverse.Interaction{ArticleID: it.ArticleID, Kind: it.Kind, Key: it.Key, Actor: it.Actor,
			ActivityID: it.ActivityID, At: it.At, URL: it.URL, Text: it.Text})
	}
	slices.SortStableFunc(out, func(a, b fediverse.Interaction) int { return a.At.Compare(b.At) })
	return out, nil
}

func activityPK(id string) string {
	sum := sha256.Sum256([]byte(id))
	return prefixActivity + hex.EncodeToString(sum[:])
}

// MarkActivity records that activity id was handled at at: one
// conditional PutItem, refused when the id is already there.
func (s *Store) MarkActivity(ctx context.Context, id string, at time.Time) (bool, error) {
	item := key(activityPK(id), skActivity)
	item["at"] = &types.AttributeValueMemberS{Value: at.UTC().Format(time.RFC3339)}
	item[AttrExpires] = &types.AttributeValueMemberN{Value: strconv.FormatInt(at.Add(ActivityMemory).Unix(), 10)}
	out, err := s.client.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:                s.table,
		Item:                     item,
		ConditionExpression:      aws.String("attribute_not_exists(#pk)"),
		ExpressionAttributeNames: map[string]string{"#pk": AttrPK},
		ReturnConsumedCapacity:   types.ReturnConsumedCapacityTotal,
	})
	var failed *types.ConditionalCheckFailedException
	switch {
	case errors.As(err, &failed):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("dynamo: mark activity: %w", classify(err))
	}
	s.reportOne("MarkActivity:PutItem", out.ConsumedCapacity)
	return true, nil
}

// ForgetActivity removes the mark of activity id.
func (s *Store) ForgetActivity(ctx context.Context, id string) error {
	if err := s.del(ctx, "ForgetActivity", activityPK(id), skActivity); err != nil {
		return fmt.Errorf("dynamo: forget activity: %w", err)
	}
	return nil
}

// SaveKey caches k.
func (s *Store) SaveKey(ctx context.Context, k fediverse.RemoteKey) error {
	it := keyItem{PK: prefixKey + k.KeyID, SK: skKey, KeyID: k.KeyID, Owner: k.Owner, PEM: k.PEM, Inbox: k.Inbox,
		SharedInbox: k.SharedInbox, Fetched: k.Fetched.UTC()}
	if err := s.put(ctx, "SaveKey", it); err != nil {
		return fmt.Errorf("dynamo: save key %s: %w", k.KeyID, err)
	}
	return nil
}

// Key returns the cached key keyID.
func (s *Store) Key(ctx context.Context, keyID string) (fediverse.RemoteKey, error) {
	av, ok, err := s.getItem(ctx, "Key", prefixKey+keyID, skKey, s.consistent)
	if err != nil {
		return fediverse.RemoteKey{}, fmt.Errorf("dynamo: key %s: %w", keyID, err)
	}
	if !ok {
		return fediverse.RemoteKey{}, fmt.Errorf("dynamo: key %s: %w", keyID, article.ErrNotFound)
	}
	var it keyItem
	if err := attributevalue.UnmarshalMap(av, &it); err != nil {
		return fediverse.RemoteKey{}, fmt.Errorf("dynamo: key %s: %w", keyID, err)
	}
	return fediverse.RemoteKey{KeyID: it.KeyID, Owner: it.Owner, PEM: it.PEM, Inbox: it.Inbox, SharedInbox: it.SharedInbox, Fetched: it.Fetched}, nil
}

// FEDI#HOST#<host>, sort key HOST: a peer host's delivery record, kept
// HostMemory after its last failure (the table's TTL) and removed by a
// success.
const (
	prefixHost = FediHostPrefix
	skHost     = "HOST"
)

// FediFollowersPartition and FediHostPrefix are what the deliver
// function's IAM policy allows it: the followers (to prune a dead host's)
// and the hosts' records.
const (
	FediFollowersPartition = FediPartitionPrefix + "FOLLOWERS"
	FediHostPrefix         = FediPartitionPrefix + "HOST#"
)

// FediStoryPrefix starts a story's interactions' partition, where the
// federate function writes the story's withdrawn mark (its IAM policy
// allows it that and no other write).
const FediStoryPrefix = FediPartitionPrefix + "STORY#"

// HostMemory is how long a host's failures are remembered after the last
// one: longer than fediverse.DefaultPolicy.PruneAfter.
const HostMemory = 30 * 24 * time.Hour

type hostItem struct {
	FailingSince time.Time `dynamodbav:"failingSince"`
	LastFailure  time.Time `dynamodbav:"lastFailure"`
	Failures     int64     `dynamodbav:"failures"`
}

func (it hostItem) health(host string) fediverse.HostHealth {
	return fediverse.HostHealth{Host: host, FailingSince: it.FailingSince, LastFailure: it.LastFailure, Failures: it.Failures}
}

// Host returns host's delivery record; the zero one when none is kept.
func (s *Store) Host(ctx context.Context, host string) (fediverse.HostHealth, error) {
	av, ok, err := s.getItem(ctx, "Host", prefixHost+host, skHost, s.consistent)
	if err != nil {
		return fediverse.HostHealth{}, fmt.Errorf("dynamo: host %s: %w", host, err)
	}
	var it hostItem
	if ok {
		if err := attributevalue.UnmarshalMap(av, &it); err != nil {
			return fediverse.HostHealth{}, fmt.Errorf("dynamo: host %s: %w", host, err)
		}
	}
	return it.health(host), nil
}

// HostFailed records a failed delivery to host at at: one UpdateItem,
// which keeps the first failure's time and counts.
func (s *Store) HostFailed(ctx context.Context, host string, at time.Time) (fediverse.HostHealth, error) {
	when := &types.AttributeValueMemberS{Value: at.UTC().Format(time.RFC3339Nano)}
	out, err := s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                s.table,
		Key:                      key(prefixHost+host, skHost),
		UpdateExpression:         aws.String("SET failingSince = if_not_exists(failingSince, :at), lastFailure = :at, #exp = :exp ADD failures :one"),
		ExpressionAttributeNames: map[string]string{"#exp": AttrExpires},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":at":  when,
			":exp": &types.AttributeValueMemberN{Value: strconv.FormatInt(at.Add(HostMemory).Unix(), 10)},
			":one": &types.AttributeValueMemberN{Value: "1"},
		},
		ReturnValues:           types.ReturnValueAllNew,
		ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal,
	})
	if err != nil {
		return fediverse.HostHealth{}, fmt.Errorf("dynamo: host %s failed: %w", host, classify(err))
	}
	s.reportOne("HostFailed:UpdateItem", out.ConsumedCapacity)
	var it hostItem
	if err := attributevalue.UnmarshalMap(out.Attributes, &it); err != nil {
		return fediverse.HostHealth{}, fmt.Errorf("dynamo: host %s failed: %w", host, err)
	}
	return it.health(host), nil
}

// HostRecovered removes host's record.
func (s *Store) HostRecovered(ctx context.Context, host string) error {
	if err := s.del(ctx, "HostRecovered", prefixHost+host, skHost); err != nil {
		return fmt.Errorf("dynamo: host %s recovered: %w", host, err)
	}
	return nil
}
