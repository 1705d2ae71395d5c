// Package feedapi is the HTTP face of the feeds function: RSS, Atom and
// JSON Feed for the site and each section, tag and author, and the news
// sitemap.
//
// Rules: validators (ETag, Last-Modified) come from the feed's small head
// item alone, so a 304 reads nothing else; a feed is listed as of its head
// (article.FeedHead.ListedAsOf), so the head names what it shows and a
// scheduled save, which writes no head, changes nothing a client sees
// until the release; rendered documents are cached per container by ETag,
// with their gzip'd copies; a head read is reused for HeadTTL (one
// second) per container, which can delay a change by that much and can
// never reveal a scheduled story early (heads name no pending article).
package feedapi
