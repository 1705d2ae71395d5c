package server

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/config"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/seed"
)

// LoadConfig is config.Load for `make run`: with SITE_URL unset, the site
// is this server itself (http://127.0.0.1:$PORT), so the canonical URLs
// of the seeded articles, where share pages send people, open in a
// browser instead of failing on news.example.bg.
func LoadConfig(getenv func(string) string) (config.Config, error) {
	cfg, err := config.Load(getenv)
	if err != nil || getenv("SITE_URL") != "" {
		return cfg, err
	}
	local := fmt.Sprintf("http://127.0.0.1:%d", cfg.Port)
	return config.Load(func(name string) string {
		if name == "SITE_URL" {
			return local
		}
		return getenv(name)
	})
}

// servesSite reports whether cfg's site is this server: SITE_URL on
// 127.0.0.1 or localhost at $PORT, as LoadConfig sets it.
func servesSite(cfg config.Config) bool {
	u, err := url.Parse(cfg.SiteURL)
	if err != nil || u.Scheme != "http" {
		return false
	}
	host := u.Hostname()
	return (host == "127.0.0.1" || host == "localhost") && u.Port() == strconv.Itoa(cfg.Port)
}

// localSite serves a plain page for every public article at the path of
// its canonical URL, the local stand-in for the publisher's page; every
// other request, and every path a route serves, goes to next.
type localSite struct {
	next  *httpapi.Router
	store interface {
		GetBySlug(ctx context.Context, slug string) (article.Article, error)
	}
	cfg config.Config
	// now decides whether an article is live yet.
	now func() time.Time
}

func (l *localSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if (r.Method != http.MethodGet && r.Method != http.MethodHead) || l.next.Matches(r) {
		l.next.ServeHTTP(w, r)
		return
	}
	p := r.URL.Path
	if img := l.seededPhoto(p); img != nil {
		// The sample articles' photos, so that their share cards and
		// the preview studio's mock-ups show a picture locally too.
		b := samplePhoto(img.Width, img.Height)
		h := w.Header()
		h.Set("Content-Type", "image/jpeg")
		h.Set("Cache-Control", "public, max-age=3600")
		httpapi.WriteBody(w, r, http.StatusOK, b)
		return
	}
	slug := path.Base(p)
	if p == "" || path.Clean(p) != p || !article.ValidSlug(slug) {
		l.next.ServeHTTP(w, r)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), l.cfg.StoreTimeout)
	defer cancel()
	a, err := l.store.GetBySlug(ctx, slug)
	if err != nil || !a.LiveAt(l.now()) {
		// Not an article of this site: the router answers (404 problem).
		l.next.ServeHTTP(w, r)
		return
	}
	canonical, onSite := l.sitePath(&a)
	if onSite && canonical != p && slices.Contains(a.PreviousSlugs, slug) {
		// The article's page before a rename: where its old share links
		// sent people. The publisher's site would redirect it too. A url
		// the CMS set that still names an old slug is the page itself,
		// not a move: redirecting it would lead to itself.
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, a.URL, http.StatusMovedPermanently)
		return
	}
	if !onSite || canonical != p {
		// Not an article of this site: the router answers (404 problem).
		l.next.ServeHTTP(w, r)
		return
	}
	var b strings.Builder
	// Body is stored as the newsroom sanitizer's output, the HTML the
	// publisher's page shows too; every other field is escaped.
	if err := articlePage.Execute(&b, pageData{A: &a, Body: template.HTML(a.Body)}); err != nil {
		httpapi.Error(w, r, fmt.Errorf("server: local article page: %w", err))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; img-src * data:; style-src 'unsafe-inline'")
	httpapi.WriteBody(w, r, http.StatusOK, []byte(b.String()))
}

// sitePath is the path of a's URL, and whether that URL is on this site.
func (l *localSite) sitePath(a *article.Article) (string, bool) {
	u, err := url.Parse(a.URL)
	site, serr := url.Parse(l.cfg.SiteURL)
	if err != nil || serr != nil || u.Host != site.Host {
		return "", false
	}
	return u.Path, true
}

type pageData struct {
	A    *article.Article
	Body template.HTML
}

var articlePage = template.Must(template.New("article").Parse(`<!doctype html>
<html lang="{{.A.Language}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{.A.Title}}</title>
<style>body{font:18px/1.5 Georgia,serif;max-width:42em;margin:2em auto;padding:0 1em}
.note{font:14px/1.4 sans-serif;background:#fff3cd;border:1px solid #e0c97f;padding:.5em 1em}
figure{margin:1em 0}img{max-width:100%}figcaption,.meta{font:14px sans-serif;color:#555}</style>
</head>
<body>
<p class="note">Local stand-in for the publisher's article page, served by <code>make run</code> because SITE_URL is unset. Set SITE_URL to send readers to the real site.</p>
<article>
<h1>{{.A.Title}}</h1>
{{with .A.Lead}}<p><strong>{{.}}</strong></p>{{end}}
<p class="meta">{{range $i, $au := .A.Authors}}{{if $i}}, {{end}}{{$au.Name}}{{end}}{{with .A.Source}} · {{.}}{{end}}{{with .A.Section}} · {{.}}{{end}}</p>
{{with .A.Image}}<figure><img src="{{.URL}}" alt="{{.Alt}}"{{if .Width}} width="{{.Width}}"{{end}}{{if .Height}} height="{{.Height}}"{{end}}>{{with .Credit}}<figcaption>{{.}}</figcaption>{{end}}</figure>{{end}}
{{.Body}}
</article>
</body>
</html>
`))

// seededPhoto is the sample article photo at path p of this site, nil if
// none is.
func (l *localSite) seededPhoto(p string) *article.Image {
	if !strings.HasPrefix(p, "/media/") {
		return nil
	}
	for _, a := range seed.Articles(l.cfg.SiteURL) {
		if a.Image != nil && a.Image.URL == strings.TrimRight(l.cfg.SiteURL, "/")+p && a.Image.Width > 0 && a.Image.Height > 0 {
			return a.Image
		}
	}
	return nil
}

// samplePhoto draws a w×h stand-in photo: a sky, a sun and a field, whose
// edges show how each network crops it.
func samplePhoto(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	sun := min(w, h) / 7
	for y := range h {
		for x := range w {
			c := color.RGBA{R: uint8(40 + 80*y/h), G: uint8(90 + 60*y/h), B: 200, A: 255}
			if y > h*2/3 {
				c = color.RGBA{R: 60, G: uint8(110 + 60*(y-h*2/3)/h), B: 50, A: 255}
			}
			if dx, dy := x-w/2, y-h*2/5; dx*dx+dy*dy < sun*sun {
				c = color.RGBA{R: 250, G: 200, B: 60, A: 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	_ = jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}) // writing to a bytes.Buffer cannot fail
	return b.Bytes()
}
