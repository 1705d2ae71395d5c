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
// authors, language, hubs and next_url).
//
// The split between gorilla and our own writer: gorilla's RssFeed,
// AtomFeed and JSONFeed are the model of the channel, encoded by
// encoding/xml / encoding/json as before. The items are written by a small
// hand-written writer (items.go, xmlwrite.go, jsonwrite.go) that produces
// exactly the bytes encoding/xml and encoding/json produce for gorilla's
// RssItem, AtomEntry and JSONItem (plus our extensions): the previous,
// struct-based renderers are kept in reference_test.go as the oracle, and
// every render, over the golden fixtures, the hostile corpus, edge cases
// and fuzzed articles, must equal theirs byte for byte. The items are then
// spliced into the channel: an `xml:",innerxml"` field after the links for
// RSS and Atom, and bytes appended as the last member, "items", of the JSON
// object (a json.RawMessage would make encoding/json re-scan every item).
// The namespace prefixes the items use (content:, dc:, media:) are the
// ones declared on the roots (rssDoc, atomFeed), which never change.
//
// ItemCache keeps each rendered item by (site, format, article ID,
// version, updated time), bounded by bytes and shared by every feed and
// page of a warm container: an article shows in the site feed, its
// section, each tag and each author, so after its first render every
// other feed splices the cached bytes. Output is identical with and
// without it (tested).
//
// Text safety: bodies are sanitized once, at write time, by article.Cleaner,
// and stored clean. Rendering still passes every field through
// article.XMLText, which returns the string itself, without allocating, when
// it is clean, so no character XML 1.0 forbids reaches a document even if a
// store row was written around the Cleaner.
// Bodies go into CDATA sections (RSS content:encoded, Atom content); the
// encoder splits any "]]>" so it cannot close the section early.
//
// Speed (BenchmarkRender against BenchmarkGorilla, 50 articles of about
// 5 KB of Bulgarian HTML each; profiles with -cpuprofile). Where the time
// went, and what was done about it:
//
//   - The defensive XML check of every field was the largest single cost
//     (decoding rune by rune: ~9 µs per 5 KB body, 0.45 ms per feed).
//     article.XMLText now checks eight bytes at a time (ASCII words with
//     one subtraction, four Cyrillic two-byte sequences with two masks),
//     three to four times as fast, allocation-free; only dirty input is
//     stripped rune by rune. The write path's cleaning uses the same scan.
//
//   - Escaping the body as character data (gorilla's AtomContent) costs
//     encoding/xml a rune-by-rune escape of ~250 KB; Atom content is CDATA
//     here, as RSS content:encoded already is in gorilla, which encoding/xml
//     copies through, splitting "]]>".
//
//   - article.Slugify for Atom category terms is memoized per render.
//
//   - JSON: compact output with SetEscapeHTML(false), no MarshalIndent
//     (gorilla indents, which re-scans the whole output): 3-4x faster than
//     gorilla's WriteJSON.
//
//   - Items no longer go through encoding/xml's reflection nor through
//     encoding/json's rune-by-rune string encoder: the writers copy runs of
//     bytes that need no escaping and check two-byte (Cyrillic) sequences
//     inline. A first (cold) render of 50 items is now mostly the XML check
//     over the bodies and copying; a warm render (items cached) is the
//     channel's encoding plus one copy of the items, 13-32 µs for 50.
//
// The HTTP layer also keeps rendered documents by ETag (Cache), so an
// unchanged feed is not even spliced twice in a warm container.
//
// Cache holds rendered feeds by validator (ETag), bounded by bytes, so a
// warm container does not render an unchanged feed twice.
package feed
