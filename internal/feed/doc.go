// Package feed renders the public lists of articles, the site and each
// section, tag and author, as RSS 2.0, Atom 1.0 and JSON Feed 1.1, and the
// Google News sitemap, writing to an io.Writer.
//
// Why its own package: the wire formats are kept apart from the domain
// model. article.Article is mapped onto wire structs that embed
// github.com/gorilla/feeds' RssFeed, RssItem, AtomFeed, AtomEntry, JSONFeed
// and JSONItem and add what gorilla lacks (atom:link self/hub/next,
// content:encoded, dc:creator, media:content with media:credit and
// media:description, enclosure, ttl, channel image, xml:lang, JSON Feed 1.1
// authors, language, hubs and next_url). It is not a second feed library:
// gorilla's structs and encoding/xml / encoding/json do the encoding.
//
// Text safety: bodies are sanitized once, at write time, by article.Cleaner,
// and stored clean. Rendering still passes every field through a cheap
// check (cleanText) that returns the string itself when it is clean and
// falls back to article.XMLText otherwise, so no character XML 1.0 forbids
// reaches a document even if a store row was written around the Cleaner.
// Bodies go into CDATA sections (RSS content:encoded, Atom content); the
// encoder splits any "]]>" so it cannot close the section early.
//
// Speed: see perf notes at the end of this comment, kept current with the
// benchmarks (BenchmarkRender, BenchmarkGorilla).
//
// Cache holds rendered feeds by validator (ETag), bounded by bytes, so a
// warm container does not render an unchanged feed twice.
package feed
