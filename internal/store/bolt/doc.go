// Package bolt is the embedded article store: one bbolt file under a data
// directory, for `make run` and single-process use (its buckets are listed
// in store.go).
//
// Rules: every Save is one bbolt Update transaction, so the version check,
// the slug lock, both indexes and the feed heads commit together or not at
// all, and bbolt's single writer makes the version check safe against
// concurrent writers in this process; a second process cannot open the
// file while one holds it.
package bolt
