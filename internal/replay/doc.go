// Package replay redoes the WebSub pings of stream batches the notifier
// gave up on. Lambda's on-failure destination (the NotifyFailures queue)
// receives only a batch's metadata: shard, sequence numbers and the
// approximate arrival times of its first and last records. The stream
// keeps the records themselves 24 hours; the queue keeps the message 14
// days. So a replay does not re-read the stream: it takes the batch's time
// window, finds the articles whose last update falls in it, and pings the
// feeds those articles are in now, plus the site feed (docs/operations.md
// says what that recovers and what it cannot).
package replay
