// Command staticfeed is the static-bytes server of make bench's hot-path
// comparison: it answers every request with the bytes of one file and the
// headers given on its command line (and, with -headers, every header of
// a file in MIME form, as the local server sent them), as fast as net/http
// can, so the local server's cached RSS path can be compared with a server
// that does no work of its own. It listens on 127.0.0.1 on an ephemeral
// port and prints the port as its first line of output.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/textproto"
	"os"
	"strconv"
)

func main() {
	body := flag.String("body", "", "file whose bytes every response carries")
	contentType := flag.String("type", "application/rss+xml; charset=utf-8", "Content-Type of every response")
	encoding := flag.String("encoding", "", "Content-Encoding of every response (empty: none)")
	headers := flag.String("headers", "", "file of further response headers in MIME form, \"Key: value\" lines (empty: none)")
	flag.Parse()
	b, err := os.ReadFile(*body)
	if err != nil {
		fmt.Fprintln(os.Stderr, "staticfeed:", err)
		os.Exit(1)
	}
	extra := http.Header{}
	if *headers != "" {
		f, err := os.Open(*headers)
		if err != nil {
			fmt.Fprintln(os.Stderr, "staticfeed:", err)
			os.Exit(1)
		}
		m, err := textproto.NewReader(bufio.NewReader(f)).ReadMIMEHeader()
		f.Close()
		if err != nil && !errors.Is(err, io.EOF) {
			fmt.Fprintln(os.Stderr, "staticfeed: -headers:", err)
			os.Exit(1)
		}
		extra = http.Header(m)
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
		for k, v := range extra {
			h[k] = v
		}
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
