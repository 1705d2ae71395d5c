// Package seed holds the sample articles a fresh local store starts with,
// and that tests elsewhere use as fixtures: one real article of the
// publisher (testdata/seed-article-bg.txt, kept as Go data so nothing reads
// ../shared at run time), the three related articles listed under it, and a
// draft, so that `make run` shows every kind of page at once.
package seed
