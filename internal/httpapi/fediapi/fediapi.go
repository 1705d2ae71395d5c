package fediapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/newsdesk/syndicate/internal/activitypub"
	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/fediverse"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/httpsig"
)

// Articles is what the routes read of the stories.
type Articles interface {
	Get(ctx context.Context, id string) (article.Article, error)
	ListFeed(ctx context.Context, key article.FeedKey, opts article.ListOptions) (article.Page, error)
}

// Options configure the routes.
type Options struct {
	Pub      *activitypub.Publication
	Articles Articles
	Store    fediverse.Store
	Inbox    *fediverse.Inbox
	// Keys resolves peers' keys (fetching them); it is copied with
	// CacheOnly for the Delete of an actor.
	Keys *fediverse.KeyCache
	// Window bounds a signed Date's distance from now;
	// httpsig.DefaultWindow when zero.
	Window time.Duration
	// StoreTimeout bounds each request's store and peer calls; 0: 10 s.
	StoreTimeout time.Duration
	// Since is when the account was made (the actor's published).
	Since time.Time
	// OutboxSize is how many recent stories the outbox lists; 0: 20.
	OutboxSize int
	Now        func() time.Time
}

// Cache lifetimes.
const (
	discoveryCache = "public, max-age=3600"
	actorCache     = "public, max-age=600"
	// A story's Note is fetched by every server that receives it or a
	// boost of it, at once: the CDN answers all but the first.
	noteCache       = "public, max-age=300, s-maxage=300"
	collectionCache = "public, max-age=300"
	goneCache       = "public, max-age=3600"
	notFoundCache   = "public, max-age=60"
)

// Register adds the fediverse routes to rt. With opts.Pub nil it only
// records the routes (stackcheck's route list).
func Register(rt *httpapi.Router, opts Options) {
	if opts.StoreTimeout <= 0 {
		opts.StoreTimeout = 10 * time.Second
	}
	if opts.OutboxSize <= 0 {
		opts.OutboxSize = 20
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Inbox != nil && opts.Inbox.Now == nil {
		opts.Inbox.Now = opts.Now
	}
	if opts.Keys != nil && opts.Keys.Now == nil {
		opts.Keys.Now = opts.Now
	}
	h := &handler{opts: opts}
	rt.HandleFunc(http.MethodGet, "/.well-known/webfinger", h.webfinger)
	rt.HandleFunc(http.MethodGet, "/.well-known/host-meta", h.hostMeta)
	rt.HandleFunc(http.MethodGet, "/.well-known/nodeinfo", h.nodeInfoIndex)
	rt.HandleFunc(http.MethodGet, "/nodeinfo/2.1", h.nodeInfo)
	rt.HandleFunc(http.MethodGet, activitypub.ActorPath, h.actor)
	rt.HandleFunc(http.MethodGet, activitypub.OutboxPath, h.outbox)
	rt.HandleFunc(http.MethodGet, activitypub.FollowersPath, h.followers)
	rt.HandleFunc(http.MethodGet, activitypub.FollowingPath, h.following)
	rt.HandleFunc(http.MethodGet, activitypub.NotesPath+"{id}", h.note)
	rt.HandleFunc(http.MethodGet, activitypub.NotesPath+"{id}/create", h.create)
	rt.HandleFunc(http.MethodPost, activitypub.SharedInboxPath, h.inbox)
	rt.HandleFunc(http.MethodPost, activitypub.InboxPath, h.inbox)
}

type handler struct{ opts Options }

func writeJSON(w http.ResponseWriter, r *http.Request, status int, contentType, cache string, v any) {
	b, err := activitypub.Marshal(v)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Cache-Control", cache)
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(b)
	}
}

// writeAS answers an ActivityStreams document, with an ETag from tag
// (when not empty) and 304 for a matching If-None-Match.
func writeAS(w http.ResponseWriter, r *http.Request, status int, cache, tag string, v any) {
	w.Header().Set("Vary", "Accept")
	if tag != "" {
		etag := `"` + tag + `"`
		w.Header().Set("ETag", etag)
		if httpapi.NotModified(r, etag, time.Time{}) {
			w.Header().Set("Cache-Control", cache)
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	ct := activitypub.ContentType
	if wantsLD(r) {
		ct = activitypub.LDContentType
	}
	writeJSON(w, r, status, ct, cache, v)
}

// wantsLD reports an Accept that names application/ld+json and not
// application/activity+json: the answer then carries ld+json's type.
func wantsLD(r *http.Request) bool {
	a := r.Header.Get("Accept")
	return strings.Contains(a, "application/ld+json") && !strings.Contains(a, activitypub.ContentType)
}

func (h *handler) webfinger(w http.ResponseWriter, r *http.Request) {
	res := r.URL.Query().Get("resource")
	jrd, err := h.opts.Pub.WebFinger(res)
	switch {
	case errors.Is(err, activitypub.ErrBadResource):
		httpapi.Error(w, r, httpapi.NewRequestError(http.StatusBadRequest, "bad-resource",
			"resource must be acct:user@host or the actor's URL"))
		return
	case errors.Is(err, activitypub.ErrNoSuchAccount):
		w.Header().Set("Cache-Control", notFoundCache)
		w.Header().Set("Access-Control-Allow-Origin", "*")
		httpapi.Error(w, r, fmt.Errorf("fediapi: webfinger: %w", article.ErrNotFound))
		return
	case err != nil:
		httpapi.Error(w, r, err)
		return
	}
	writeJSON(w, r, http.StatusOK, activitypub.JRDContentType, discoveryCache, jrd)
}

func (h *handler) hostMeta(w http.ResponseWriter, r *http.Request) {
	body := h.opts.Pub.HostMeta()
	w.Header().Set("Content-Type", "application/xrd+xml; charset=utf-8")
	w.Header().Set("Cache-Control", discoveryCache)
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	if r.Method != http.MethodHead {
		_, _ = io.WriteString(w, body)
	}
}

func (h *handler) nodeInfoIndex(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, r, http.StatusOK, "application/json", discoveryCache, h.opts.Pub.NodeInfoIndex())
}

func (h *handler) nodeInfo(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, r, http.StatusOK, `application/json; profile="`+activitypub.NodeInfoProfile+`#"`, discoveryCache,
		h.opts.Pub.NodeInfo(-1))
}

func (h *handler) actor(w http.ResponseWriter, r *http.Request) {
	if browser(r) {
		// A person following the profile link reads the site.
		http.Redirect(w, r, h.opts.Pub.SiteURL, http.StatusSeeOther)
		return
	}
	writeAS(w, r, http.StatusOK, actorCache, "", h.opts.Pub.Actor(h.opts.Since))
}

// browser reports a request for HTML that does not ask for
// ActivityStreams.
func browser(r *http.Request) bool {
	a := r.Header.Get("Accept")
	return strings.Contains(a, "text/html") && !strings.Contains(a, "json")
}

func (h *handler) outbox(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), h.opts.StoreTimeout)
	defer cancel()
	page, err := h.opts.Articles.ListFeed(ctx, article.SiteFeed, article.ListOptions{Limit: h.opts.OutboxSize})
	if err != nil {
		httpapi.Error(w, r, fmt.Errorf("fediapi: outbox: %w", err))
		return
	}
	now := h.opts.Now()
	items := []any{}
	for i := range page.Articles {
		a := &page.Articles[i]
		if !a.LiveAt(now) {
			continue
		}
		c := h.opts.Pub.Create(a)
		c.Context = nil
		items = append(items, c)
	}
	writeAS(w, r, http.StatusOK, collectionCache, "", h.opts.Pub.Collection(activitypub.OutboxPath, int64(len(items)), items))
}

func (h *handler) followers(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), h.opts.StoreTimeout)
	defer cancel()
	fs, err := h.opts.Store.Followers(ctx)
	if err != nil {
		httpapi.Error(w, r, fmt.Errorf("fediapi: followers: %w", err))
		return
	}
	// The count only: followers are not listed, as Mastodon hides them.
	writeAS(w, r, http.StatusOK, collectionCache, "", h.opts.Pub.Collection(activitypub.FollowersPath, int64(len(fs)), nil))
}

func (h *handler) following(w http.ResponseWriter, r *http.Request) {
	writeAS(w, r, http.StatusOK, collectionCache, "", h.opts.Pub.Collection(activitypub.FollowingPath, 0, nil))
}

// story returns the article of {id} when it is live; the tombstone of a
// story that was live, or a story the followers were sent a Delete of
// when it was unpublished (fediverse.KindWithdrawn), is article.ErrGone
// (with the article, its UpdatedAt the time it went); a draft, a
// scheduled story, one deleted before it was ever live (the share pages'
// rule, article.WasLive: a deletion tells nothing about an embargo) or a
// missing one is article.ErrNotFound.
func (h *handler) story(r *http.Request) (article.Article, error) {
	id := r.PathValue("id")
	if !article.ValidID(id) {
		return article.Article{}, fmt.Errorf("fediapi: note %q: %w", id, article.ErrNotFound)
	}
	ctx, cancel := context.WithTimeout(r.Context(), h.opts.StoreTimeout)
	defer cancel()
	a, err := h.opts.Articles.Get(ctx, id)
	switch {
	case err != nil:
		return a, fmt.Errorf("fediapi: note %q: %w", id, err)
	case a.WasLive():
		return a, fmt.Errorf("fediapi: note %q: %w", id, article.ErrGone)
	case a.Deleted:
		return a, fmt.Errorf("fediapi: note %q never was public: %w", id, article.ErrNotFound)
	case !a.LiveAt(h.opts.Now()):
		// Unpublished after federating: gone for the fediverse too. A
		// story that never was public is answered as a missing one.
		at, ok, err := h.withdrawn(ctx, id)
		if err != nil {
			return a, fmt.Errorf("fediapi: note %q: %w", id, err)
		}
		if ok {
			a.UpdatedAt = at
			return a, fmt.Errorf("fediapi: note %q was withdrawn: %w", id, article.ErrGone)
		}
		return a, fmt.Errorf("fediapi: note %q is not public: %w", id, article.ErrNotFound)
	}
	return a, nil
}

// withdrawn reports when the followers were sent the Delete of story id,
// unpublished after it was public (fediverse.KindWithdrawn).
func (h *handler) withdrawn(ctx context.Context, id string) (time.Time, bool, error) {
	is, err := h.opts.Store.Interactions(ctx, id)
	if err != nil {
		return time.Time{}, false, err
	}
	for _, i := range is {
		if i.Kind == fediverse.KindWithdrawn {
			return i.At, true, nil
		}
	}
	return time.Time{}, false, nil
}

func (h *handler) note(w http.ResponseWriter, r *http.Request) {
	a, err := h.story(r)
	if h.notLive(w, r, &a, err) {
		return
	}
	n := h.opts.Pub.Note(&a)
	writeAS(w, r, http.StatusOK, noteCache, "n"+strconv.FormatInt(a.Version, 10), n)
}

func (h *handler) create(w http.ResponseWriter, r *http.Request) {
	a, err := h.story(r)
	if h.notLive(w, r, &a, err) {
		return
	}
	writeAS(w, r, http.StatusOK, noteCache, "c"+strconv.FormatInt(a.Version, 10), h.opts.Pub.Create(&a))
}

// notLive answers a story that is not live and reports whether it did:
// 410 with the Tombstone for a deleted one, 404 problems otherwise.
func (h *handler) notLive(w http.ResponseWriter, r *http.Request, a *article.Article, err error) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, article.ErrGone):
		writeAS(w, r, http.StatusGone, goneCache, "", h.opts.Pub.Tombstone(a.ID, a.UpdatedAt))
	case errors.Is(err, article.ErrNotFound):
		w.Header().Set("Cache-Control", notFoundCache)
		httpapi.Error(w, r, err)
	default:
		httpapi.Error(w, r, err)
	}
	return true
}

// inbox verifies and applies one posted activity.
func (h *handler) inbox(w http.ResponseWriter, r *http.Request) {
	if !activityType(r.Header.Get("Content-Type")) {
		httpapi.Error(w, r, httpapi.NewRequestError(http.StatusUnsupportedMediaType, "unsupported-media-type",
			"the body must be application/activity+json or application/ld+json"))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, activitypub.MaxActivityBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			httpapi.Error(w, r, httpapi.NewRequestError(http.StatusRequestEntityTooLarge, "too-large",
				fmt.Sprintf("an activity is at most %d bytes", activitypub.MaxActivityBytes)))
			return
		}
		httpapi.Error(w, r, httpapi.NewRequestError(http.StatusBadRequest, "bad-body", "the body could not be read"))
		return
	}
	act, err := activitypub.Decode(body)
	if err != nil {
		httpapi.Error(w, r, httpapi.NewRequestError(http.StatusBadRequest, "bad-activity", err.Error()))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), h.opts.StoreTimeout)
	defer cancel()
	log := httpapi.Logger(ctx)

	keys := h.opts.Keys
	deleteActor := act.Type == "Delete" && act.ObjectRef() == string(act.Actor)
	if deleteActor {
		// Its documents are gone: only a key cached before can verify it.
		k := *keys
		k.CacheOnly = true
		keys = &k
	}
	// The signature names the scheme and host the peer saw (RFC 9421's
	// @target-uri, draft-cavage's host): the public ones, whatever the CDN
	// or API Gateway forwarded.
	vr := r.Clone(ctx)
	if u, err := url.Parse(h.opts.Pub.BaseURL); err == nil {
		vr.Host = u.Host
		vr.URL.Scheme, vr.URL.Host = u.Scheme, u.Host
	}
	v := httpsig.Verifier{Keys: keys, Window: h.opts.Window, Now: h.opts.Now}
	verified, err := v.Verify(ctx, vr, body)
	if err != nil {
		if deleteActor && errors.Is(err, article.ErrNotFound) {
			// A stranger's account was deleted: nothing of it is kept.
			w.WriteHeader(http.StatusAccepted)
			return
		}
		if errors.Is(err, article.ErrUnavailable) || errors.Is(err, context.DeadlineExceeded) {
			httpapi.Error(w, r, err)
			return
		}
		log.LogAttrs(ctx, slog.LevelInfo, "fediverse: signature refused", slog.String("activity", act.ID),
			slog.String("type", act.Type), slog.String("error", err.Error()))
		unauthorized(w, r, err.Error())
		return
	}
	from, err := keys.Resolve(ctx, verified.KeyID, false)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	outcome, err := h.opts.Inbox.Handle(ctx, from, act)
	if errors.Is(err, fediverse.ErrNotSigner) {
		unauthorized(w, r, "the activity's actor is not the key's owner")
		return
	}
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	log.LogAttrs(ctx, slog.LevelInfo, "fediverse: activity", slog.String("activity", act.ID),
		slog.String("type", act.Type), slog.String("actor", string(act.Actor)), slog.String("outcome", outcome))
	w.WriteHeader(http.StatusAccepted)
}

func unauthorized(w http.ResponseWriter, r *http.Request, detail string) {
	e := httpapi.NewRequestError(http.StatusUnauthorized, "signature", detail)
	// Both schemes are asked for: draft-cavage's header and RFC 9421's
	// Accept-Signature with the components the inbox needs.
	e.Header = http.Header{
		"Www-Authenticate": {`Signature realm="inbox",headers="(request-target) host date digest"`},
		"Accept-Signature": {`sig1=("@method" "@target-uri" "content-digest");created;keyid`},
	}
	httpapi.Error(w, r, e)
}

func activityType(ct string) bool {
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	switch mt {
	case "application/activity+json", "application/json":
		return true
	case "application/ld+json":
		p := params["profile"]
		return p == "" || strings.Contains(p, "activitystreams")
	}
	return false
}
