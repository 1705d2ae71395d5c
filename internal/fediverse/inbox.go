package fediverse

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/newsdesk/syndicate/internal/activitypub"
	"github.com/newsdesk/syndicate/internal/article"
)

// ErrNotSigner means an activity's actor is not who signed it: relayed
// and forged activities are refused.
var ErrNotSigner = errors.New("fediverse: the activity's actor did not sign it")

// ArticleReader finds a story by ID.
type ArticleReader interface {
	Get(ctx context.Context, id string) (article.Article, error)
}

// Poster delivers an activity to an inbox (Client.Post).
type Poster interface {
	Post(ctx context.Context, inbox string, body []byte) error
}

// Outcomes of Handle, for logs and metrics.
const (
	OutcomeFollowed   = "followed"
	OutcomeUnfollowed = "unfollowed"
	OutcomeCounted    = "counted"
	OutcomeUncounted  = "uncounted"
	OutcomeReply      = "reply"
	OutcomeUnreplied  = "unreplied"
	OutcomeMoved      = "moved"
	OutcomeDuplicate  = "duplicate"
	OutcomeIgnored    = "ignored"
)

// Inbox applies the activities peers post to the newsroom's inboxes.
type Inbox struct {
	Pub      *activitypub.Publication
	Store    Store
	Articles ArticleReader
	// Deliver sends the Accept of a Follow.
	Deliver Poster
	// Fetch reads the new account of a Move.
	Fetch Fetcher
	// Now is the clock; interactions count only with stories live at
	// now (article.LiveAt).
	Now func() time.Time
}

func (in *Inbox) now() time.Time {
	if in.Now != nil {
		return in.Now()
	}
	return time.Now()
}

// Handle applies act, whose signature was made with from, a key of its
// actor's. The same activity id handled twice changes nothing the second
// time. Anything it does not act on is OutcomeIgnored, not an error.
func (in *Inbox) Handle(ctx context.Context, from RemoteKey, act activitypub.Incoming) (string, error) {
	if string(act.Actor) != from.Owner {
		return "", fmt.Errorf("%w: actor %s, key of %s", ErrNotSigner, act.Actor, from.Owner)
	}
	first, err := in.Store.MarkActivity(ctx, act.ID, in.now())
	if err != nil {
		return "", err
	}
	if !first {
		return OutcomeDuplicate, nil
	}
	outcome, err := in.apply(ctx, from, act)
	if err != nil {
		// Handled afresh when the peer delivers it again.
		if ferr := in.Store.ForgetActivity(context.WithoutCancel(ctx), act.ID); ferr != nil {
			err = errors.Join(err, ferr)
		}
		return "", err
	}
	return outcome, nil
}

func (in *Inbox) apply(ctx context.Context, from RemoteKey, act activitypub.Incoming) (string, error) {
	actor := string(act.Actor)
	switch act.Type {
	case "Follow":
		if act.ObjectRef() != in.Pub.ActorID() {
			return OutcomeIgnored, nil
		}
		return in.follow(ctx, from, act)
	case "Undo":
		return in.undo(ctx, actor, act)
	case "Like", "EmojiReact":
		return in.count(ctx, KindLike, actor, act)
	case "Announce":
		return in.count(ctx, KindAnnounce, actor, act)
	case "Create":
		return in.reply(ctx, actor, act)
	case "Delete":
		if act.ObjectRef() == actor {
			if err := in.Store.RemoveFollower(ctx, actor); err != nil {
				return "", err
			}
			return OutcomeUnfollowed, nil
		}
		return in.unreply(ctx, actor, act.ObjectRef())
	case "Move":
		return in.move(ctx, actor, act)
	}
	return OutcomeIgnored, nil
}

func (in *Inbox) follow(ctx context.Context, from RemoteKey, act activitypub.Incoming) (string, error) {
	if !activitypub.AbsoluteURL(from.Inbox) {
		return OutcomeIgnored, nil
	}
	f := Follower{Actor: from.Owner, FollowID: act.ID, Inbox: from.Inbox, SharedInbox: from.SharedInbox, Since: in.now()}
	if err := in.Store.SaveFollower(ctx, f); err != nil {
		return "", err
	}
	body, err := activitypub.Marshal(in.Pub.Accept(act.ID, from.Owner))
	if err != nil {
		return "", err
	}
	if err := in.Deliver.Post(ctx, from.Inbox, body); err != nil {
		// Not followed until accepted: the peer retries its Follow.
		if rerr := in.Store.RemoveFollower(context.WithoutCancel(ctx), from.Owner); rerr != nil {
			err = errors.Join(err, rerr)
		}
		return "", fmt.Errorf("fediverse: accept %s: %w", act.ID, errors.Join(article.ErrUnavailable, err))
	}
	return OutcomeFollowed, nil
}

func (in *Inbox) undo(ctx context.Context, actor string, act activitypub.Incoming) (string, error) {
	o, ok := act.Embedded()
	if !ok {
		return OutcomeIgnored, nil
	}
	if o.Actor != "" && string(o.Actor) != actor {
		return OutcomeIgnored, nil // Only one's own activities can be undone.
	}
	switch o.Type {
	case "Follow":
		if string(o.Object) != in.Pub.ActorID() {
			return OutcomeIgnored, nil
		}
		if err := in.Store.RemoveFollower(ctx, actor); err != nil {
			return "", err
		}
		return OutcomeUnfollowed, nil
	case "Like", "EmojiReact", "Announce":
		id, ok := in.Pub.ArticleIDOf(string(o.Object))
		if !ok {
			return OutcomeIgnored, nil
		}
		kind := KindLike
		if o.Type == "Announce" {
			kind = KindAnnounce
		}
		if err := in.Store.RemoveInteraction(ctx, id, kind, actor); err != nil {
			return "", err
		}
		return OutcomeUncounted, nil
	}
	return OutcomeIgnored, nil
}

// ours returns the ID of the live story object names, and false for
// anything else.
func (in *Inbox) ours(ctx context.Context, object string) (string, bool, error) {
	id, ok := in.Pub.ArticleIDOf(object)
	if !ok {
		return "", false, nil
	}
	a, err := in.Articles.Get(ctx, id)
	if errors.Is(err, article.ErrNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return id, a.LiveAt(in.now()), nil
}

func (in *Inbox) count(ctx context.Context, kind, actor string, act activitypub.Incoming) (string, error) {
	id, ok, err := in.ours(ctx, act.ObjectRef())
	if err != nil || !ok {
		return OutcomeIgnored, err
	}
	i := Interaction{ArticleID: id, Kind: kind, Key: actor, Actor: actor, ActivityID: act.ID, At: in.now()}
	if err := in.Store.SaveInteraction(ctx, i); err != nil {
		return "", err
	}
	return OutcomeCounted, nil
}

func (in *Inbox) reply(ctx context.Context, actor string, act activitypub.Incoming) (string, error) {
	o, ok := act.Embedded()
	if !ok || o.Type != "Note" || !activitypub.AbsoluteURL(o.ID) || string(o.AttributedTo) != actor {
		return OutcomeIgnored, nil
	}
	id, ok, err := in.ours(ctx, string(o.InReplyTo))
	if err != nil || !ok {
		return OutcomeIgnored, err
	}
	link := string(o.URL)
	if !activitypub.AbsoluteURL(link) {
		link = o.ID
	}
	i := Interaction{ArticleID: id, Kind: KindReply, Key: o.ID, Actor: actor, ActivityID: act.ID, At: in.now(),
		URL: link, Text: PlainText(o.Content)}
	if err := in.Store.SaveInteraction(ctx, i); err != nil {
		return "", err
	}
	return OutcomeReply, nil
}

// unreply removes the reply replyID when its author deletes it: the
// Delete names the reply only (a Tombstone), and ReplyStory leads to its
// story. A Delete by anyone but the reply's author changes nothing.
func (in *Inbox) unreply(ctx context.Context, actor, replyID string) (string, error) {
	if !activitypub.AbsoluteURL(replyID) {
		return OutcomeIgnored, nil
	}
	id, err := in.Store.ReplyStory(ctx, replyID)
	if errors.Is(err, article.ErrNotFound) {
		return OutcomeIgnored, nil
	}
	if err != nil {
		return "", err
	}
	is, err := in.Store.Interactions(ctx, id)
	if err != nil {
		return "", err
	}
	for _, i := range is {
		if i.Kind == KindReply && i.Key == replyID && i.Actor == actor {
			if err := in.Store.RemoveInteraction(ctx, id, KindReply, replyID); err != nil {
				return "", err
			}
			return OutcomeUnreplied, nil
		}
	}
	return OutcomeIgnored, nil
}

// move moves actor's follow to the account it moved to (target), once
// that account names actor among its aliases (alsoKnownAs).
func (in *Inbox) move(ctx context.Context, actor string, act activitypub.Incoming) (string, error) {
	target := string(act.Target)
	if act.ObjectRef() != actor || !activitypub.AbsoluteURL(target) || in.Fetch == nil {
		return OutcomeIgnored, nil
	}
	followers, err := in.Store.Followers(ctx)
	if err != nil {
		return "", err
	}
	var old *Follower
	for i := range followers {
		if followers[i].Actor == actor {
			old = &followers[i]
			break
		}
	}
	if old == nil {
		return OutcomeIgnored, nil
	}
	body, err := in.Fetch.Fetch(ctx, target)
	if err != nil {
		return "", fmt.Errorf("fediverse: move to %s: %w", target, errors.Join(article.ErrUnavailable, err))
	}
	na, err := activitypub.DecodeActor(body)
	if err != nil || na.ID != target || !activitypub.AbsoluteURL(na.Inbox) || !contains(na.AlsoKnownAs, actor) {
		return OutcomeIgnored, nil
	}
	moved := Follower{Actor: na.ID, FollowID: act.ID, Inbox: na.Inbox, SharedInbox: na.Endpoints.SharedInbox, Since: in.now()}
	if err := in.Store.SaveFollower(ctx, moved); err != nil {
		return "", err
	}
	if err := in.Store.RemoveFollower(ctx, actor); err != nil {
		return "", err
	}
	return OutcomeMoved, nil
}

func contains(l activitypub.Refs, s string) bool {
	for _, v := range l {
		if string(v) == s {
			return true
		}
	}
	return false
}
