package readers

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/feed"
)

// entry is what a reader shows of a feed item.
type entry struct {
	Author     string
	Authors    []string // feedparser only: its list of every author
	Content    string
	Enclosures []enclosure
}

type enclosure struct{ URL, Type string }

// reader parses a feed document the way one real reader does.
type reader struct {
	name    string
	formats []feed.Format // the formats it reads
	parse   func(t *testing.T, doc []byte) []entry
}

// unavailable fails under CI, where every reader must run, and skips
// elsewhere.
func unavailable(t *testing.T, msg string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

var sofia, _ = time.LoadLocation("Europe/Sofia")

// documents renders the site feed in every format: one article with two
// authors (not in alphabetical order), an agency source and a photo, one
// with neither authors nor source.
func documents(t *testing.T) map[feed.Format][]byte {
	t.Helper()
	ch := &feed.Channel{Name: "Новини", URL: "https://news.example.bg", BaseURL: "https://feeds.news.example.bg",
		Language: "bg", Location: sofia, TTL: 5 * time.Minute}
	at := time.Date(2025, 12, 18, 9, 15, 0, 0, time.UTC)
	as := []article.Article{{
		ID: "a1", Slug: "parva", Title: "Южна Корея и НАТО", Lead: "Увод.", Body: "<p>Текст.</p>",
		URL: "https://news.example.bg/svyat/parva", PublishedAt: at, UpdatedAt: at, Status: article.StatusPublished,
		Authors: []article.Author{{Name: "Петър Димитров"}, {Name: "Мария Иванова"}}, Source: "БТА", Section: "Свят",
		Image: &article.Image{URL: "https://img.news.example.bg/2025/12/nato.jpg", Width: 1200, Height: 800, Alt: "Знамена", Credit: "Снимка: EPA/BGNES"},
	}, {
		ID: "a2", Slug: "vtora", Title: "Без автор", Lead: "Увод.", Body: "<p>Текст.</p>",
		URL: "https://news.example.bg/svyat/vtora", PublishedAt: at.Add(-time.Hour), UpdatedAt: at.Add(-time.Hour),
		Status: article.StatusPublished, Section: "Свят",
	}}
	out := map[feed.Format][]byte{}
	for _, f := range feed.Formats {
		var b bytes.Buffer
		if err := ch.Render(&b, f, &feed.Document{Key: article.SiteFeed, Updated: at, Articles: as}); err != nil {
			t.Fatal(err)
		}
		out[f] = b.Bytes()
	}
	return out
}

// TestReaders: what Python feedparser and Miniflux 2.3.5 show of each
// format. Every author, in order where the reader keeps order; never the
// publication as an author of a signed story; the agency credit in the
// content; the photo as an enclosure with its type.
func TestReaders(t *testing.T) {
	docs := documents(t)
	const inOrder = "Петър Димитров, Мария Иванова"
	for _, rd := range []reader{
		// feedparser 6.0 (Debian 12's) reads no JSON Feed.
		{"feedparser", []feed.Format{feed.RSS, feed.Atom}, feedparser},
		{"miniflux", feed.Formats, miniflux},
	} {
		t.Run(rd.name, func(t *testing.T) {
			for _, f := range rd.formats {
				t.Run(f.String(), func(t *testing.T) {
					es := rd.parse(t, docs[f])
					if len(es) != 2 {
						t.Fatalf("%d entries, want 2", len(es))
					}
					signed, unsigned := es[0], es[1]
					switch {
					case f == feed.RSS:
						// One dc:creator: every reader shows the byline as written.
						if signed.Author != inOrder {
							t.Errorf("author = %q, want %q", signed.Author, inOrder)
						}
					case rd.name == "feedparser":
						// One <author> per author: feedparser's author is the
						// last one; its authors list has all, in order.
						if got := strings.Join(signed.Authors, ", "); got != inOrder {
							t.Errorf("authors = %q, want %q", got, inOrder)
						}
					default:
						// Miniflux joins Atom and JSON authors sorted by name.
						if want := "Мария Иванова, Петър Димитров"; signed.Author != want {
							t.Errorf("author = %q, want %q", signed.Author, want)
						}
					}
					if strings.Contains(signed.Author, "Новини") {
						t.Errorf("the publication is shown as an author: %q", signed.Author)
					}
					// An unsigned story: no author, except in Miniflux's Atom,
					// where the feed's author stands for its entries' (RFC 4287
					// 4.2.1; feedparser keeps it on the feed).
					wantUnsigned := ""
					if f == feed.Atom && rd.name == "miniflux" {
						wantUnsigned = "Новини"
					}
					if unsigned.Author != wantUnsigned {
						t.Errorf("unsigned story's author = %q, want %q", unsigned.Author, wantUnsigned)
					}
					if !strings.Contains(signed.Content, "Източник: БТА") {
						t.Errorf("content %q does not credit the source", signed.Content)
					}
					if strings.Contains(unsigned.Content, "Източник") {
						t.Errorf("content %q credits a source the story does not have", unsigned.Content)
					}
					photo := enclosure{"https://img.news.example.bg/2025/12/nato.jpg", "image/jpeg"}
					if !slices.Contains(signed.Enclosures, photo) {
						t.Errorf("enclosures %+v, want the photo %+v", signed.Enclosures, photo)
					}
				})
			}
		})
	}
}

// feedparser runs testdata/parse_feed.py under the Python that has
// feedparser: $FEEDPARSER_PYTHON, by default Debian's /usr/bin/python3 with
// python3-feedparser (the pyenv python first on PATH has none).
// scripts/prereqs.sh checks the same interpreter.
func feedparser(t *testing.T, doc []byte) []entry {
	t.Helper()
	py := os.Getenv("FEEDPARSER_PYTHON")
	if py == "" {
		py = "/usr/bin/python3"
	}
	if err := exec.Command(py, "-c", "import feedparser").Run(); err != nil {
		unavailable(t, "readers: Python feedparser is missing for "+py+": apt-get install -y python3-feedparser (FEEDPARSER_PYTHON names another Python)")
	}
	cmd := exec.Command(py, "testdata/parse_feed.py")
	cmd.Stdin = bytes.NewReader(doc)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("feedparser: %v: %s", err, stderr(err))
	}
	var res struct {
		Bozo          bool   `json:"bozo"`
		BozoException string `json:"bozo_exception"`
		Entries       []struct {
			Author     string   `json:"author"`
			Authors    []string `json:"authors"`
			Content    string   `json:"content"`
			Enclosures []struct {
				Href string `json:"href"`
				Type string `json:"type"`
			} `json:"enclosures"`
		} `json:"entries"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("feedparser output: %v\n%s", err, out)
	}
	if res.Bozo {
		t.Errorf("feedparser: not well-formed: %s", res.BozoException)
	}
	es := make([]entry, len(res.Entries))
	for i, e := range res.Entries {
		es[i] = entry{Author: e.Author, Authors: e.Authors, Content: e.Content}
		for _, x := range e.Enclosures {
			es[i].Enclosures = append(es[i].Enclosures, enclosure{x.Href, x.Type})
		}
	}
	return es
}

func stderr(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return string(ee.Stderr)
	}
	return ""
}

// minifluxVersion is the Miniflux whose parser is checked.
const minifluxVersion = "v2.3.5"

// miniflux runs Miniflux's feed parser (feedcheck) on doc.
func miniflux(t *testing.T, doc []byte) []entry {
	t.Helper()
	cmd := exec.Command(feedcheck(t), "https://feeds.news.example.bg/feeds/")
	cmd.Stdin = bytes.NewReader(doc)
	out, err := cmd.Output()
	var res struct {
		Error   string `json:"error"`
		Entries []struct {
			Author     string `json:"author"`
			Content    string `json:"content"`
			Enclosures []struct {
				URL      string `json:"url"`
				MimeType string `json:"mime_type"`
			} `json:"enclosures"`
		} `json:"entries"`
	}
	if jerr := json.Unmarshal(out, &res); jerr != nil || err != nil || res.Error != "" {
		t.Fatalf("miniflux: %v %s %s", err, res.Error, stderr(err))
	}
	es := make([]entry, len(res.Entries))
	for i, e := range res.Entries {
		es[i] = entry{Author: e.Author, Content: e.Content}
		for _, x := range e.Enclosures {
			es[i].Enclosures = append(es[i].Enclosures, enclosure{x.URL, x.MimeType})
		}
	}
	return es
}

// feedcheck builds testdata/miniflux/main.go inside a copy of
// miniflux.app/v2 (the parser is under internal/, so only a package of that
// module may import it) and returns the binary. The build is kept in the
// user's cache directory, keyed by the version and the source, so it is made
// once per machine: the first run downloads Miniflux's dependencies and
// compiles them (about a minute).
func feedcheck(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile("testdata/miniflux/main.go")
	if err != nil {
		t.Fatal(err)
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		unavailable(t, "readers: go is not on PATH: it builds Miniflux's parser")
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		unavailable(t, "readers: no cache directory for Miniflux's parser: "+err.Error())
	}
	sum := sha256.Sum256(append([]byte(minifluxVersion+"\n"), src...))
	root := filepath.Join(cache, "syndicate-readers")
	dir := filepath.Join(root, "miniflux-"+minifluxVersion+"-"+hex.EncodeToString(sum[:6]))
	bin := filepath.Join(dir, "feedcheck")
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	env := append(os.Environ(), "GOFLAGS=", "GOWORK=off")
	run := func(dir string, args ...string) []byte {
		t.Helper()
		cmd := exec.Command(goBin, args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.Output()
		if err != nil {
			unavailable(t, "readers: go "+strings.Join(args, " ")+": "+err.Error()+": "+strings.TrimSpace(stderr(err)))
		}
		return out
	}
	var mod struct{ Dir string }
	if err := json.Unmarshal(run(t.TempDir(), "mod", "download", "-json", "miniflux.app/v2@"+minifluxVersion), &mod); err != nil || mod.Dir == "" {
		t.Fatalf("go mod download: no module directory (%v)", err)
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	work, err := os.MkdirTemp(root, "build-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(work)
	if err := copyTree(mod.Dir, work); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(work, "internal", "feedcheck"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(work, "internal", "feedcheck", "main.go"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	run(work, "build", "-trimpath", "-o", "feedcheck", "./internal/feedcheck")
	// Another test run may have finished first; either build is good.
	if err := os.Rename(work, dir); err != nil {
		if _, serr := os.Stat(bin); serr != nil {
			t.Fatal(err)
		}
	}
	return bin
}

// copyTree copies the regular files under src to dst, writable (the module
// cache's are read-only).
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}
