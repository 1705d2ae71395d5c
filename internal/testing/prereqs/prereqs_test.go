package prereqs

import (
	"bufio"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// root is the repository root.
const root = "../../.."

// utilities are the programs the script (and make) may call, linked into
// each case's PATH from this machine; nothing else of PATH is visible, so
// the real moto_server and cfn-lint are not.
var utilities = []string{"bash", "env", "head", "sed", "grep", "sort", "awk", "cat", "tr", "dirname", "make", "go"}

// pins reads requirements-test.txt.
func pins(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(root, "requirements-test.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	re := regexp.MustCompile(`^([a-z-]+)(\[[a-z,]+\])?==(\S+)`)
	m := map[string]string{}
	s := bufio.NewScanner(f)
	for s.Scan() {
		if g := re.FindStringSubmatch(s.Text()); g != nil {
			m[g[1]] = g[3]
		}
	}
	for _, name := range []string{"moto", "cfn-lint", "aws-sam-translator"} {
		if m[name] == "" {
			t.Fatalf("requirements-test.txt pins no version of %s", name)
		}
	}
	return m
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o755); err != nil {
		t.Fatal(err)
	}
}

// fakePython writes an interpreter that answers `-c "…version('D')…"`
// with the version given for the distribution D.
func fakePython(t *testing.T, dir string, versions map[string]string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("#!/bin/bash\ncase \"$2\" in\n")
	for mod, v := range versions {
		b.WriteString("  *\"version('" + mod + "')\"*) echo " + v + " ;;\n")
	}
	b.WriteString("  *) exit 1 ;;\nesac\n")
	py := filepath.Join(dir, "fakepython")
	write(t, py, b.String())
	return py
}

// machine is one case's PATH directory and environment.
type machine struct {
	bin string
	env []string
}

func newMachine(t *testing.T) *machine {
	t.Helper()
	bin := t.TempDir()
	for _, u := range utilities {
		p, err := exec.LookPath(u)
		if err != nil {
			t.Fatalf("%s is not on PATH: %v", u, err)
		}
		if err := os.Symlink(p, filepath.Join(bin, u)); err != nil {
			t.Fatal(err)
		}
	}
	// python3 itself, not pyenv's shim (whose folder holds moto_server).
	out, err := exec.Command("python3", "-c", "import sys; print(sys.executable)").Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	if err := os.Symlink(strings.TrimSpace(string(out)), filepath.Join(bin, "python3")); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(bin, "chromium"), "#!/bin/bash\nexit 0\n")
	feedparser := filepath.Join(t.TempDir(), "python-with-feedparser")
	write(t, feedparser, "#!/bin/bash\nexit 0\n")
	goCache, _ := exec.Command("go", "env", "GOCACHE").Output()
	return &machine{bin: bin, env: []string{
		"PATH=" + bin,
		"HOME=" + os.Getenv("HOME"),
		"GOCACHE=" + strings.TrimSpace(string(goCache)),
		"GOTOOLCHAIN=local",
		"VENV=" + filepath.Join(t.TempDir(), "venv"),
		"PIP_INDEX_URL=" + closedIndex(t),
		"FEEDPARSER_PYTHON=" + feedparser,
		"CI=true",
	}}
}

// closedIndex is a package index URL on a loopback port nothing listens on.
func closedIndex(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr + "/simple"
}

// tools installs fake moto_server and cfn-lint reporting these versions:
// moto_server's shebang is an interpreter that knows moto's version;
// cfn-lint's answers --version itself and aws-sam-translator's through
// the same interpreter.
func (m *machine) tools(t *testing.T, moto, cfnLint, samTranslator string) {
	t.Helper()
	py := fakePython(t, t.TempDir(), map[string]string{"moto": moto, "aws-sam-translator": samTranslator})
	write(t, filepath.Join(m.bin, "moto_server"), "#!"+py+"\n")
	cfn := py + "-cfn-lint"
	write(t, cfn, "#!/bin/bash\nif [ \"$2\" = --version ]; then echo 'cfn-lint "+cfnLint+"'; exit 0; fi\nexec "+py+" \"$@\"\n")
	write(t, filepath.Join(m.bin, "cfn-lint"), "#!"+cfn+"\n")
}

// run runs `make prereqs` in the repository with the machine's environment.
func (m *machine) run(t *testing.T) (string, error) {
	t.Helper()
	cmd := exec.Command(filepath.Join(m.bin, "make"), "--no-print-directory", "-s", "prereqs")
	cmd.Dir = root
	cmd.Env = m.env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func lines(s string) []string {
	var l []string
	for _, x := range strings.Split(strings.TrimSpace(s), "\n") {
		if x != "" {
			l = append(l, x)
		}
	}
	return l
}

func TestPrereqs(t *testing.T) {
	pin := pins(t)

	t.Run("tools missing and no index: one line, exit non-zero", func(t *testing.T) {
		m := newMachine(t)
		out, err := m.run(t)
		if err == nil {
			t.Fatalf("make prereqs succeeded without the tools:\n%s", out)
		}
		l := lines(out)
		// make adds its own "recipe failed" line after the script's.
		if len(l) < 1 || !strings.HasPrefix(l[0], "prereqs: ") {
			t.Fatalf("want the script's line first, got:\n%s", out)
		}
		for _, want := range []string{"moto_server", "cfn-lint", "python3 -m venv", "pip install -r requirements-test.txt"} {
			if !strings.Contains(l[0], want) {
				t.Errorf("the line does not name %q: %s", want, l[0])
			}
		}
		for _, x := range l[1:] {
			if !strings.HasPrefix(x, "make: ***") {
				t.Errorf("more than one line of the script's: %q", x)
			}
		}
	})

	t.Run("tools at other versions: a warning naming both", func(t *testing.T) {
		m := newMachine(t)
		m.tools(t, "5.1.0", "1.40.2", "1.99.0")
		out, err := m.run(t)
		if err != nil {
			t.Fatalf("make prereqs failed: %v\n%s", err, out)
		}
		for _, want := range []string{
			"warning: moto 5.1.0 found, requirements-test.txt pins " + pin["moto"],
			"warning: cfn-lint 1.40.2 found, requirements-test.txt pins " + pin["cfn-lint"],
			"warning: aws-sam-translator 1.99.0 found, requirements-test.txt pins " + pin["aws-sam-translator"],
		} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
	})

	t.Run("tools at the pinned versions: nothing printed", func(t *testing.T) {
		m := newMachine(t)
		m.tools(t, pin["moto"], pin["cfn-lint"], pin["aws-sam-translator"])
		out, err := m.run(t)
		if err != nil || out != "" {
			t.Fatalf("want silence and success, got %v:\n%s", err, out)
		}
	})

	t.Run("chromium and feedparser missing under CI: a line each, exit non-zero", func(t *testing.T) {
		m := newMachine(t)
		m.tools(t, pin["moto"], pin["cfn-lint"], pin["aws-sam-translator"])
		os.Remove(filepath.Join(m.bin, "chromium"))
		for i, e := range m.env {
			if strings.HasPrefix(e, "FEEDPARSER_PYTHON=") {
				m.env[i] = "FEEDPARSER_PYTHON=" + filepath.Join(t.TempDir(), "no-python")
			}
		}
		out, err := m.run(t)
		if err == nil {
			t.Fatalf("make prereqs succeeded under CI without chromium and feedparser:\n%s", out)
		}
		for _, want := range []string{"apt-get install chromium", "apt-get install python3-feedparser", "brew install"} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
	})
}
