package bolt

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/fediverse"
)

// The fediverse buckets (fediverse.Store).
var (
	// actor id → JSON follower.
	bucketFollowers = []byte("fedi-followers")
	// article ID, 0x00, kind, 0x00, key → JSON interaction.
	bucketInteractions = []byte("fedi-interactions")
	// activity id → RFC 3339 time it was handled.
	bucketActivities = []byte("fedi-activities")
	// keyId → JSON remote key.
	bucketKeys = []byte("fedi-keys")
	// reply id → article ID (fediverse.Store.ReplyStory).
	bucketReplies = []byte("fedi-replies")
	// peer host → JSON delivery record (fediverse.HostStore).
	bucketHosts = []byte("fedi-hosts")
)

var fediBuckets = [][]byte{bucketFollowers, bucketInteractions, bucketActivities, bucketKeys, bucketReplies, bucketHosts}

var _ fediverse.Store = (*Store)(nil)

type followerRecord struct {
	Actor       string    `json:"actor"`
	FollowID    string    `json:"followId"`
	Inbox       string    `json:"inbox"`
	SharedInbox string    `json:"sharedInbox,omitempty"`
	Since       time.Time `json:"since"`
}

type interactionRecord struct {
	ArticleID  string    `json:"articleId"`
	Kind       string    `json:"kind"`
	Key        string    `json:"key"`
	Actor      string    `json:"actor"`
	ActivityID string    `json:"activityId"`
	At         time.Time `json:"at"`
	URL        string    `json:"url,omitempty"`
	Text       string    `json:"text,omitempty"`
}

type keyRecord struct {
	KeyID       string    `json:"keyId"`
	Owner       string    `json:"owner"`
	PEM         string    `json:"pem"`
	Inbox       string    `json:"inbox,omitempty"`
	SharedInbox string    `json:"sharedInbox,omitempty"`
	Fetched     time.Time `json:"fetched"`
}

func (s *Store) fediPut(ctx context.Context, what string, bucket, key []byte, v any) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("bolt: %s: %w", what, err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("bolt: %s: %w", what, err)
	}
	if err := s.db.Update(func(tx *bbolt.Tx) error { return tx.Bucket(bucket).Put(key, b) }); err != nil {
		return fmt.Errorf("bolt: %s: %w", what, err)
	}
	return nil
}

func (s *Store) fediDelete(ctx context.Context, what string, bucket, key []byte) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("bolt: %s: %w", what, err)
	}
	if err := s.db.Update(func(tx *bbolt.Tx) error { return tx.Bucket(bucket).Delete(key) }); err != nil {
		return fmt.Errorf("bolt: %s: %w", what, err)
	}
	return nil
}

// SaveFollower adds f, or replaces the follow of the same actor.
func (s *Store) SaveFollower(ctx context.Context, f fediverse.Follower) error {
	return s.fediPut(ctx, "save follower "+f.Actor, bucketFollowers, []byte(f.Actor), followerRecord(f))
}

// RemoveFollower removes actor's follow, if any.
func (s *Store) RemoveFollower(ctx context.Context, actor string) error {
	return s.fediDelete(ctx, "remove follower "+actor, bucketFollowers, []byte(actor))
}

// Followers lists every follower.
func (s *Store) Followers(ctx context.Context) ([]fediverse.Follower, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("bolt: followers: %w", err)
	}
	var out []fediverse.Follower
	err := s.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketFollowers).ForEach(func(_, v []byte) error {
			var r followerRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return err
			}
			out = append(out, fediverse.Follower(r))
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: followers: %w", err)
	}
	return out, nil
}

func interactionKey(articleID, kind, key string) []byte {
	return []byte(articleID + "\x00" + kind + "\x00" + key)
}

// SaveInteraction adds i, or replaces the one with its story, kind and
// key; a reply's id leads to its story too (ReplyStory), in the same
// transaction.
func (s *Store) SaveInteraction(ctx context.Context, i fediverse.Interaction) error {
	what := "save " + i.Kind + " of " + i.ArticleID
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("bolt: %s: %w", what, err)
	}
	b, err := json.Marshal(interactionRecord(i))
	if err != nil {
		return fmt.Errorf("bolt: %s: %w", what, err)
	}
	err = s.db.Update(func(tx *bbolt.Tx) error {
		if i.Kind == fediverse.KindReply {
			if err := tx.Bucket(bucketReplies).Put([]byte(i.Key), []byte(i.ArticleID)); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketInteractions).Put(interactionKey(i.ArticleID, i.Kind, i.Key), b)
	})
	if err != nil {
		return fmt.Errorf("bolt: %s: %w", what, err)
	}
	return nil
}

// RemoveInteraction removes one interaction, if it is there, and a
// reply's way to its story.
func (s *Store) RemoveInteraction(ctx context.Context, articleID, kind, key string) error {
	what := "remove " + kind + " of " + articleID
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("bolt: %s: %w", what, err)
	}
	err := s.db.Update(func(tx *bbolt.Tx) error {
		if kind == fediverse.KindReply {
			if r := tx.Bucket(bucketReplies); string(r.Get([]byte(key))) == articleID {
				if err := r.Delete([]byte(key)); err != nil {
					return err
				}
			}
		}
		return tx.Bucket(bucketInteractions).Delete(interactionKey(articleID, kind, key))
	})
	if err != nil {
		return fmt.Errorf("bolt: %s: %w", what, err)
	}
	return nil
}

// ReplyStory returns the story the reply replyID answers.
func (s *Store) ReplyStory(ctx context.Context, replyID string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("bolt: story of reply %q: %w", replyID, err)
	}
	var id string
	err := s.db.View(func(tx *bbolt.Tx) error {
		id = string(tx.Bucket(bucketReplies).Get([]byte(replyID)))
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("bolt: story of reply %q: %w", replyID, err)
	}
	if id == "" {
		return "", fmt.Errorf("bolt: story of reply %q: %w", replyID, article.ErrNotFound)
	}
	return id, nil
}

// Interactions lists a story's interactions, oldest first.
func (s *Store) Interactions(ctx context.Context, articleID string) ([]fediverse.Interaction, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("bolt: interactions of %q: %w", articleID, err)
	}
	prefix := []byte(articleID + "\x00")
	var out []fediverse.Interaction
	err := s.db.View(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketInteractions).Cursor()
		for k, v := c.Seek(prefix); k != nil && len(k) >= len(prefix) && string(k[:len(prefix)]) == string(prefix); k, v = c.Next() {
			var r interactionRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return err
			}
			out = append(out, fediverse.Interaction(r))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: interactions of %q: %w", articleID, err)
	}
	slices.SortStableFunc(out, func(a, b fediverse.Interaction) int { return a.At.Compare(b.At) })
	return out, nil
}

// MarkActivity records that activity id was handled at at.
func (s *Store) MarkActivity(ctx context.Context, id string, at time.Time) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("bolt: mark activity: %w", err)
	}
	first := false
	err := s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketActivities)
		if b.Get([]byte(id)) != nil {
			return nil
		}
		first = true
		return b.Put([]byte(id), []byte(at.UTC().Format(time.RFC3339)))
	})
	if err != nil {
		return false, fmt.Errorf("bolt: mark activity: %w", err)
	}
	return first, nil
}

// ForgetActivity removes the mark of activity id.
func (s *Store) ForgetActivity(ctx context.Context, id string) error {
	return s.fediDelete(ctx, "forget activity", bucketActivities, []byte(id))
}

// SaveKey caches k.
func (s *Store) SaveKey(ctx context.Context, k fediverse.RemoteKey) error {
	return s.fediPut(ctx, "save key "+k.KeyID, bucketKeys, []byte(k.KeyID), keyRecord(k))
}

// Key returns the cached key keyID.
func (s *Store) Key(ctx context.Context, keyID string) (fediverse.RemoteKey, error) {
	if err := ctx.Err(); err != nil {
		return fediverse.RemoteKey{}, fmt.Errorf("bolt: key %s: %w", keyID, err)
	}
	var r keyRecord
	found := false
	err := s.db.View(func(tx *bbolt.Tx) error {
		v := tx.Bucket(bucketKeys).Get([]byte(keyID))
		if v == nil {
			return nil
		}
		found = true
		return json.Unmarshal(v, &r)
	})
	if err != nil {
		return fediverse.RemoteKey{}, fmt.Errorf("bolt: key %s: %w", keyID, err)
	}
	if !found {
		return fediverse.RemoteKey{}, fmt.Errorf("bolt: key %s: %w", keyID, article.ErrNotFound)
	}
	return fediverse.RemoteKey(r), nil
}

type hostRecord struct {
	FailingSince time.Time `json:"failingSince"`
	LastFailure  time.Time `json:"lastFailure"`
	Failures     int64     `json:"failures"`
}

// Host returns host's delivery record; the zero one when none is kept.
func (s *Store) Host(ctx context.Context, host string) (fediverse.HostHealth, error) {
	if err := ctx.Err(); err != nil {
		return fediverse.HostHealth{}, fmt.Errorf("bolt: host %s: %w", host, err)
	}
	h := fediverse.HostHealth{Host: host}
	err := s.db.View(func(tx *bbolt.Tx) error {
		v := tx.Bucket(bucketHosts).Get([]byte(host))
		if v == nil {
			return nil
		}
		var r hostRecord
		if err := json.Unmarshal(v, &r); err != nil {
			return err
		}
		h.FailingSince, h.LastFailure, h.Failures = r.FailingSince, r.LastFailure, r.Failures
		return nil
	})
	if err != nil {
		return fediverse.HostHealth{}, fmt.Errorf("bolt: host %s: %w", host, err)
	}
	return h, nil
}

// HostFailed records a failed delivery to host at at, in one transaction.
func (s *Store) HostFailed(ctx context.Context, host string, at time.Time) (fediverse.HostHealth, error) {
	if err := ctx.Err(); err != nil {
		return fediverse.HostHealth{}, fmt.Errorf("bolt: host %s failed: %w", host, err)
	}
	var r hostRecord
	err := s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketHosts)
		if v := b.Get([]byte(host)); v != nil {
			if err := json.Unmarshal(v, &r); err != nil {
				return err
			}
		}
		if r.FailingSince.IsZero() {
			r.FailingSince = at.UTC()
		}
		r.LastFailure = at.UTC()
		r.Failures++
		v, err := json.Marshal(r)
		if err != nil {
			return err
		}
		return b.Put([]byte(host), v)
	})
	if err != nil {
		return fediverse.HostHealth{}, fmt.Errorf("bolt: host %s failed: %w", host, err)
	}
	return fediverse.HostHealth{Host: host, FailingSince: r.FailingSince, LastFailure: r.LastFailure, Failures: r.Failures}, nil
}

// HostRecovered removes host's record.
func (s *Store) HostRecovered(ctx context.Context, host string) error {
	return s.fediDelete(ctx, "host "+host+" recovered", bucketHosts, []byte(host))
}
