// Package article is the domain at the centre of the service: the Article
// type, its validation, slugs (Bulgarian Streamlined System transliteration),
// the cleaning done once at write time, the error vocabulary shared by every
// other package, and the Service that applies the write rules (defaults,
// versions, tombstones) on top of a Store.
//
// Nothing here knows about HTTP, Lambda or DynamoDB: packages that do map
// their wire formats to and from these types.
package article
