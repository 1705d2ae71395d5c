package secret

import (
	"context"
	"errors"
	"testing"

	"github.com/newsdesk/syndicate/internal/article"
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
