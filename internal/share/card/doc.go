// Package card draws the 1200×630 PNG share card of an article: the brand
// colour, the article's photo when an allowed origin serves it in time, the
// title wrapped and ellipsised, the site name, the section and the date.
//
// It is its own package because it is the only part of the share service
// that does image work and outbound HTTP: the fonts (the Go fonts, embedded
// in the binary, which cover Cyrillic) are parsed once here, and the photo
// fetcher enforces the origin allow-list, the timeout, the size caps and
// the decode budget (DecodeCost: a photo's decoding memory estimated from
// its header, refused over the budget; a few decodes at a time, under the
// fetch's deadline) in one place; see docs/share-cards.md.
//
// A card is a pure function of its Card value and the photo's bytes: no
// clock, no randomness, no map order, so the same article version always
// encodes to the same PNG and can be served with an immutable cache.
package card
