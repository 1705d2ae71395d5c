// Package outbox is the fediverse delivery queue on SQS: Queue is the
// federator's fediverse.Outbox (SendMessageBatch, ten at a time) and
// Handler the deliver function's side (an SQS event in, each delivery
// tried through fediverse.Deliverer, failures backed off with
// ChangeMessageVisibility). SQS's wire types stay here.
//
// The queue is FIFO, MessageGroupId the inbox's host and
// MessageDeduplicationId a hash of the story change and the inbox: SQS
// hands out a group's messages one batch at a time, so deliveries to one
// host are sequential fleet-wide (one connection per host at most, with
// no lock of our own) and a host in backoff holds back only its own
// group; a stream record announced twice within SQS's five-minute window
// is queued once. Rules: within a batch a host's messages are tried in
// order and the first that must wait stops its host (it and the rest of
// that host are reported as failures, with its backoff as their
// visibility; other hosts' go on, as Powertools' FIFO processor does
// with skip_group_on_error); attempts are counted by
// ApproximateReceiveCount, and the queue's redrive policy
// (maxReceiveCount = fediverse.Policy.Attempts) moves a delivery failing
// its last attempt to the dead-letter queue.
package outbox
