// Package wire is the admin API's article on the wire (docs/admin-api.md):
// the one JSON shape that the API answers and accepts back (adminapi) and
// that its clients send and read (importer's APIClient).
//
// Rules: it imports only the domain, so that a client links no HTTP
// routes; every member a stored article always has is omitempty only so
// that a client's write may leave it out (the server sets it); times are
// RFC 3339 with the precision they are stored with, so that a client that
// PUTs back what it got changes nothing.
package wire
