// Package fediverse is the newsroom's side of the fediverse: who follows
// it, what peers did with its stories (likes, boosts, replies), the keys
// of peers it has verified, the rules of the inbox, and delivery: the
// Federator turns a story change into one Delivery per unique inbox for
// an Outbox (package outbox's SQS queue deployed, Direct under make run),
// and the Deliverer sends one, with the retry schedule (Policy) and the
// health of each peer host (a host failing for days is skipped, then its
// followers pruned).
//
// Rules: the types here are what the stores keep (store/bolt and
// store/dynamo implement Store; storetest checks both); activities are
// acted on only once their signer is their actor; every write is keyed so
// that the same activity applied twice changes nothing; a reply's text is
// kept as plain text, never as the peer's HTML. The wire format is package
// activitypub; HTTP is package httpapi/fediapi.
package fediverse
