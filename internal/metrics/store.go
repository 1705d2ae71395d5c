package metrics

import (
	"bytes"
	"io"
	"net/http"
	"time"
)

// Doer sends an HTTP request: the AWS SDK's HTTPClient.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// StoreClient wraps the DynamoDB client's HTTP client: every attempt is
// recorded in the Recorder of the request's context (none outside a
// request), with its latency, and as an error when it did not reach
// DynamoDB, DynamoDB failed (5xx) or throttled it. Other 400s (a failed
// condition, a missing item) are answers, not errors.
func StoreClient(next Doer) Doer {
	return storeClient{next}
}

type storeClient struct{ next Doer }

// maxPeek is how much of a 400 body is read to tell throttling from
// answers; DynamoDB's error bodies are a few hundred bytes.
const maxPeek = 4 << 10

func (c storeClient) Do(r *http.Request) (*http.Response, error) {
	rec := FromContext(r.Context())
	if rec == nil {
		return c.next.Do(r)
	}
	start := time.Now()
	resp, err := c.next.Do(r)
	failed := err != nil || resp.StatusCode >= 500
	if err == nil && resp.StatusCode == http.StatusBadRequest {
		head, rerr := io.ReadAll(io.LimitReader(resp.Body, maxPeek))
		rest := resp.Body
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(head), rest), rest}
		failed = rerr != nil || throttled(head)
	}
	rec.Store(time.Since(start), failed)
	return resp, err
}

func throttled(body []byte) bool {
	for _, s := range [][]byte{[]byte("Throttl"), []byte("ProvisionedThroughputExceeded"), []byte("RequestLimitExceeded")} {
		if bytes.Contains(body, s) {
			return true
		}
	}
	return false
}
