// Package memlimit sets the Go runtime's soft memory limit from the memory
// a Lambda function is given, so that the garbage collector works harder
// as the heap nears it instead of the function being killed past it
// (without a limit, GOGC lets the heap grow to twice what is live).
package memlimit
