// Command feedcheck is copied into a copy of miniflux.app/v2 at
// internal/feedcheck by the readers tests: it parses the feed on stdin with
// Miniflux's own parser (the one its feed refresh uses) and prints the
// result as JSON, or {"error": ...}.
package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"

	"miniflux.app/v2/internal/reader/parser"
)

func main() {
	b, err := io.ReadAll(os.Stdin)
	if err == nil {
		var f any
		if f, err = parser.ParseFeed(os.Args[1], bytes.NewReader(b)); err == nil {
			_ = json.NewEncoder(os.Stdout).Encode(f)
			return
		}
	}
	_ = json.NewEncoder(os.Stdout).Encode(map[string]string{"error": err.Error()})
	os.Exit(1)
}
