// Package prereqs holds the tests of scripts/prereqs.sh, what `make test`
// runs first: on a PATH made for each case (fake moto_server and cfn-lint
// that report chosen versions, a package index that does not answer), the
// script stops with one line naming the install command when the Python
// tools are missing, warns naming both versions when they differ from
// requirements-test.txt, and prints nothing when all is as pinned.
package prereqs
