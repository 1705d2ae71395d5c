// Package adminapi is the HTTP face of the articles function: the
// newsroom's admin API (create, read, list, replace, delete), behind a
// bearer token compared in constant time.
//
// Rules: request bodies are decoded strictly (unknown fields, wrong types
// and oversized bodies are problems naming the field); ETag is the
// article's version and If-Match/If-None-Match pin every write to it;
// answers are never cached.
package adminapi
