// Package share renders what a social network's crawler reads when an
// article is shared: the share page with its OpenGraph, Twitter and
// schema.org JSON-LD metadata, the oEmbed answer, and the share links of the
// site's "Сподели" bar. Package card draws the PNG share card the page
// points to.
//
// It exists apart from the HTTP layer because every byte it writes is
// someone else's wire format (OpenGraph, oEmbed, JSON-LD) that must be
// escaped for its exact context; keeping it here, fed by the domain
// article and a Site, lets it be tested byte for byte (golden files) and
// against a hostile corpus without any server. The HTTP layer
// (shareapi.Register) only looks articles up, picks the variant and
// sets the caching headers.
//
// The page is written by hand rather than with html/template: it is a fixed
// shape, and the hand-written writer renders it in a few microseconds with
// a handful of allocations. Every value still goes through exactly one
// escaper for its context: appendText for element text, appendAttr for
// attribute values, safeURL before any URL is written (http and https
// only), and encoding/json with HTML escaping for the JSON-LD block and the
// redirect script, so "</script>" inside a title cannot end the block.
package share
