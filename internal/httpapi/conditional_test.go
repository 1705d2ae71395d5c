package httpapi

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestParseETags(t *testing.T) {
	tests := []struct {
		name    string
		lines   []string
		want    ETags
		wantErr bool
	}{
		{"any", []string{"*"}, ETags{Any: true}, false},
		{"one strong", []string{`"3"`}, ETags{List: []ETag{{Opaque: "3"}}}, false},
		{"weak and strong", []string{`W/"a", "b"`}, ETags{List: []ETag{{Opaque: "a", Weak: true}, {Opaque: "b"}}}, false},
		{"repeated lines join", []string{`"a"`, `"b"`}, ETags{List: []ETag{{Opaque: "a"}, {Opaque: "b"}}}, false},
		{"empty members skipped", []string{` , "a" ,`}, ETags{List: []ETag{{Opaque: "a"}}}, false},
		{"empty opaque", []string{`""`}, ETags{List: []ETag{{Opaque: ""}}}, false},
		{"unquoted", []string{`abc`}, ETags{}, true},
		{"one bad among good", []string{`"a", b`}, ETags{}, true},
		{"quote inside", []string{`"a"b"`}, ETags{}, true},
		{"space inside", []string{`"a b"`}, ETags{}, true},
		{"star in a list", []string{`*, "a"`}, ETags{}, true},
		{"only commas", []string{` , `}, ETags{}, true},
		{"empty", []string{""}, ETags{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{"If-Match": tt.lines}
			got, present, err := ParseETags(h, "if-match")
			if !present {
				t.Fatal("present = false")
			}
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if got.Any != tt.want.Any || len(got.List) != len(tt.want.List) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
			for i := range got.List {
				if got.List[i] != tt.want.List[i] {
					t.Fatalf("got %+v, want %+v", got, tt.want)
				}
			}
		})
	}
	if _, present, err := ParseETags(http.Header{}, "If-Match"); present || err != nil {
		t.Errorf("absent header: present %v, err %v", present, err)
	}
}

func TestETagsMatch(t *testing.T) {
	tests := []struct {
		header       string
		etag         string
		strong, weak bool
	}{
		{`"3"`, `"3"`, true, true},
		{`W/"3"`, `"3"`, false, true},
		{`"3"`, `W/"3"`, false, true},
		{`W/"3"`, `W/"3"`, false, true},
		{`"4", "3"`, `"3"`, true, true},
		{`"03"`, `"3"`, false, false},
		{`*`, `"anything"`, true, true},
		{`"3"`, `3`, false, false}, // not an entity tag
	}
	for _, tt := range tests {
		t.Run(tt.header+" vs "+tt.etag, func(t *testing.T) {
			l, err := parseETags(tt.header)
			if err != nil {
				t.Fatal(err)
			}
			if got := l.MatchStrong(tt.etag); got != tt.strong {
				t.Errorf("MatchStrong = %v, want %v", got, tt.strong)
			}
			if got := l.MatchWeak(tt.etag); got != tt.weak {
				t.Errorf("MatchWeak = %v, want %v", got, tt.weak)
			}
		})
	}
}

func TestNotModified(t *testing.T) {
	mod := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	const etag = `W/"feed-7"`
	tests := []struct {
		name    string
		header  http.Header
		lastMod time.Time
		want    bool
	}{
		{"no validators", http.Header{}, mod, false},
		{"etag matches weakly", http.Header{"If-None-Match": {`"feed-7"`}}, mod, true},
		{"second line matches", http.Header{"If-None-Match": {`"x"`, `W/"feed-7"`}}, mod, true},
		{"etag differs", http.Header{"If-None-Match": {`"feed-6"`}}, mod, false},
		{"etag wins over date", http.Header{"If-None-Match": {`"feed-6"`}, "If-Modified-Since": {mod.Format(http.TimeFormat)}}, mod, false},
		{"malformed etag never matches", http.Header{"If-None-Match": {`feed-7`}}, mod, false},
		{"star", http.Header{"If-None-Match": {`*`}}, mod, true},
		{"same date", http.Header{"If-Modified-Since": {mod.Format(http.TimeFormat)}}, mod, true},
		{"later date", http.Header{"If-Modified-Since": {mod.Add(time.Hour).Format(http.TimeFormat)}}, mod, true},
		{"earlier date", http.Header{"If-Modified-Since": {mod.Add(-time.Second).Format(http.TimeFormat)}}, mod, false},
		{"bad date", http.Header{"If-Modified-Since": {"yesterday"}}, mod, false},
		{"date without last modification", http.Header{"If-Modified-Since": {mod.Format(http.TimeFormat)}}, time.Time{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/feed.xml", nil)
			r.Header = tt.header
			if got := NotModified(r, etag, tt.lastMod); got != tt.want {
				t.Errorf("NotModified = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestAcceptsGzip(t *testing.T) {
	tests := []struct {
		values []string
		want   bool
	}{
		{nil, false},
		{[]string{"gzip"}, true},
		{[]string{"br, GZIP;q=0.5"}, true},
		{[]string{"x-gzip"}, true},
		{[]string{"gzip;q=0"}, false},
		{[]string{"gzip;q=0.0"}, false},
		{[]string{"deflate", "gzip"}, true},
		{[]string{"identity"}, false},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header["Accept-Encoding"] = tt.values
		if got := AcceptsGzip(r); got != tt.want {
			t.Errorf("AcceptsGzip(%q) = %v, want %v", tt.values, got, tt.want)
		}
	}
}

func TestGzipRoundTrip(t *testing.T) {
	in := bytes.Repeat([]byte("Южна Корея и НАТО "), 200)
	for range 3 { // the pooled writer is reused
		zr, err := gzip.NewReader(bytes.NewReader(Gzip(in)))
		if err != nil {
			t.Fatal(err)
		}
		out, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(out, in) {
			t.Fatalf("round trip: err %v, equal %v", err, bytes.Equal(out, in))
		}
	}
}
