// Package importer brings an existing site in: it reads a WordPress WXR
// export, an RSS 2.0, Atom 1.0 or JSON Feed 1.1 document (with its archive
// pages when asked) or the WordPress REST API, maps every post to an
// article.Article under a stable ID (ArticleID), and writes what changed
// through a Sink: the admin API over HTTP (APIClient) or the newsroom
// Service directly (ServiceSink). Re-running an import writes nothing; an
// interrupted one resumes because the server itself is the state.
//
// The mapping is documented in docs/import.md. cmd/import and the
// scheduled follow function share this package.
package importer
