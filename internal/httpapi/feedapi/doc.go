// Package feedapi is the HTTP face of the feeds function: RSS, Atom and
// JSON Feed for the site and each section, tag and author, and the news
// sitemap.
//
// Rules: validators (ETag, Last-Modified) come from the feed's small head
// item alone, so a 304 reads nothing else; rendered documents are cached
// per container by ETag, with their gzip'd copies.
package feedapi
