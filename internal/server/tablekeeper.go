package server

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// maxErrorBody caps how much of a 400 answer is read to recognise a missing
// table; DynamoDB's error bodies are a few hundred bytes.
const maxErrorBody = 64 << 10

// recreateTimeout bounds re-creating and re-seeding a missing table. It is
// not the request's deadline: a slow first request must not leave the
// table half-seeded.
const recreateTimeout = 30 * time.Second

// doer is the HTTP client the AWS SDK sends with.
type doer interface {
	Do(*http.Request) (*http.Response, error)
}

// tableKeeper is the local DynamoDB client's transport. moto and DynamoDB
// Local keep tables in memory: after they restart, every call answers
// ResourceNotFoundException. The keeper then re-creates the table and the
// sample articles (ensure) and sends the call again, so the local server
// heals instead of answering 500 until it is restarted itself. It is never
// used deployed, where a missing table is an operator's problem.
type tableKeeper struct {
	next doer
	log  *slog.Logger
	// mu makes concurrent calls that find the table missing wait for one
	// re-creation.
	mu sync.Mutex
	// ensure creates the table if missing and seeds it if empty. It is set
	// once the server is built, while goroutines the build started (the
	// seed's fediverse announcements) may already be sending calls through
	// the keeper: hence atomic. Until then calls pass straight through.
	ensure atomic.Pointer[func(context.Context) error]
	// client is the DynamoDB client sending through the keeper, set before
	// its first call.
	client *dynamodb.Client
}

// keep makes the keeper re-create the table with ensure from now on.
func (k *tableKeeper) keep(ensure func(context.Context) error) { k.ensure.Store(&ensure) }

// ensuring marks the context of ensure's own calls, which must pass
// straight through (and cannot wait for mu, which their caller holds).
type ensuring struct{}

func (k *tableKeeper) Do(r *http.Request) (*http.Response, error) {
	ensure := k.ensure.Load()
	if ensure == nil || r.Context().Value(ensuring{}) != nil {
		return k.next.Do(r)
	}
	var body []byte
	if r.Body != nil && r.Body != http.NoBody {
		b, err := io.ReadAll(r.Body)
		_ = r.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	resp, err := k.next.Do(r)
	if err != nil || resp.StatusCode != http.StatusBadRequest {
		return resp, err
	}
	head, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	rest := resp.Body
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), rest), rest}
	if err != nil || !bytes.Contains(head, []byte("ResourceNotFoundException")) {
		return resp, nil
	}
	if err := k.recreate(r.Context(), *ensure); err != nil {
		k.log.Error("server: table missing and not re-created", slog.String("error", err.Error()))
		return resp, nil
	}
	_ = resp.Body.Close()
	again := r.Clone(r.Context())
	again.Body = io.NopCloser(bytes.NewReader(body))
	return k.next.Do(again)
}

func (k *tableKeeper) recreate(ctx context.Context, ensure func(context.Context) error) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.WithValue(context.WithoutCancel(ctx), ensuring{}, true), recreateTimeout)
	defer cancel()
	k.log.Warn("server: the DynamoDB table is missing (did the local DynamoDB restart?); re-creating and re-seeding it")
	return ensure(ctx)
}
