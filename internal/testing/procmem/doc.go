// Package procmem reads a process's memory as Linux reports it in
// /proc/self/status, for tests that hold code to a memory bound the way a
// Lambda function is held to its size: by the peak resident set (VmHWM),
// not by the Go heap. Such tests measure a process of their own built
// without -race, whose shadow memory would count otherwise.
package procmem
