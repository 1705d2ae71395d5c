// Package activitypub is the fediverse's wire format for this service:
// the publication's actor, stories as Note objects and their activities,
// WebFinger, host-meta and NodeInfo documents, and the decoding of the
// activities peers post to the inbox.
//
// Rules: it knows no HTTP routes, store or Lambda; every document is built
// from an article.Article and a Publication, with ids that depend on the
// article's ID only (never its slug), so a renamed story keeps its id.
// Text goes into HTML escaped here; nothing a peer sends is trusted beyond
// its shape (Decode bounds and checks it).
package activitypub
