// Package procmem reads a process's memory as Linux reports it in
// /proc/PID/status (VmRSS, VmHWM), for tests that hold code to a memory
// bound the way a Lambda function is held to its size, by the peak
// resident set rather than the Go heap, and for the benchmark harness's
// memory section. Such tests measure a process of their own built without
// -race, whose shadow memory would count otherwise.
package procmem
