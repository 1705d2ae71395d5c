// Command staticfeed is the static-bytes server of make bench's hot-path
// comparison: it answers every request with the bytes of one file and the
// headers given on its command line, as fast as net/http can, so the local
// server's cached RSS path can be compared with a server that does no work
// of its own. It listens on 127.0.0.1 on an ephemeral port and prints the
// port as its first line of output.
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
)

func main() {
	body := flag.String("body", "", "file whose bytes every response carries")
	contentType := flag.String("type", "application/rss+xml; charset=utf-8", "Content-Type of every response")
	encoding := flag.String("encoding", "", "Content-Encoding of every response (empty: none)")
	flag.Parse()
	b, err := os.ReadFile(*body)
	if err != nil {
		fmt.Fprintln(os.Stderr, "staticfeed:", err)
		os.Exit(1)
	}
	length := strconv.Itoa(len(b))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "staticfeed:", err)
		os.Exit(1)
	}
	fmt.Println(ln.Addr().(*net.TCPAddr).Port)
	err = http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", *contentType)
		h.Set("Content-Length", length)
		if *encoding != "" {
			h.Set("Content-Encoding", *encoding)
		}
		if r.Method != http.MethodHead {
			w.Write(b)
		}
	}))
	fmt.Fprintln(os.Stderr, "staticfeed:", err)
	os.Exit(1)
}
