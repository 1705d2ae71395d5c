// Package release is the deployed half of scheduled publishing: the
// handler a one-minute EventBridge Scheduler schedule invokes
// (functions/release), which releases every scheduled article whose time
// has come (dynamo.Store.Release). The release bumps the heads of each
// article's feeds, which is when feeds and the news sitemap list it (a
// scheduled save changes none of them), and its write to the canonical
// item is the stream record from which the notifier invalidates the CDN
// and pings WebSub hubs, within a minute of the article's time rather
// than at its save. See docs/scheduling.md.
package release
