// Package studio is the share preview studio: from exactly the data a share
// page gives crawlers (share.Meta) it draws how each network shows the
// link, checks the story against each network's limits, and charts its
// shares. It renders HTML only; the routes, sign-in and Content-Security-
// Policy are package previewapi's. Every limit it applies is in networks.go
// with its source in docs/preview.md.
package studio
