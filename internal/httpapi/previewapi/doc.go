// Package previewapi is the articles function's preview studio routes
// (package studio draws the pages): the index, each article's preview and
// its card, and a browser sign-in that trades the admin token for a signed
// session cookie. Every page is HTML under a strict Content-Security-Policy
// without scripts; docs/preview.md is the user's guide.
package previewapi
