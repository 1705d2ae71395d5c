// Package shareapi is the HTTP face of the share function: share pages
// for crawlers and people, share cards, share links that count clicks,
// and oEmbed.
//
// Rules: only published articles are shown (a draft answers as a missing
// slug); a share page is one store read; a card is cached for good under
// its versioned URL and any other version is redirected to it; a share
// link never waits on the article (a 5-second in-process copy of its share
// target, one bounded read) and never answers 5xx (a failed read redirects
// from a recent copy, or to the dialog for the slug's share page).
package shareapi
