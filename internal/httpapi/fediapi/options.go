package fediapi

import (
	"crypto/rsa"
	"log/slog"
	"time"

	"github.com/newsdesk/syndicate/internal/config"
	"github.com/newsdesk/syndicate/internal/fediverse"
	"github.com/newsdesk/syndicate/internal/httpsig"
)

// UserAgent names this service to peers.
const UserAgent = "syndicate (+fediverse; newsroom)"

// PeerTimeout bounds one request to a peer; PeerConnsPerHost the
// connections open to one peer host at once.
const (
	PeerTimeout      = 10 * time.Second
	PeerConnsPerHost = 4
)

// NewOptions wires the routes from cfg, as the fediverse function and the
// local server both do: the publication signed with key, a client that
// signs every request to peers, the key cache and the inbox on store.
func NewOptions(cfg config.Config, key *rsa.PrivateKey, articles Articles, store fediverse.Store) (Options, error) {
	pemText, err := httpsig.PublicKeyPEM(&key.PublicKey)
	if err != nil {
		return Options{}, err
	}
	pub := fediverse.PublicationOf(cfg)
	pub.PublicKeyPEM = pemText
	if err := pub.Check(); err != nil {
		return Options{}, err
	}
	client := &fediverse.Client{
		Signer:    &httpsig.Signer{KeyID: pub.KeyID(), Key: key},
		HTTP:      fediverse.NewHTTPClient(PeerTimeout, PeerConnsPerHost, cfg.FediverseAllowPrivate),
		UserAgent: UserAgent,
	}
	keys := &fediverse.KeyCache{Store: store, Fetch: client}
	return Options{
		Pub:      pub,
		Articles: articles,
		Store:    store,
		Keys:     keys,
		Inbox:    &fediverse.Inbox{Pub: pub, Store: store, Articles: articles, Deliver: client, Fetch: client},
		// A follow's Accept and a key fetch happen within the request.
		StoreTimeout: PeerTimeout + cfg.StoreTimeout,
	}, nil
}

// Limits of make run's in-process delivery (fediverse.Direct):
// deliveries at once, to one host at once, and attempts per inbox (1 s,
// 2 s, 4 s apart).
const (
	FanoutConcurrency = 64
	FanoutPerHost     = 2
	FanoutAttempts    = 4
)

// NewFederator is the announcer on opts' publication and store, queueing
// to out, as the federate function and the local server wire it.
func NewFederator(opts Options, out fediverse.Outbox, log *slog.Logger) *fediverse.Federator {
	return &fediverse.Federator{Pub: opts.Pub, Store: opts.Store, Articles: opts.Articles, Log: log, Now: opts.Now, Outbox: out}
}

// DirectOutbox is make run's outbox: every delivery sent at once with
// opts' signing client.
func DirectOutbox(opts Options, log *slog.Logger) *fediverse.Direct {
	return &fediverse.Direct{Log: log, Fanout: &fediverse.Fanout{Post: opts.Inbox.Deliver, Concurrency: FanoutConcurrency,
		PerHost: FanoutPerHost, Attempts: FanoutAttempts, Backoff: time.Second}}
}

// NewDeliverer is the deliver function's sender: opts' signing client
// (each request signed as it is sent), host health on opts' store, the
// default schedule.
func NewDeliverer(opts Options, log *slog.Logger) *fediverse.Deliverer {
	return &fediverse.Deliverer{Post: opts.Inbox.Deliver, Store: opts.Store, Policy: fediverse.DefaultPolicy, Now: opts.Now, Log: log}
}
