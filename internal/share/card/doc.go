// Package card draws the 1200×630 PNG share card of an article: the brand
// colour, the article's photo when an allowed origin serves it in time, the
// title wrapped and ellipsised, the site name, the section and the date.
//
// Rules: it is the share service's only image work and outbound HTTP, so
// the photo fetcher enforces the origin allow-list, the timeout, the size
// caps and the decode budget (DecodeCost: a photo's decoding memory from
// its header, refused over the budget; a few decodes at a time, under the
// fetch's deadline) in one place (docs/share-cards.md); fonts (the Go
// fonts, embedded, covering Latin, Greek and Cyrillic) are parsed once.
// Text is drawn from the Go fonts, emoji from a subset of Noto Color Emoji
// made by emojipack (emoji/, OFL); a code point neither has is dropped,
// never drawn as a box. A card is a pure
// function of its Card value and the photo's bytes (no clock, randomness or
// map order), so one article version always encodes to the same PNG and can
// be cached as immutable.
package card
