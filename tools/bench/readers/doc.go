// Package readers checks the service's feeds with real feed readers: Python
// feedparser (Debian's python3-feedparser, under /usr/bin/python3) and the
// feed parser of Miniflux 2.3.5 (built from the Go module proxy into the
// user's cache directory once; Miniflux keeps it under internal/, so a tiny
// main package is added to a copy of the module, never to the service's
// go.mod). Its tests run in `make test` (docs/feed-readers.md).
package readers
