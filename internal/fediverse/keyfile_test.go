package fediverse_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newsdesk/syndicate/internal/fediverse"
	"github.com/newsdesk/syndicate/internal/httpsig"
)

// TestKeyFrom: the deployed functions' key, read from their parameter: the
// key put there, the parameter's error as it is, and a value that is no
// key refused without showing it.
func TestKeyFrom(t *testing.T) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pemBytes, err := httpsig.PrivateKeyPEM(k)
	if err != nil {
		t.Fatal(err)
	}
	errMissing := errors.New("secret: get /syndicate/fediverse-key: missing")
	value := func(v string, err error) func(context.Context) (string, error) {
		return func(context.Context) (string, error) { return v, err }
	}
	got, err := fediverse.KeyFrom(t.Context(), value(string(pemBytes), nil))
	if err != nil || !got.Equal(k) {
		t.Errorf("KeyFrom = %v, %v; want the key put", got, err)
	}
	if _, err := fediverse.KeyFrom(t.Context(), value("", errMissing)); !errors.Is(err, errMissing) {
		t.Errorf("err = %v, want the parameter's", err)
	}
	if _, err := fediverse.KeyFrom(t.Context(), value("hunter2", nil)); err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("err = %v, want one without the value", err)
	}
	// The local server's key file and the parameter hold the same form.
	path := filepath.Join(t.TempDir(), "fediverse-key.pem")
	fk, err := fediverse.KeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fromFile, _ := httpsig.PrivateKeyPEM(fk)
	if got, err := fediverse.KeyFrom(t.Context(), value(string(fromFile), nil)); err != nil || !got.Equal(fk) {
		t.Errorf("KeyFrom(key file's PEM) = %v, %v", got, err)
	}
}
