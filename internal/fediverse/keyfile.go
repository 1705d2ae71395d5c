package fediverse

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/newsdesk/syndicate/internal/httpsig"
)

// KeyBits is the size of the actor's RSA key, as Mastodon's.
const KeyBits = 2048

// KeyFrom reads the actor's private key (PEM, PKCS #1 or #8) from get,
// the deployed functions' SSM SecureString (secret.Parameter). Its errors
// are get's, or one saying the value is not such a key, never carrying
// the value.
func KeyFrom(ctx context.Context, get func(context.Context) (string, error)) (*rsa.PrivateKey, error) {
	v, err := get(ctx)
	if err != nil {
		return nil, err
	}
	k, err := httpsig.ParsePrivateKey([]byte(v))
	if err != nil {
		return nil, fmt.Errorf("fediverse: key parameter: %w", err)
	}
	return k, nil
}

// KeyFile reads the actor's private key from path, making one there
// (mode 0600) the first time: the local server's stand-in for the SSM
// parameter the deployed function reads.
func KeyFile(path string) (*rsa.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		k, err := httpsig.ParsePrivateKey(b)
		if err != nil {
			return nil, fmt.Errorf("fediverse: key file %s: %w", path, err)
		}
		return k, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("fediverse: key file: %w", err)
	}
	k, err := rsa.GenerateKey(rand.Reader, KeyBits)
	if err != nil {
		return nil, fmt.Errorf("fediverse: key file: %w", err)
	}
	pemBytes, err := httpsig.PrivateKeyPEM(k)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("fediverse: key file: %w", err)
	}
	// O_EXCL: two processes starting at once keep the first one's key.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return KeyFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("fediverse: key file: %w", err)
	}
	if _, err := f.Write(pemBytes); err != nil {
		f.Close()
		return nil, fmt.Errorf("fediverse: key file: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("fediverse: key file: %w", err)
	}
	return k, nil
}
