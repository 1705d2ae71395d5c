// Package feed renders the public lists of articles (the site and each
// section, tag and author) as RSS 2.0, Atom 1.0 and JSON Feed 1.1, and the
// Google News sitemap.
//
// Rules:
//   - One renderer: github.com/gorilla/feeds' structs, extended by embedding
//     with what gorilla lacks, encoded by encoding/xml and encoding/json
//     (compact, no HTML escaping). Nothing is written by hand: a cold
//     render of 50 articles measured 0.94 / 1.25 / 0.86 ms (RSS / Atom /
//     JSON, 2026-11-30, load 1.4) against 0.67 / 0.80 / 0.73 ms for the
//     hand-written writers it replaced on the same machine, and happens
//     once per feed change per container (Cache serves the rest).
//   - Every text field passes through article.DropXMLForbidden, so no
//     character XML 1.0 forbids reaches a document, even from a row written
//     around newsroom's Sanitizer. Bodies are CDATA in RSS and Atom; encoding/xml splits "]]>".
//   - Shaped for what real readers show (docs/feed-readers.md, checked by
//     tools/bench/readers with Python feedparser and Miniflux): one RSS
//     dc:creator with every author in order, the agency credit after the
//     content, the JSON photo also as an attachment, no JSON feed authors.
//   - Output that changes for the same data needs a new feed validator
//     version in the HTTP layer (feedRenderVersion).
//   - Cache keeps rendered documents by validator, bounded by bytes, so a
//     warm container renders an unchanged feed once.
package feed
