package benchmark

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/newsdesk/syndicate/internal/testing/procmem"
)

// Build runs `go build` for pkg into out with extra env (GOOS, GOARCH...)
// and flags, from the module root dir.
func Build(ctx context.Context, dir, out, pkg string, env []string, flags ...string) error {
	args := append([]string{"build", "-o", out}, flags...)
	cmd := exec.CommandContext(ctx, "go", append(args, pkg)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %w\n%s", pkg, err, b)
	}
	return nil
}

// ModuleDir returns the directory of module path as the go command run
// in dir resolves it (through replace directives); "" is dir's own module.
func ModuleDir(ctx context.Context, dir, path string) (string, error) {
	args := []string{"list", "-m", "-f", "{{.Dir}}"}
	if path != "" {
		args = append(args, path)
	}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			err = fmt.Errorf("%w\n%s", err, ee.Stderr)
		}
		return "", fmt.Errorf("go list -m %s: %w", path, err)
	}
	d := strings.TrimSpace(string(out))
	if d == "" {
		return "", fmt.Errorf("go list -m %s: no directory", path)
	}
	return d, nil
}

// LambdaFlags are build.mk's flags for a bootstrap.
var LambdaFlags = []string{"-tags", "lambda.norpc", "-trimpath", "-ldflags=-s -w"}

// FreePort returns a loopback port that was free a moment ago.
func FreePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// Process is a child process in its own process group, with the tail of
// its output kept for error messages.
//
// Its stdout and stderr are one unlinked temporary file, not a pipe: the
// local server writes a log line per request, and reading a pipe of them
// would wake this process (the load generator) for every few lines, so
// the generator's share of the two cores would fall with the server's
// logging. The server still makes its write per line, as in Lambda.
type Process struct {
	cmd  *exec.Cmd
	out  *os.File
	done chan struct{}
	err  error
}

// logTail is how much of a process's output Logs returns.
const logTail = 8 << 10

// Start starts bin with args and exactly env (plus nothing inherited).
func Start(bin string, args, env []string) (*Process, error) {
	out, err := os.CreateTemp("", "bench-output-")
	if err != nil {
		return nil, err
	}
	// Unlinked at once: the open file lives as long as this process and
	// the child hold it, and nothing is left behind on any exit.
	if err := os.Remove(out.Name()); err != nil {
		out.Close()
		return nil, err
	}
	p := &Process{out: out, done: make(chan struct{})}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Env = env
	p.cmd.Stdout, p.cmd.Stderr = out, out
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := p.cmd.Start(); err != nil {
		out.Close()
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// PID is the process's id.
func (p *Process) PID() int { return p.cmd.Process.Pid }

// Exited reports whether the process has ended.
func (p *Process) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Logs returns the last few KiB the process wrote (its stdout and stderr
// in the order written).
func (p *Process) Logs() string {
	fi, err := p.out.Stat()
	if err != nil {
		return "(output unreadable: " + err.Error() + ")"
	}
	off := max(fi.Size()-logTail, 0)
	b := make([]byte, fi.Size()-off)
	n, _ := p.out.ReadAt(b, off)
	return string(b[:n])
}

// Stop asks the process group to end (SIGTERM), then kills it after grace.
func (p *Process) Stop(grace time.Duration) {
	pgid := p.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(grace):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-p.done
	}
	// Anything the group started that outlived its leader goes too.
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
}

// Memory is a process's resident set (procmem.Memory); ReadMemory reads
// it from /proc/PID/status.
type Memory = procmem.Memory

// ReadMemory reads VmRSS and VmHWM of pid (Linux only).
func ReadMemory(pid int) (Memory, error) { return procmem.Read(pid) }

// WaitHTTP polls url until it answers with a status below 500, the process
// exits, or timeout passes.
func WaitHTTP(ctx context.Context, p *Process, url string, timeout time.Duration) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(timeout)
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode < 500 {
				return nil
			}
		}
		if p != nil && p.Exited() {
			return fmt.Errorf("process exited before %s answered:\n%s", url, p.Logs())
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not answer within %v", url, timeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// tail keeps the last max bytes written to it.
type tail struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if over := len(t.b) - t.max; over > 0 {
		t.b = append(t.b[:0], t.b[over:]...)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}
