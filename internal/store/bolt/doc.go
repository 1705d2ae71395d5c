// Package bolt is the embedded article store: one bbolt file under a data
// directory, for local runs and single-process deployments.
//
// Layout, one bucket per access path:
//
//	articles  ID → JSON record (a private struct, apart from the API's JSON)
//	slugs     slug → ID; a tombstone keeps its slug, so it is never reused
//	admin     sort key → ID of every live article, drafts included
//	feeds     one nested bucket per feed ("site", "section/svyat", …):
//	          sort key → ID of every public article in that feed
//	heads     feed → JSON {rev, updatedAt, name}
//	shares    ID → JSON {network: count}
//
// A sort key is the article's sort time in UTC at fixed width, "#", its ID
// (see internal/store/internal/rules), so a bucket cursor walked backwards
// lists newest first.
//
// Every Save is one bbolt Update transaction: the version check, the slug
// lock, both indexes and the feed heads commit together or not at all.
// bbolt runs one writer at a time, which is what makes the version condition
// safe against concurrent writers in this process; a second process cannot
// open the file while this one holds it.
package bolt
