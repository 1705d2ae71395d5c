package secret

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/httpapi/adminapi"
)

// fakeSSM answers GetParameter from a map and counts calls.
type fakeSSM struct {
	values map[string]string
	err    error
	calls  int
	last   string
}

var _ ParameterGetter = (*fakeSSM)(nil)

func (f *fakeSSM) GetParameter(_ context.Context, name string) (string, error) {
	f.calls++
	f.last = name
	if f.err != nil {
		return "", f.err
	}
	v, ok := f.values[name]
	if !ok {
		return "", ErrMissing
	}
	return v, nil
}

func TestParameter(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		fake    *fakeSSM
		param   string
		want    string
		wantErr error
	}{
		{"found", &fakeSSM{values: map[string]string{"/syndicate/admin-token": "tok"}}, "/syndicate/admin-token", "tok", nil},
		{"missing", &fakeSSM{values: map[string]string{}}, "/nope", "", ErrMissing},
		{"empty", &fakeSSM{values: map[string]string{"/e": ""}}, "/e", "", ErrMissing},
		{"unreachable", &fakeSSM{err: errors.New("dial tcp: timeout")}, "/x", "", article.ErrUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parameter(tt.fake, tt.param)(ctx)
			if got != tt.want || !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Errorf("got %q, %v; want %q, %v", got, err, tt.want, tt.wantErr)
			}
			if tt.fake.last != tt.param {
				t.Errorf("asked for %q, want %q", tt.fake.last, tt.param)
			}
			if err != nil && errors.Is(err, ErrMissing) && errors.Is(err, article.ErrUnavailable) {
				t.Errorf("err = %v is both missing and unavailable", err)
			}
		})
	}
}

func TestParameterOnce(t *testing.T) {
	fake := &fakeSSM{err: errors.New("throttled")}
	src := adminapi.OnceToken(Parameter(fake, "/t"))
	if _, err := src(context.Background()); err == nil {
		t.Fatal("want an error while SSM fails")
	}
	fake.err = nil
	fake.values = map[string]string{"/t": "s3cret"}
	for range 3 {
		got, err := src(context.Background())
		if err != nil || got != "s3cret" {
			t.Fatalf("got %q, %v", got, err)
		}
	}
	if fake.calls != 2 {
		t.Errorf("SSM calls = %d, want 2 (one failure, then cached)", fake.calls)
	}
	fake.values["/t"] = "rotated"
	if got, _ := src(context.Background()); strings.Contains(got, "rotated") {
		t.Error("token fetched again after success")
	}
}
