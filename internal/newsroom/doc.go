// Package newsroom is the write path of the admin API: the Service that
// applies the newsroom's rules (defaults, validation, slugs, versions,
// tombstones) on top of a Store, and the Sanitizer that cleans an article
// once, when it is written.
//
// Rules: whatever a Store holds has been through Sanitize, so readers
// (feeds, share pages) render stored text as it is; a write is pinned to
// the version it read, so concurrent writers get ErrVersionMismatch rather
// than lose an edit. Only the articles and follow functions, the local
// server and cmd/import (through internal/importer, which cleans an item as
// the Service would to compare it with what is stored) link this package
// (and bluemonday with it).
package newsroom
