package secret

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/httpapi"
)

// fakeSSM answers GetParameter from a map and counts calls.
type fakeSSM struct {
	values map[string]string
	err    error
	calls  int
	last   *ssm.GetParameterInput
}

func (f *fakeSSM) GetParameter(_ context.Context, in *ssm.GetParameterInput, _ ...func(*ssm.Options)) (*ssm.GetParameterOutput, error) {
	f.calls++
	f.last = in
	if f.err != nil {
		return nil, f.err
	}
	v, ok := f.values[aws.ToString(in.Name)]
	if !ok {
		return nil, &types.ParameterNotFound{Message: aws.String("not found")}
	}
	return &ssm.GetParameterOutput{Parameter: &types.Parameter{Value: aws.String(v)}}, nil
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
			if in := tt.fake.last; in == nil || !aws.ToBool(in.WithDecryption) || aws.ToString(in.Name) != tt.param {
				t.Errorf("request = %+v, want %s WithDecryption", in, tt.param)
			}
		})
	}
}

func TestParameterOnce(t *testing.T) {
	fake := &fakeSSM{err: errors.New("throttled")}
	src := httpapi.OnceToken(Parameter(fake, "/t"))
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
