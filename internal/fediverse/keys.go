package fediverse

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/newsdesk/syndicate/internal/activitypub"
	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/httpsig"
)

// KeyLifetime is how long a fetched key is trusted without fetching it
// again; a signature that fails with it refetches at once.
const KeyLifetime = 24 * time.Hour

// Fetcher GETs a peer's document (Client.Fetch).
type Fetcher interface {
	Fetch(ctx context.Context, url string) ([]byte, error)
}

// KeyCache resolves peers' keys for httpsig.Verifier: from the store
// while fresh, else from the peer's actor document, which it then keeps
// with the actor's inboxes.
type KeyCache struct {
	Store    Store
	Fetch    Fetcher
	Lifetime time.Duration
	Now      func() time.Time
	// CacheOnly never fetches: for a Delete of an actor, whose documents
	// are gone (the key is known only if it was cached before).
	CacheOnly bool
}

var _ httpsig.KeyResolver = (*KeyCache)(nil)

func (k *KeyCache) now() time.Time {
	if k.Now != nil {
		return k.Now()
	}
	return time.Now()
}

// PublicKey implements httpsig.KeyResolver.
func (k *KeyCache) PublicKey(ctx context.Context, keyID string, refresh bool) (crypto.PublicKey, string, error) {
	rk, err := k.Resolve(ctx, keyID, refresh)
	if err != nil {
		return nil, "", err
	}
	pub, err := httpsig.ParsePublicKey(rk.PEM)
	if err != nil {
		return nil, "", err
	}
	return pub, rk.Owner, nil
}

// Resolve returns keyID's cached key, fetching it when it is missing,
// older than the lifetime, or refresh is set.
func (k *KeyCache) Resolve(ctx context.Context, keyID string, refresh bool) (RemoteKey, error) {
	if !activitypub.AbsoluteURL(keyID) {
		return RemoteKey{}, fmt.Errorf("fediverse: keyId %q is not an absolute URL", keyID)
	}
	lifetime := k.Lifetime
	if lifetime <= 0 {
		lifetime = KeyLifetime
	}
	cached, err := k.Store.Key(ctx, keyID)
	switch {
	case err == nil && (k.CacheOnly || !refresh && k.now().Sub(cached.Fetched) < lifetime):
		return cached, nil
	case err != nil && !errors.Is(err, article.ErrNotFound):
		return RemoteKey{}, err
	case k.CacheOnly:
		return RemoteKey{}, fmt.Errorf("fediverse: key %s: %w", keyID, article.ErrNotFound)
	}
	if refresh && err == nil && k.now().Sub(cached.Fetched) < time.Minute {
		// Fetched a moment ago: another fetch would answer the same.
		return cached, nil
	}
	fresh, err := k.fetch(ctx, keyID)
	if err != nil {
		return RemoteKey{}, err
	}
	if err := k.Store.SaveKey(ctx, fresh); err != nil {
		return RemoteKey{}, err
	}
	return fresh, nil
}

// fetch reads the key's document: the actor itself (Mastodon's
// actor#main-key, or a Multikey of its assertionMethod such as Fedify's
// actor#multikey-2) or a key document whose owner is the actor (GoToSocial's
// actor/main-key answers a stub actor with the key).
func (k *KeyCache) fetch(ctx context.Context, keyID string) (RemoteKey, error) {
	docURL, _, _ := strings.Cut(keyID, "#")
	body, err := k.Fetch.Fetch(ctx, docURL)
	if err != nil {
		return RemoteKey{}, err
	}
	a, err := activitypub.DecodeActor(body)
	if err != nil {
		return RemoteKey{}, err
	}
	pemText, owner, err := keyOf(a, keyID)
	if err != nil {
		return RemoteKey{}, fmt.Errorf("fediverse: %s: %w", docURL, err)
	}
	if a.Inbox == "" && owner != a.ID {
		// A key document: the inboxes are on the owner's actor.
		ob, err := k.Fetch.Fetch(ctx, owner)
		if err != nil {
			return RemoteKey{}, err
		}
		oa, err := activitypub.DecodeActor(ob)
		if err != nil {
			return RemoteKey{}, err
		}
		if _, o, err := keyOf(oa, keyID); err != nil || oa.ID != owner || o != owner {
			return RemoteKey{}, fmt.Errorf("fediverse: actor %s does not own key %s", owner, keyID)
		}
		a = oa
	} else if owner != a.ID {
		return RemoteKey{}, fmt.Errorf("fediverse: key %s is owned by %s, not by %s", keyID, owner, a.ID)
	}
	if !sameHost(owner, keyID) {
		return RemoteKey{}, fmt.Errorf("fediverse: key %s and its owner %s are on different hosts", keyID, owner)
	}
	return RemoteKey{KeyID: keyID, Owner: owner, PEM: pemText, Inbox: a.Inbox,
		SharedInbox: a.Endpoints.SharedInbox, Fetched: k.now()}, nil
}

// keyOf finds keyID in a's document: its publicKey, or a Multikey of its
// assertionMethod; it answers the key as PEM and the owner (controller)
// it names, the document's actor when none.
func keyOf(a activitypub.RemoteActor, keyID string) (pemText, owner string, err error) {
	if a.PublicKey.ID == keyID {
		owner = a.PublicKey.Owner
		if owner == "" {
			owner = a.ID
		}
		return a.PublicKey.PublicKeyPem, owner, nil
	}
	for _, m := range a.AssertionMethod {
		if m.ID != keyID {
			continue
		}
		if m.Type != "Multikey" {
			return "", "", fmt.Errorf("key %s is a %q, not a Multikey", keyID, m.Type)
		}
		pemText, err := httpsig.MultikeyPEM(m.PublicKeyMultibase)
		if err != nil {
			return "", "", err
		}
		owner = m.Controller
		if owner == "" {
			owner = a.ID
		}
		return pemText, owner, nil
	}
	return "", "", fmt.Errorf("publishes key %q, not %q", a.PublicKey.ID, keyID)
}

// sameHost reports whether two URLs are on one host: a key is trusted
// only for actors of its own server.
func sameHost(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	return err1 == nil && err2 == nil && strings.EqualFold(ua.Host, ub.Host)
}
