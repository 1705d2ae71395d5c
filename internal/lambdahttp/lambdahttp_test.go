package lambdahttp

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/newsdesk/syndicate/internal/httpapi"
)

func event(method, path, query string) events.APIGatewayV2HTTPRequest {
	var e events.APIGatewayV2HTTPRequest
	e.Version = "2.0"
	e.RawPath = path
	e.RawQueryString = query
	e.Headers = map[string]string{"host": "api.example.bg", "accept": "application/json"}
	e.RequestContext.HTTP.Method = method
	e.RequestContext.HTTP.Path = path
	e.RequestContext.HTTP.SourceIP = "203.0.113.9"
	e.RequestContext.RequestID = "req-123"
	e.RequestContext.DomainName = "api.example.bg"
	return e
}

func TestRoundTrip(t *testing.T) {
	var got *http.Request
	var gotBody string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		b, _ := io.ReadAll(r.Body)
		gotBody = string(b)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Add("Set-Cookie", "a=1")
		w.Header().Add("Vary", "Accept")
		w.Header().Add("Vary", "Accept-Encoding")
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"title":"Южна Корея"}`)
	})
	e := event("POST", "/share/yuzhna%2Fkoreya", "limit=5&cursor=x")
	e.Body = base64.StdEncoding.EncodeToString([]byte(`{"title":"НАТО"}`))
	e.IsBase64Encoded = true
	e.Cookies = []string{"s=1", "t=2"}
	res, err := New(h)(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, got, want string }{
		{"method", got.Method, "POST"},
		{"escaped path", got.URL.EscapedPath(), "/share/yuzhna%2Fkoreya"},
		{"query", got.URL.Query().Get("limit"), "5"},
		{"host", got.Host, "api.example.bg"},
		{"request id", got.Header.Get("X-Request-Id"), "req-123"},
		{"cookie", got.Header.Get("Cookie"), "s=1; t=2"},
		{"remote", got.RemoteAddr, "203.0.113.9"},
		{"body", gotBody, `{"title":"НАТО"}`},
		{"response body", res.Body, `{"title":"Южна Корея"}`},
		{"vary", res.Headers["Vary"], "Accept, Accept-Encoding"},
	} {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
		}
	}
	if res.StatusCode != 201 || res.IsBase64Encoded || len(res.Cookies) != 1 {
		t.Errorf("got status %d base64 %v cookies %v", res.StatusCode, res.IsBase64Encoded, res.Cookies)
	}
}

func TestBinaryBody(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\xff")
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write(png)
	})
	res, err := New(h)(context.Background(), event("GET", "/share/x/card.png", ""))
	if err != nil {
		t.Fatal(err)
	}
	if !res.IsBase64Encoded || res.Body != base64.StdEncoding.EncodeToString(png) {
		t.Errorf("got base64=%v body %q", res.IsBase64Encoded, res.Body)
	}
}

func TestMalformedEvent(t *testing.T) {
	if _, err := New(http.NotFoundHandler())(context.Background(), events.APIGatewayV2HTTPRequest{}); err == nil {
		t.Error("got nil error for an event without a method")
	}
}

// A raw path with an empty first segment is a path, as a server reads it,
// not a host: "//host/articles" must not reach the handler as host "host"
// and path "/articles", and the router answers it as no route.
func TestEmptyFirstSegmentIsPath(t *testing.T) {
	for _, raw := range []string{"//host/articles", "//evil.example/share/x", "///articles"} {
		t.Run(raw, func(t *testing.T) {
			var got *http.Request
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r })
			if _, err := New(h)(context.Background(), event("GET", raw, "a=1")); err != nil {
				t.Fatal(err)
			}
			if got.URL.Path != raw || got.URL.Host != "" || got.RequestURI != raw+"?a=1" {
				t.Errorf("path %q host %q request URI %q; want path %q, no host", got.URL.Path, got.URL.Host, got.RequestURI, raw)
			}
			if got.Host != "api.example.bg" {
				t.Errorf("Host %q, want the header's api.example.bg", got.Host)
			}
		})
	}
}

func TestEmptyFirstSegmentRouterNotFound(t *testing.T) {
	rt := httpapi.NewRouter()
	rt.HandleFunc(http.MethodGet, "/articles", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("//host/articles reached /articles")
	})
	res, err := New(rt)(context.Background(), event("GET", "//host/articles", ""))
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusNotFound || res.Headers["Content-Type"] != "application/problem+json" {
		t.Errorf("got %d %q, want a 404 problem", res.StatusCode, res.Headers["Content-Type"])
	}
}
