package fediverse

import (
	"context"
	"time"
)

// Follower is a remote account following the newsroom.
type Follower struct {
	// Actor is the follower's actor id; FollowID the id of its Follow,
	// which an Undo names.
	Actor    string
	FollowID string
	// Inbox is the actor's own inbox; SharedInbox its server's, where
	// one delivery reaches every follower on that server ("" if none).
	Inbox       string
	SharedInbox string
	Since       time.Time
}

// DeliveryInbox is where a story for this follower is delivered: the
// shared inbox when the server has one.
func (f *Follower) DeliveryInbox() string {
	if f.SharedInbox != "" {
		return f.SharedInbox
	}
	return f.Inbox
}

// The kinds of interaction with a story. KindWithdrawn is the newsroom's
// own: the story was public and the followers were sent its Delete (it
// was unpublished); its At is when, and its id answers 410 with a
// Tombstone until it is public again. Tally counts it nowhere.
const (
	KindLike      = "like"
	KindAnnounce  = "announce"
	KindReply     = "reply"
	KindWithdrawn = "withdrawn"
)

// Interaction is one peer's like, boost or reply of one story. Key makes
// it unique within the story and kind: the actor for likes and boosts
// (one per account), the reply's id for replies.
type Interaction struct {
	ArticleID string
	Kind      string
	Key       string
	Actor     string
	// ActivityID is the Like, Announce or Create that made it, so its
	// Undo finds it.
	ActivityID string
	At         time.Time
	// Reply only: its page and text (plain, MaxReplyText at most).
	URL  string
	Text string
}

// Counts are a story's fediverse totals.
type Counts struct {
	Likes   int64 `json:"likes"`
	Boosts  int64 `json:"boosts"`
	Replies int64 `json:"replies"`
}

// RemoteKey is a peer's public key as fetched from its actor, kept with
// the actor's inboxes (a Follow needs them) and the fetch time (keys are
// refetched after a lifetime, and at once when one fails).
type RemoteKey struct {
	KeyID       string
	Owner       string
	PEM         string
	Inbox       string
	SharedInbox string
	Fetched     time.Time
}

// Store keeps the fediverse state. Every method is idempotent: saving a
// follower or an interaction twice leaves one; removing a missing one is
// not an error.
type Store interface {
	SaveFollower(ctx context.Context, f Follower) error
	RemoveFollower(ctx context.Context, actor string) error
	// Followers lists every follower, in no particular order.
	Followers(ctx context.Context) ([]Follower, error)

	SaveInteraction(ctx context.Context, i Interaction) error
	RemoveInteraction(ctx context.Context, articleID, kind, key string) error
	// Interactions lists a story's interactions, oldest first.
	Interactions(ctx context.Context, articleID string) ([]Interaction, error)
	// ReplyStory returns the story a kept reply answers, from the
	// reply's id (its KindReply interaction's Key): a Delete of the reply
	// names the reply only. It wraps article.ErrNotFound when no reply
	// of that id is kept.
	ReplyStory(ctx context.Context, replyID string) (articleID string, err error)

	// MarkActivity records that the activity with this id was handled;
	// first is false when it already was.
	MarkActivity(ctx context.Context, id string, at time.Time) (first bool, err error)
	// ForgetActivity undoes MarkActivity, when handling failed and a
	// redelivery should be handled afresh.
	ForgetActivity(ctx context.Context, id string) error

	SaveKey(ctx context.Context, k RemoteKey) error
	// Key returns a cached key, wrapping article.ErrNotFound when none is.
	Key(ctx context.Context, keyID string) (RemoteKey, error)

	// The health of peer hosts that deliveries fail to reach.
	HostStore
}

// Tally counts interactions by kind.
func Tally(is []Interaction) Counts {
	var c Counts
	for _, i := range is {
		switch i.Kind {
		case KindLike:
			c.Likes++
		case KindAnnounce:
			c.Boosts++
		case KindReply:
			c.Replies++
		}
	}
	return c
}

// StoryReader is what ReadStory reads (a Store).
type StoryReader interface {
	Followers(ctx context.Context) ([]Follower, error)
	Interactions(ctx context.Context, articleID string) ([]Interaction, error)
}

// Story is a story on the fediverse as the newsroom sees it: how many
// follow the newsroom, the story's totals and its newest replies, newest
// first.
type Story struct {
	Followers int
	Counts
	Replies []Interaction
}

// ReadStory reads articleID's Story, with at most maxReplies replies.
func ReadStory(ctx context.Context, st StoryReader, articleID string, maxReplies int) (Story, error) {
	fs, err := st.Followers(ctx)
	if err != nil {
		return Story{}, err
	}
	is, err := st.Interactions(ctx, articleID)
	if err != nil {
		return Story{}, err
	}
	s := Story{Followers: len(fs), Counts: Tally(is), Replies: []Interaction{}}
	for i := len(is) - 1; i >= 0 && len(s.Replies) < maxReplies; i-- {
		if is[i].Kind == KindReply {
			s.Replies = append(s.Replies, is[i])
		}
	}
	return s, nil
}
