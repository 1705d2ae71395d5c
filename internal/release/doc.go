// Package release is the deployed half of scheduled publishing: the
// handler a one-minute EventBridge Scheduler schedule invokes
// (functions/release), which releases every scheduled article whose time
// has come (dynamo.Store.Release). The release's write to each article's
// canonical item is the stream record from which the notifier invalidates
// the CDN and pings WebSub hubs, at the article's time rather than at its
// save. See docs/scheduling.md.
package release
