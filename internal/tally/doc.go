// Package tally keeps the share total of every article for the admin
// list's most-shared order: it reads batches of the articles table's
// stream (functions/tally), and recomputes once per batch the total of
// each article whose counters or canonical item changed. Recomputing
// rather than adding deltas makes a retried batch harmless. Backfill
// does the same for every live article, once, for counts written before
// the aggregator ran (cmd/tally-backfill, docs/operations.md).
package tally
