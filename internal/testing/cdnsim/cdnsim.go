package cdnsim

import (
	"encoding/xml"
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
		qs, _ := stackcheck.Get(p, "Properties", "CachePolicyConfig", "ParametersInCacheKeyAndForwardedToOrigin", "QueryStringsConfig")
		out := Behavior{Pattern: pattern}
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

// Stats are the counts of one behaviour.
type Stats struct {
	Requests int64 // viewer requests
	Origin   int64 // requests sent to the origin
}

// HitRatio is the share of viewer requests answered without the origin.
func (s Stats) HitRatio() float64 {
	if s.Requests == 0 {
		return 0
	}
	return 1 - float64(s.Origin)/float64(s.Requests)
}

// Proxy is the caching proxy. Set the fields, then serve it.
type Proxy struct {
	Origin    string // scheme://host:port
	Behaviors []Behavior
	// Header is added to every origin request (OriginCustomHeaders).
	Header http.Header
	Client *http.Client
	Now    func() time.Time

	mu            sync.Mutex
	entries       map[string]*entry
	flights       map[string]*flight
	stats         map[string]*Stats
	invalidations int
}

type entry struct {
	path    string
	status  int
	header  http.Header
	body    []byte
	expires time.Time
}

type flight struct {
	done chan struct{}
	e    *entry
	err  error
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

// ResetStats zeroes the counts, keeping the cache.
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

var invalidationPath = regexp.MustCompile(`^/2020-05-31/distribution/[^/]+/invalidation(?:/([^/]+))?$`)

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
	key := r.URL.Path + "?" + keyQuery(b, r.URL.Query())
	now := p.now()

	p.mu.Lock()
	if p.entries == nil {
		p.entries, p.flights, p.stats = map[string]*entry{}, map[string]*flight{}, map[string]*Stats{}
	}
	st := p.stats[b.Pattern]
	if st == nil {
		st = &Stats{}
		p.stats[b.Pattern] = st
	}
	st.Requests++
	if b.NoCache {
		st.Origin++
		p.mu.Unlock()
		e, err := p.fetch(r, b)
		if err != nil {
			http.Error(w, "origin unreachable", http.StatusBadGateway)
			return
		}
		p.write(w, r, e, "Miss from edge (caching disabled)")
		return
	}
	if e := p.entries[key]; e != nil && now.Before(e.expires) {
		p.mu.Unlock()
		p.write(w, r, e, "Hit from edge")
		return
	}
	f := p.flights[key]
	if f == nil {
		f = &flight{done: make(chan struct{})}
		p.flights[key] = f
		st.Origin++
		p.mu.Unlock()
		f.e, f.err = p.fetch(r, b)
		p.mu.Lock()
		delete(p.flights, key)
		if f.err == nil && now.Before(f.e.expires) {
			p.entries[key] = f.e
		}
		p.mu.Unlock()
		close(f.done)
		if f.err != nil {
			http.Error(w, "origin unreachable", http.StatusBadGateway)
			return
		}
		p.write(w, r, f.e, "Miss from edge")
		return
	}
	p.mu.Unlock()
	<-f.done
	if f.err != nil {
		http.Error(w, "origin unreachable", http.StatusBadGateway)
		return
	}
	p.write(w, r, f.e, "Hit from edge (collapsed)")
}

func (p *Proxy) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// fetch asks the origin for r with only what the origin request policy
// forwards: the key's query, User-Agent and the custom headers.
func (p *Proxy) fetch(r *http.Request, b Behavior) (*entry, error) {
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
	e := &entry{path: r.URL.Path, status: resp.StatusCode, header: resp.Header.Clone(), body: body}
	if cacheableStatus[resp.StatusCode] {
		e.expires = p.now().Add(ttl(resp.Header.Get("Cache-Control")))
	}
	return e, nil
}

// cacheableStatus are the statuses CloudFront caches.
var cacheableStatus = map[int]bool{200: true, 203: true, 300: true, 301: true, 302: true, 307: true, 308: true, 404: true, 410: true}

// ttl is the shared-cache lifetime of Cache-Control cc, 0 for none.
func ttl(cc string) time.Duration {
	var maxAge, sMaxAge = -1, -1
	for _, d := range strings.Split(cc, ",") {
		name, val, _ := strings.Cut(strings.TrimSpace(strings.ToLower(d)), "=")
		switch name {
		case "private", "no-store", "no-cache":
			return 0
		case "max-age":
			maxAge, _ = strconv.Atoi(val)
		case "s-maxage":
			sMaxAge, _ = strconv.Atoi(val)
		}
	}
	s := maxAge
	if sMaxAge >= 0 {
		s = sMaxAge
	}
	if s <= 0 {
		return 0
	}
	return min(time.Duration(s)*time.Second, 365*24*time.Hour)
}

func (p *Proxy) write(w http.ResponseWriter, r *http.Request, e *entry, xcache string) {
	h := w.Header()
	for k, v := range e.header {
		h[k] = v
	}
	h.Set("X-Cache", xcache)
	w.WriteHeader(e.status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(e.body)
	}
}

// invalidationAPI answers CreateInvalidation (evicting every entry whose
// path a given path names, all query variants, "/x*" as a prefix) and
// GetInvalidation, both completed at once.
func (p *Proxy) invalidationAPI(w http.ResponseWriter, r *http.Request, id string) {
	type inv struct {
		XMLName xml.Name `xml:"Invalidation"`
		ID      string   `xml:"Id"`
		Status  string   `xml:"Status"`
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
		for k, e := range p.entries {
			if slices.ContainsFunc(batch.Paths, func(pp string) bool {
				if pre, ok := strings.CutSuffix(pp, "*"); ok {
					return strings.HasPrefix(e.path, pre)
				}
				return e.path == pp
			}) {
				delete(p.entries, k)
			}
		}
		p.invalidations++
		n := p.invalidations
		p.mu.Unlock()
		w.WriteHeader(http.StatusCreated)
		_ = xml.NewEncoder(w).Encode(inv{ID: "I" + strconv.Itoa(n), Status: "Completed"})
	case r.Method == http.MethodGet && id != "":
		_ = xml.NewEncoder(w).Encode(inv{ID: id, Status: "Completed"})
	default:
		http.Error(w, "unsupported", http.StatusBadRequest)
	}
}

// Invalidations is how many CreateInvalidation calls were answered.
func (p *Proxy) Invalidations() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.invalidations
}

// Patterns lists the behaviour patterns in match order, for reports.
func (p *Proxy) Patterns() []string {
	out := make([]string, len(p.Behaviors))
	for i, b := range p.Behaviors {
		out[i] = b.Pattern
	}
	return out
}
