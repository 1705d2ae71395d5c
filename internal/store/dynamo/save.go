package dynamo

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/store/internal/rules"
)

// maxTransactItems is DynamoDB's limit on one TransactWriteItems.
const maxTransactItems = 100

// Positions of the conditional writes in a Save transaction, which is how
// cancellation reasons are told apart.
const (
	posArticle = 0
	posSlug    = 1
	posOldSlug = 2 // present only when the slug changes: its alias item
)

// conflictRetries bounds the retries of a transaction that collided with
// another on some item (typically the site head). The delay doubles from
// conflictBaseDelay up to conflictMaxDelay, with full jitter, so a Save
// gives up within about a second rather than hold a Lambda.
const (
	conflictRetries   = 8
	conflictBaseDelay = 10 * time.Millisecond
	conflictMaxDelay  = 250 * time.Millisecond
)

// Save writes a if the stored version is still prev (0: a must be new), with
// its slug item, feed entries and feed heads, in one transaction. See
// docs/dynamodb.md for the items it writes.
func (s *Store) Save(ctx context.Context, a article.Article, prev int64) error {
	if err := rules.CheckSave(&a, prev); err != nil {
		return fmt.Errorf("dynamo: save %q: %w", a.ID, err)
	}
	// The pre-read must be strongly consistent: a stale one would pass the
	// early version check and then delete feed entries the article no
	// longer has and miss ones it does. The transaction's version
	// condition catches any write since.
	old, exists, err := s.getArticle(ctx, "Save", a.ID, true)
	if err != nil {
		return fmt.Errorf("dynamo: save %q: %w", a.ID, err)
	}
	switch {
	case prev == 0 && exists:
		return fmt.Errorf("dynamo: save %q: exists at version %d: %w", a.ID, old.Version, article.ErrVersionMismatch)
	case prev != 0 && !exists:
		return fmt.Errorf("dynamo: save %q: does not exist, expected version %d: %w", a.ID, prev, article.ErrVersionMismatch)
	case prev != 0 && old.Version != prev:
		return fmt.Errorf("dynamo: save %q: stored version is %d, not %d: %w", a.ID, old.Version, prev, article.ErrVersionMismatch)
	}
	var oldPtr *article.Article
	if exists {
		oldPtr = &old
	}
	items, err := s.saveItems(&a, oldPtr, prev)
	if err != nil {
		return fmt.Errorf("dynamo: save %q: %w", a.ID, err)
	}
	if err := s.transact(ctx, items); err != nil {
		var taken *article.SlugTakenError
		if errors.As(err, &taken) {
			taken.Slug = a.Slug
			if taken.Owner == "" {
				taken.Owner = s.slugOwner(ctx, a.Slug)
			}
		}
		return fmt.Errorf("dynamo: save %q: %w", a.ID, err)
	}
	return nil
}

// slugOwner reads the ID a slug item names, for the error of a save that
// found the slug taken; "" when it cannot be read. A slug is reserved for
// good once taken, so the answer cannot have changed since the save.
func (s *Store) slugOwner(ctx context.Context, slug string) string {
	av, ok, err := s.getItem(ctx, "Save", slugPK(slug), skSlug, true)
	if err != nil || !ok {
		return ""
	}
	var it struct {
		ID string `dynamodbav:"id"`
	}
	if attributevalue.UnmarshalMap(av, &it) != nil {
		return ""
	}
	return it.ID
}

// saveItems builds the transaction that moves the stored state from old
// (nil for a new article) to a. It sets a.PreviousSlugs from old.
func (s *Store) saveItems(a, old *article.Article, prev int64) ([]types.TransactWriteItem, error) {
	a.PreviousSlugs = nil
	if old != nil {
		a.PreviousSlugs = article.SlugHistory(old.PreviousSlugs, old.Slug, a.Slug)
	}
	if err := rules.CheckHistory(a); err != nil {
		return nil, err
	}
	now := a.UpdatedAt
	if now.IsZero() {
		now = time.Now()
	}
	it := toItem(a)
	if !a.Deleted {
		it.GSI1PK, it.GSI1SK = AdminPartition, rules.ArticleKey(a)
	}
	// A scheduled article is pending until Release: its canonical item
	// joins the schedule on the feed index. Its feeds' heads are not
	// written (rules.HeadChanges): Release bumps them.
	pending := a.ScheduledAt(now)
	if pending {
		it.Pending, it.Feed, it.FeedSort = true, SchedulePartition, rules.ArticleKey(a)
	}
	canonical, err := attributevalue.MarshalMap(it)
	if err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}

	cond := expression.AttributeNotExists(expression.Name(AttrPK))
	if prev != 0 {
		cond = expression.Name(attrVersion).Equal(expression.Value(prev))
	}
	put, err := conditionalPut(s.table, canonical, cond)
	if err != nil {
		return nil, err
	}
	items := []types.TransactWriteItem{put}

	// The slug item is the lock on the slug and a whole copy of the
	// canonical item (a tombstone included), so GetBySlug is one GetItem.
	// It stays out of the admin index: no gsi1 keys. It may replace an
	// alias item of this article's (taking back an old slug), never
	// another article's item; a refusal returns the holder's item, whose
	// ID the conflict error names.
	slugFree := expression.AttributeNotExists(expression.Name(AttrPK)).
		Or(expression.Name(attrID).Equal(expression.Value(a.ID)))
	put, err = conditionalPut(s.table, slugItem(canonical, a.Slug), slugFree)
	if err != nil {
		return nil, err
	}
	put.Put.ReturnValuesOnConditionCheckFailure = types.ReturnValuesOnConditionCheckFailureAllOld
	items = append(items, put)

	if old != nil && old.Slug != a.Slug {
		// The slug the article leaves stays reserved for it: its item
		// becomes an alias, the ID alone, which GetBySlug follows to the
		// canonical item. Aliases of older slugs were written by the
		// renames that made them and are not touched again, so a rename
		// costs the same number of writes however long the history. The
		// old slug item is ours by construction (the transaction that
		// wrote old wrote it); the condition keeps a hand-edited table
		// from taking another article's slug.
		ours := expression.Name(attrID).Equal(expression.Value(a.ID))
		put, err = conditionalPut(s.table, aliasItem(old.Slug, a.ID), ours)
		if err != nil {
			return nil, err
		}
		items = append(items, put)
	}

	newFeeds := rules.FeedIDs(a)
	oldFeeds := map[string]article.FeedKey{}
	if old != nil {
		oldFeeds = rules.FeedIDs(old)
	}
	sortKey := rules.ArticleKey(a)
	for _, feed := range slices.Sorted(maps.Keys(newFeeds)) {
		entry := maps.Clone(canonical)
		delete(entry, AttrGSI1PK)
		delete(entry, AttrGSI1SK)
		delete(entry, attrPreviousSlugs)
		delete(entry, attrPending)
		entry[AttrSK] = &types.AttributeValueMemberS{Value: feedSK(feed)}
		entry[AttrFeed] = &types.AttributeValueMemberS{Value: feed}
		entry[AttrFeedSort] = &types.AttributeValueMemberS{Value: sortKey}
		items = append(items, types.TransactWriteItem{Put: &types.Put{TableName: s.table, Item: entry}})
	}
	for _, feed := range slices.Sorted(maps.Keys(oldFeeds)) {
		if _, stays := newFeeds[feed]; !stays {
			items = append(items, types.TransactWriteItem{Delete: &types.Delete{
				TableName: s.table, Key: key(articlePK(a.ID), feedSK(feed)),
			}})
		}
	}

	heads := maps.Clone(newFeeds)
	for feed := range oldFeeds {
		if _, ok := heads[feed]; !ok {
			// Leaving a feed does not rename it.
			heads[feed] = article.FeedKey{}
		}
	}
	for _, feed := range slices.Sorted(maps.Keys(heads)) {
		// Only a feed whose public list changes now gets a new head: a
		// scheduled article's feeds wait for Release.
		if !rules.HeadChanges(feed, old, a, now) {
			continue
		}
		up, err := headUpdate(s.table, feed, heads[feed].Name, now, a.ID)
		if err != nil {
			return nil, err
		}
		items = append(items, up)
	}

	if len(items) > maxTransactItems {
		// Package article's limits keep this from happening; if they
		// grow, this says why the write is refused.
		return nil, fmt.Errorf("save needs %d writes, more than the %d of one DynamoDB transaction (%d feeds before, %d after)",
			len(items), maxTransactItems, len(oldFeeds), len(newFeeds))
	}
	return items, nil
}

// slugItem returns the slug item of slug: a copy of the canonical item
// under the slug's key, without the admin index keys.
func slugItem(canonical map[string]types.AttributeValue, slug string) map[string]types.AttributeValue {
	av := maps.Clone(canonical)
	delete(av, AttrGSI1PK)
	delete(av, AttrGSI1SK)
	delete(av, AttrFeed)
	delete(av, AttrFeedSort)
	delete(av, attrPending)
	av[AttrPK] = &types.AttributeValueMemberS{Value: slugPK(slug)}
	av[AttrSK] = &types.AttributeValueMemberS{Value: skSlug}
	return av
}

// aliasItem returns the item that keeps a previous slug reserved for the
// article id and leads GetBySlug to it: the key and the ID, nothing else.
func aliasItem(slug, id string) map[string]types.AttributeValue {
	av := key(slugPK(slug), skSlug)
	av[attrID] = &types.AttributeValueMemberS{Value: id}
	return av
}

func conditionalPut(table *string, av map[string]types.AttributeValue, cond expression.ConditionBuilder) (types.TransactWriteItem, error) {
	expr, err := expression.NewBuilder().WithCondition(cond).Build()
	if err != nil {
		return types.TransactWriteItem{}, fmt.Errorf("build condition: %w", err)
	}
	return types.TransactWriteItem{Put: &types.Put{
		TableName:                 table,
		Item:                      av,
		ConditionExpression:       expr.Condition(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
	}}, nil
}

// headUpdate adds one to a feed's revision and stamps it. name, when not
// empty, replaces the display name: the latest article to join names the
// feed. It removes the head's legacy pending attribute of the article id
// (prefixHeadScheduled), if any.
func headUpdate(table *string, feed, name string, now time.Time, id string) (types.TransactWriteItem, error) {
	up := expression.Add(expression.Name(attrRev), expression.Value(1)).
		Set(expression.Name(attrUpdatedAt), expression.Value(formatTime(now))).
		Remove(expression.Name(prefixHeadScheduled + id))
	if name != "" {
		up = up.Set(expression.Name(attrName), expression.Value(name))
	}
	expr, err := expression.NewBuilder().WithUpdate(up).Build()
	if err != nil {
		return types.TransactWriteItem{}, fmt.Errorf("build head update: %w", err)
	}
	return types.TransactWriteItem{Update: &types.Update{
		TableName:                 table,
		Key:                       key(headPK(feed), skHead),
		UpdateExpression:          expr.Update(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
	}}, nil
}

// transact runs one Save transaction, retrying it while it only collides
// with other transactions, and maps cancellation reasons to the article
// errors.
func (s *Store) transact(ctx context.Context, items []types.TransactWriteItem) error {
	return s.transactOp(ctx, "Save", items)
}

// transactOp is transact reporting capacity as op's.
func (s *Store) transactOp(ctx context.Context, op string, items []types.TransactWriteItem) error {
	in := &dynamodb.TransactWriteItemsInput{
		TransactItems:          items,
		ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal,
	}
	for attempt := 0; ; attempt++ {
		out, err := s.client.TransactWriteItems(ctx, in)
		if err == nil {
			s.report(op+":TransactWriteItems", out.ConsumedCapacity...)
			return nil
		}
		var canceled *types.TransactionCanceledException
		if !errors.As(err, &canceled) {
			return classify(err)
		}
		err = cancellation(canceled)
		if !errors.Is(err, errCollided) {
			return err
		}
		if attempt == conflictRetries {
			return fmt.Errorf("%w after %d attempts: %w", article.ErrUnavailable, attempt+1, err)
		}
		// A fresh token: the same one would replay the cancelled outcome.
		in.ClientRequestToken = nil
		delay := min(conflictBaseDelay<<attempt, conflictMaxDelay)
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (waiting to retry: %w)", err, ctx.Err())
		case <-time.After(rand.N(delay) + time.Millisecond):
		}
	}
}

// errCollided marks a transaction cancelled only because another one was
// writing the same item at the same time; running it again may succeed.
var errCollided = errors.New("transaction collided with another")

// cancellation maps the reasons of a cancelled Save transaction to an error:
// a failed version condition is ErrVersionMismatch (checked first: a create
// over an existing article may also find the slug taken, by itself), a
// failed slug condition ErrConflict.
func cancellation(e *types.TransactionCanceledException) error {
	code := func(i int) string {
		if i < len(e.CancellationReasons) {
			return aws.ToString(e.CancellationReasons[i].Code)
		}
		return ""
	}
	switch {
	case code(posArticle) == "ConditionalCheckFailed":
		return fmt.Errorf("version condition failed: %w", article.ErrVersionMismatch)
	case code(posSlug) == "ConditionalCheckFailed":
		// Save fills in the slug, and the owner when the item is missing.
		taken := &article.SlugTakenError{}
		if posSlug < len(e.CancellationReasons) {
			if id, ok := e.CancellationReasons[posSlug].Item[attrID].(*types.AttributeValueMemberS); ok {
				taken.Owner = id.Value
			}
		}
		return fmt.Errorf("slug belongs to another article: %w", taken)
	case code(posOldSlug) == "ConditionalCheckFailed":
		return fmt.Errorf("old slug item is held by another article; the table needs repair: %w", e)
	}
	collided := false
	for _, r := range e.CancellationReasons {
		switch c := aws.ToString(r.Code); c {
		case "", "None":
		case "TransactionConflict":
			collided = true
		case "ThrottlingError", "ProvisionedThroughputExceeded":
			return fmt.Errorf("%w: %w", article.ErrUnavailable, e)
		default:
			return fmt.Errorf("transaction cancelled (%s: %s): %w", c, aws.ToString(r.Message), e)
		}
	}
	if collided {
		return fmt.Errorf("%w: %w", errCollided, e)
	}
	return fmt.Errorf("transaction cancelled: %w", e)
}
