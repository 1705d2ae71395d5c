// Package article is the domain at the centre of the service: the Article
// type, its validation, slugs (Bulgarian Streamlined System
// transliteration), feed keys, the text rules every format shares, and the
// error vocabulary every other package wraps.
//
// Nothing here knows about HTTP, Lambda, DynamoDB or HTML sanitizing:
// packages that do map their wire formats to and from these types.
package article
