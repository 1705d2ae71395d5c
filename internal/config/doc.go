// Package config reads the service's configuration from the environment
// once, at start, and validates it, so that a bad value stops a function at
// its cold start with an error naming the variable rather than failing
// requests later.
package config
