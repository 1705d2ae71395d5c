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
// Speed (BenchmarkRender against BenchmarkGorilla, 50 articles of about
// 5 KB of Bulgarian HTML each; profiles with -cpuprofile). Where the time
// went, and what was done about it:
//
//   - The defensive XML check of every field was the largest single cost
//     (article.XMLText decodes rune by rune: ~9 µs per 5 KB body, 0.45 ms
//     per feed). textIsClean checks eight bytes at a time (ASCII words with
//     one subtraction, four Cyrillic two-byte sequences with two masks) and
//     is about twice as fast, allocation-free; dirty input still goes
//     through article.XMLText.
//   - Escaping the body as character data (gorilla's AtomContent) costs
//     encoding/xml a rune-by-rune escape of ~250 KB; Atom content is CDATA
//     here, as RSS content:encoded already is in gorilla, which encoding/xml
//     copies through, splitting "]]>".
//   - article.Slugify for Atom category terms is memoized per render.
//   - JSON: compact output with SetEscapeHTML(false), no MarshalIndent
//     (gorilla indents, which re-scans the whole output): 3-4x faster than
//     gorilla's WriteJSON.
//
// What remains is encoding/xml's reflection per element and attribute:
// our items carry more elements than gorilla's (categories, dc:creator,
// media:content with credit and description, enclosure), so RSS is slower
// than plain gorilla RSS though under the 1 ms target. The HTTP layer
// keeps rendered bytes by ETag (Cache), so an unchanged feed is rendered
// once per warm container whatever the render costs.
//
// Cache holds rendered feeds by validator (ETag), bounded by bytes, so a
// warm container does not render an unchanged feed twice.
package feed
