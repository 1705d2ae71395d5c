// Package share renders what a social network's crawler reads when an
// article is shared: the share page (OpenGraph, Twitter and schema.org
// JSON-LD), the oEmbed answer, and the share links of the "Сподели" bar.
// Package card draws the PNG the page points to; shareapi serves them.
//
// Rules: every byte is someone else's wire format, so every value passes
// through exactly one escaper for its context: appendText for element
// text, appendAttr for attribute values, safeURL (http and https only)
// before any URL, and encoding/json with HTML escaping for the JSON-LD block
// and the redirect script, so "</script>" in a title cannot end it. The
// page is written by hand (a fixed shape, a few microseconds), and tested
// byte for byte against golden files and a hostile corpus.
package share
