package cdnsim

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/newsdesk/syndicate/internal/testing/stackcheck"
)

// Behavior is one cache behaviour: the requests whose path matches
// Pattern (CloudFront's: * is any run of characters) are keyed on the path
// and the Query parameters only (nil: no query string).
type Behavior struct {
	Pattern string
	Query   []string
	// Gzip and Brotli put the viewer's Accept-Encoding, normalised, in
	// the key (EnableAcceptEncodingGzip, EnableAcceptEncodingBrotli).
	Gzip, Brotli bool
	// NoCache passes every request to the origin, never collapsed (the
	// managed CachingDisabled policy).
	NoCache bool
}

// ManagedCachingDisabled is the ID of AWS's managed CachingDisabled policy.
const ManagedCachingDisabled = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"

// FromTemplate reads the CDN's cache behaviours from a template: the
// CacheBehaviors in order, then the default ("*"), each with the query
// strings of its cache policy.
func FromTemplate(t stackcheck.Template, distribution string) ([]Behavior, error) {
	dc, ok := stackcheck.Get(t, "Resources", distribution, "Properties", "DistributionConfig")
	if !ok {
		return nil, fmt.Errorf("edge: no distribution %s", distribution)
	}
	policies := t.Resources("AWS::CloudFront::CachePolicy")
	behavior := func(pattern string, b any) (Behavior, error) {
		if stackcheck.String(b, "CachePolicyId") == ManagedCachingDisabled {
			return Behavior{Pattern: pattern, NoCache: true}, nil
		}
		ref := stackcheck.String(b, "CachePolicyId", "Ref")
		p := policies[ref]
		if p == nil {
			return Behavior{}, fmt.Errorf("edge: %s: cache policy %q is not in the template", pattern, ref)
		}
		params, _ := stackcheck.Get(p, "Properties", "CachePolicyConfig", "ParametersInCacheKeyAndForwardedToOrigin")
		qs, _ := stackcheck.Get(params, "QueryStringsConfig")
		out := Behavior{Pattern: pattern}
		gz, _ := stackcheck.Get(params, "EnableAcceptEncodingGzip")
		br, _ := stackcheck.Get(params, "EnableAcceptEncodingBrotli")
		out.Gzip, out.Brotli = gz == true, br == true
		switch b := stackcheck.String(qs, "QueryStringBehavior"); b {
		case "none":
		case "whitelist":
			l, _ := stackcheck.Get(qs, "QueryStrings")
			for _, q := range l.([]any) {
				out.Query = append(out.Query, q.(string))
			}
		default:
			return Behavior{}, fmt.Errorf("edge: %s: query string behaviour %q not simulated", pattern, b)
		}
		return out, nil
	}
	var out []Behavior
	if l, ok := stackcheck.Get(dc, "CacheBehaviors"); ok {
		for _, b := range l.([]any) {
			bh, err := behavior(stackcheck.String(b, "PathPattern"), b)
			if err != nil {
				return nil, err
			}
			out = append(out, bh)
		}
	}
	db, _ := stackcheck.Get(dc, "DefaultCacheBehavior")
	def, err := behavior("*", db)
	if err != nil {
		return nil, err
	}
	return append(out, def), nil
}

// Stats are the counts of one behaviour, over every edge location.
type Stats struct {
	Requests int64 // viewer requests
	Hits     int64 // viewer requests answered from an edge cache (fresh, stale or collapsed)
	Origin   int64 // requests sent to the origin, revalidations included
	// Revalidated counts origin requests answered 304 Not Modified: an
	// expired copy kept, refreshed, without its body sent again.
	Revalidated int64
	// Stale counts viewer requests answered from an expired copy within
	// its stale-while-revalidate window, while it was refreshed.
	Stale int64
}

// HitRatio is the share of viewer requests answered from an edge cache.
func (s Stats) HitRatio() float64 {
	if s.Requests == 0 {
		return 0
	}
	return float64(s.Hits) / float64(s.Requests)
}

// Proxy is the caching proxy: Edges edge locations, each with a cache of
// its own that starts empty, as CloudFront's do. Set the fields, then serve
// it.
type Proxy struct {
	Origin    string // scheme://host:port
	Behaviors []Behavior
	// Header is added to every origin request (OriginCustomHeaders).
	Header http.Header
	Client *http.Client
	// Now is the clock of lifetimes and invalidations; time.Now if nil.
	// Tests and the simulation drive it, so no expiry needs a real wait.
	Now func() time.Time
	// Edges is the number of edge locations; 1 if 0.
	Edges int
	// EdgeOf picks the edge location serving a viewer request; nil reads
	// the X-Edge request header (a number, modulo Edges), else edge 0.
	EdgeOf func(*http.Request) int
	// InvalidationDelay is how long after CreateInvalidation edge i drops
	// the copies it names; GetInvalidation answers InProgress until every
	// edge has. nil drops them everywhere at once (CloudFront does not:
	// the simulation sets delays).
	InvalidationDelay func(edge int) time.Duration

	// refreshes counts the stale-while-revalidate refreshes in flight
	// (Settle).
	refreshes sync.WaitGroup

	mu            sync.Mutex
	edges         []*edgeCache
	stats         map[string]*Stats
	invalidations []*invalidation
}

// edgeCache is one edge location's cache.
type edgeCache struct {
	entries map[string]*entry
	flights map[string]*flight
}

type entry struct {
	path   string
	status int
	header http.Header
	body   []byte
	stored time.Time
	// expires ends the copy's freshness; stale, when after it, ends the
	// stale-while-revalidate window.
	expires, stale time.Time
	// revalidating is set while a background refresh runs.
	revalidating bool
}

type flight struct {
	done chan struct{}
	e    *entry
	err  error
}

// invalidation is one CreateInvalidation: paths dropped at edge i at
// created + delays[i].
type invalidation struct {
	id      string
	paths   []string
	created time.Time
	delays  []time.Duration
	applied []bool
}

// Stats returns the counts by behaviour pattern.
func (p *Proxy) Stats() map[string]Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]Stats, len(p.stats))
	for k, v := range p.stats {
		out[k] = *v
	}
	return out
}

// ResetStats zeroes the counts, keeping the caches.
func (p *Proxy) ResetStats() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stats = map[string]*Stats{}
}

// Match returns the behaviour of path.
func (p *Proxy) Match(path string) Behavior {
	for _, b := range p.Behaviors {
		if stackcheck.PathMatch(b.Pattern, path) {
			return b
		}
	}
	return Behavior{Pattern: "*"}
}

// keyQuery is the query of the cache key: b's parameters only, sorted.
func keyQuery(b Behavior, q url.Values) string {
	if len(b.Query) == 0 {
		return ""
	}
	keep := url.Values{}
	for _, k := range b.Query {
		if v, ok := q[k]; ok {
			keep[k] = v
		}
	}
	return keep.Encode() // sorted by key
}

// encoding is the Accept-Encoding of the cache key, normalised as
// CloudFront does when the policy enables it: "br" if enabled and asked
// for, else "gzip" if enabled and asked for, else none.
func encoding(b Behavior, accept string) string {
	has := func(name string) bool {
		for _, part := range strings.Split(accept, ",") {
			n, _, _ := strings.Cut(strings.TrimSpace(strings.ToLower(part)), ";")
			if n == name {
				return true
			}
		}
		return false
	}
	switch {
	case b.Brotli && has("br"):
		return "br"
	case b.Gzip && has("gzip"):
		return "gzip"
	}
	return ""
}

var invalidationPath = regexp.MustCompile(`^/2020-05-31/distribution/[^/]+/invalidation(?:/([^/]+))?$`)

func (p *Proxy) edgeOf(r *http.Request) int {
	n := max(p.Edges, 1)
	i := 0
	if p.EdgeOf != nil {
		i = p.EdgeOf(r)
	} else if v, err := strconv.Atoi(r.Header.Get("X-Edge")); err == nil {
		i = v
	}
	return ((i % n) + n) % n
}

// init makes the caches; p.mu held.
func (p *Proxy) init() {
	if p.edges == nil {
		p.edges = make([]*edgeCache, max(p.Edges, 1))
		for i := range p.edges {
			p.edges[i] = &edgeCache{entries: map[string]*entry{}, flights: map[string]*flight{}}
		}
	}
	if p.stats == nil {
		p.stats = map[string]*Stats{}
	}
}

func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if m := invalidationPath.FindStringSubmatch(r.URL.Path); m != nil {
		p.invalidationAPI(w, r, m[1])
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed at the edge", http.StatusForbidden)
		return
	}
	b := p.Match(r.URL.Path)
	enc := encoding(b, r.Header.Get("Accept-Encoding"))
	key := enc + " " + r.URL.Path + "?" + keyQuery(b, r.URL.Query())
	now := p.now()
	ei := p.edgeOf(r)

	p.mu.Lock()
	p.init()
	p.applyInvalidations(now)
	ec := p.edges[ei]
	st := p.stats[b.Pattern]
	if st == nil {
		st = &Stats{}
		p.stats[b.Pattern] = st
	}
	st.Requests++
	if b.NoCache {
		st.Origin++
		p.mu.Unlock()
		e, err := p.fetch(r, b, enc, nil)
		if err != nil {
			http.Error(w, "origin unreachable", http.StatusBadGateway)
			return
		}
		p.write(w, r, e, "Miss from edge (caching disabled)")
		return
	}
	e := ec.entries[key]
	switch {
	case e != nil && now.Before(e.expires):
		st.Hits++
		p.mu.Unlock()
		p.write(w, r, e, "Hit from edge")
		return
	case e != nil && now.Before(e.stale):
		// stale-while-revalidate: the viewer gets the expired copy, and
		// one refresh goes to the origin in the background.
		st.Hits++
		st.Stale++
		if !e.revalidating {
			e.revalidating = true
			st.Origin++
			// The refresh is also a flight: a request that comes once the
			// window has closed, while it still runs, waits for it. It
			// takes the origin's real time, which the simulation's clock,
			// moved per request, stretches to seconds; at CloudFront it
			// lands in a fraction of one, long before the window closes.
			f := &flight{done: make(chan struct{})}
			ec.flights[key] = f
			p.refreshes.Add(1)
			go p.refresh(r.Clone(context.WithoutCancel(r.Context())), b, enc, ec, key, e, f, st)
		}
		p.mu.Unlock()
		p.write(w, r, e, "Hit from edge (stale)")
		return
	}
	for {
		f := ec.flights[key]
		if f == nil {
			break
		}
		p.mu.Unlock()
		<-f.done
		p.mu.Lock()
		if f.err == nil && f.e.storable() {
			st.Hits++
			p.mu.Unlock()
			p.write(w, r, f.e, "Hit from edge (collapsed)")
			return
		}
		// An answer no cache may keep (private, no-store) is not shared
		// with the requests that waited for it: each asks the origin.
	}
	f := &flight{done: make(chan struct{})}
	ec.flights[key] = f
	st.Origin++
	p.mu.Unlock()
	f.e, f.err = p.fetch(r, b, enc, e)
	p.mu.Lock()
	delete(ec.flights, key)
	if f.err == nil {
		if f.e.status == http.StatusNotModified && e != nil {
			st.Revalidated++
			f.e = e.refreshed(f.e)
		}
		if f.e.storable() {
			ec.entries[key] = f.e
		} else if ec.entries[key] == e {
			delete(ec.entries, key)
		}
	}
	p.mu.Unlock()
	close(f.done)
	if f.err != nil {
		http.Error(w, "origin unreachable", http.StatusBadGateway)
		return
	}
	p.write(w, r, f.e, "Miss from edge")
}

// errInvalidatedMeanwhile is a refresh's outcome when its copy was
// invalidated while it ran.
var errInvalidatedMeanwhile = errors.New("cdnsim: invalidated during the refresh")

// Settle waits for the stale-while-revalidate refreshes in flight; call
// it while no request is being served. A refresh takes the origin's real
// time, while a test's or the simulation's clock may be moved on
// meanwhile, by seconds for the milliseconds it takes: settling before
// moving the clock makes a refresh take no time on it, nearer CloudFront,
// whose refresh takes a fraction of a second against lifetimes of many.
func (p *Proxy) Settle() { p.refreshes.Wait() }

// refresh revalidates e in the background (stale-while-revalidate).
func (p *Proxy) refresh(r *http.Request, b Behavior, enc string, ec *edgeCache, key string, e *entry, f *flight, st *Stats) {
	defer p.refreshes.Done()
	n, err := p.fetch(r, b, enc, e)
	p.mu.Lock()
	defer close(f.done)
	defer p.mu.Unlock()
	if ec.flights[key] == f {
		delete(ec.flights, key)
	}
	e.revalidating = false
	if err != nil {
		f.err = err
		return
	}
	if n.status == http.StatusNotModified {
		st.Revalidated++
		n = e.refreshed(n)
	}
	if ec.entries[key] != e {
		// Invalidated meanwhile: what the refresh fetched may be older
		// than the invalidation, so the requests waiting ask the origin.
		f.err = errInvalidatedMeanwhile
		return
	}
	f.e = n
	if n.storable() {
		ec.entries[key] = n
	} else {
		delete(ec.entries, key)
	}
}

// storable reports whether an edge keeps e.
func (e *entry) storable() bool { return e.expires.After(e.stored) }

// refreshed is e kept after a 304 n: its body and headers, with n's
// lifetimes and validators.
func (e *entry) refreshed(n *entry) *entry {
	c := *e
	c.header = e.header.Clone()
	for _, h := range []string{"Cache-Control", "ETag", "Expires", "Last-Modified"} {
		if v := n.header.Get(h); v != "" {
			c.header.Set(h, v)
		}
	}
	c.stored, c.expires, c.stale = n.stored, n.expires, n.stale
	c.revalidating = false
	return &c
}

func (p *Proxy) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// fetch asks the origin for r with only what the origin request policy
// forwards: the key's query and encoding, User-Agent and the custom
// headers; with If-None-Match when an expired copy old has an ETag.
func (p *Proxy) fetch(r *http.Request, b Behavior, enc string, old *entry) (*entry, error) {
	u := p.Origin + r.URL.EscapedPath()
	if q := keyQuery(b, r.URL.Query()); q != "" {
		u += "?" + q
	}
	req, err := http.NewRequestWithContext(r.Context(), http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	if ua := r.Header.Get("User-Agent"); ua != "" {
		req.Header.Set("User-Agent", ua)
	}
	if enc == "" {
		enc = "identity" // not Go's transparent gzip
	}
	req.Header.Set("Accept-Encoding", enc)
	if old != nil && !b.NoCache {
		if et := old.header.Get("ETag"); et != "" {
			req.Header.Set("If-None-Match", et)
		}
	}
	for k, v := range p.Header {
		req.Header[k] = v
	}
	c := p.Client
	if c == nil {
		c = http.DefaultClient
	}
	// Redirects are answers to cache, not to follow.
	cc := *c
	cc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := cc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	now := p.now()
	e := &entry{path: r.URL.Path, status: resp.StatusCode, header: resp.Header.Clone(), body: body, stored: now, expires: now, stale: now}
	if cacheableStatus[resp.StatusCode] || resp.StatusCode == http.StatusNotModified {
		fresh, swr := lifetimes(resp.Header.Get("Cache-Control"))
		e.expires = now.Add(fresh)
		e.stale = e.expires
		if fresh > 0 {
			e.stale = e.expires.Add(swr)
		}
	}
	return e, nil
}

// cacheableStatus are the statuses CloudFront caches.
var cacheableStatus = map[int]bool{200: true, 203: true, 300: true, 301: true, 302: true, 307: true, 308: true, 404: true, 410: true}

// ttl is the shared-cache lifetime of Cache-Control cc, 0 for none.
func ttl(cc string) time.Duration {
	d, _ := lifetimes(cc)
	return d
}

// lifetimes are the shared-cache lifetime of Cache-Control cc (s-maxage,
// else max-age; 0 for private, no-store, no-cache or none) and its
// stale-while-revalidate window.
func lifetimes(cc string) (fresh, swr time.Duration) {
	var maxAge, sMaxAge, stale = -1, -1, 0
	for _, d := range strings.Split(cc, ",") {
		name, val, _ := strings.Cut(strings.TrimSpace(strings.ToLower(d)), "=")
		switch name {
		case "private", "no-store", "no-cache":
			return 0, 0
		case "max-age":
			maxAge, _ = strconv.Atoi(val)
		case "s-maxage":
			sMaxAge, _ = strconv.Atoi(val)
		case "stale-while-revalidate":
			stale, _ = strconv.Atoi(val)
		}
	}
	s := maxAge
	if sMaxAge >= 0 {
		s = sMaxAge
	}
	if s <= 0 {
		return 0, 0
	}
	year := 365 * 24 * time.Hour
	return min(time.Duration(s)*time.Second, year), min(time.Duration(max(stale, 0))*time.Second, year)
}

// write answers the viewer from e: 304 when the viewer's If-None-Match
// names e's ETag, as CloudFront answers conditional requests itself.
func (p *Proxy) write(w http.ResponseWriter, r *http.Request, e *entry, xcache string) {
	h := w.Header()
	for k, v := range e.header {
		h[k] = v
	}
	h.Set("X-Cache", xcache)
	if et := e.header.Get("ETag"); et != "" && e.status == http.StatusOK && r.Header.Get("If-None-Match") == et {
		h.Del("Content-Length")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.WriteHeader(e.status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(e.body)
	}
}

// applyInvalidations drops, at each edge whose time has come, the copies
// each invalidation names that the edge stored before it was created;
// p.mu held.
func (p *Proxy) applyInvalidations(now time.Time) {
	for _, inv := range p.invalidations {
		for i, ec := range p.edges {
			if inv.applied[i] || now.Before(inv.created.Add(inv.delays[i])) {
				continue
			}
			inv.applied[i] = true
			for k, e := range ec.entries {
				if !e.stored.After(inv.created) && names(inv.paths, e.path) {
					delete(ec.entries, k)
				}
			}
		}
	}
}

// names reports whether an invalidation of paths names a copy of path:
// "/x*" as a prefix, else the exact path, every query variant.
func names(paths []string, path string) bool {
	return slices.ContainsFunc(paths, func(pp string) bool {
		if pre, ok := strings.CutSuffix(pp, "*"); ok {
			return strings.HasPrefix(path, pre)
		}
		return path == pp
	})
}

// invalidationAPI answers CreateInvalidation (each edge drops the copies
// whose path a given path names, all query variants, "/x*" as a prefix,
// after its InvalidationDelay) and GetInvalidation (InProgress until every
// edge has).
func (p *Proxy) invalidationAPI(w http.ResponseWriter, r *http.Request, id string) {
	type inv struct {
		XMLName xml.Name `xml:"Invalidation"`
		ID      string   `xml:"Id"`
		Status  string   `xml:"Status"`
	}
	now := p.now()
	p.mu.Lock()
	p.init()
	p.applyInvalidations(now)
	p.mu.Unlock()
	status := func(i *invalidation) string {
		p.mu.Lock()
		defer p.mu.Unlock()
		if slices.Contains(i.applied, false) {
			return "InProgress"
		}
		return "Completed"
	}
	switch {
	case r.Method == http.MethodPost && id == "":
		var batch struct {
			Paths []string `xml:"Paths>Items>Path"`
		}
		if err := xml.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&batch); err != nil || len(batch.Paths) == 0 {
			http.Error(w, "bad invalidation batch", http.StatusBadRequest)
			return
		}
		p.mu.Lock()
		i := &invalidation{id: "I" + strconv.Itoa(len(p.invalidations)+1), paths: batch.Paths, created: now,
			delays: make([]time.Duration, len(p.edges)), applied: make([]bool, len(p.edges))}
		for e := range p.edges {
			if p.InvalidationDelay != nil {
				i.delays[e] = p.InvalidationDelay(e)
			}
		}
		p.invalidations = append(p.invalidations, i)
		p.applyInvalidations(now)
		p.mu.Unlock()
		w.WriteHeader(http.StatusCreated)
		_ = xml.NewEncoder(w).Encode(inv{ID: i.id, Status: status(i)})
	case r.Method == http.MethodGet && id != "":
		p.mu.Lock()
		var found *invalidation
		for _, i := range p.invalidations {
			if i.id == id {
				found = i
			}
		}
		p.mu.Unlock()
		if found == nil {
			http.Error(w, "no such invalidation", http.StatusNotFound)
			return
		}
		_ = xml.NewEncoder(w).Encode(inv{ID: id, Status: status(found)})
	default:
		http.Error(w, "unsupported", http.StatusBadRequest)
	}
}

// Invalidations is how many CreateInvalidation calls were answered.
func (p *Proxy) Invalidations() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.invalidations)
}

// Patterns lists the behaviour patterns in match order, for reports.
func (p *Proxy) Patterns() []string {
	out := make([]string, len(p.Behaviors))
	for i, b := range p.Behaviors {
		out[i] = b.Pattern
	}
	return out
}
