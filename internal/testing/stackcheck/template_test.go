package stackcheck

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
)

// root is the repository root, where template.yaml lives.
const root = "../../.."

var (
	tmplOnce sync.Once
	tmpl     Template
	tmplErr  error
)

func template(t *testing.T) Template {
	t.Helper()
	tmplOnce.Do(func() { tmpl, tmplErr = Load(filepath.Join(root, "template.yaml")) })
	if tmplErr != nil {
		t.Fatal(tmplErr)
	}
	return tmpl
}

// logicalID is the resource name of the function in functions/<dir>.
func logicalID(dir string) string {
	return strings.ToUpper(dir[:1]) + dir[1:] + "Function"
}

func functionDirs(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(root, "functions"))
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, e.Name())
		}
	}
	return dirs
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestEveryFunctionFolderHasAResourceAndViceVersa(t *testing.T) {
	tp := template(t)
	var want []string
	for _, d := range functionDirs(t) {
		want = append(want, logicalID(d))
		if _, ok := routers[d]; !ok && !streamFunctions[d] && !scheduledFunctions[d] && !queueFunctions[d] {
			t.Errorf("functions/%s: neither an HTTP function (routers) nor a stream, queue or scheduled function in this test", d)
		}
	}
	got := sortedKeys(tp.Resources("AWS::Serverless::Function"))
	if !slices.Equal(got, want) {
		t.Errorf("function resources = %q, want one per functions/ folder: %q", got, want)
	}
	for id, fn := range tp.Resources("AWS::Serverless::Function") {
		if got := String(fn, "Metadata", "BuildMethod"); got != "makefile" {
			t.Errorf("%s: Metadata.BuildMethod = %q, want makefile", id, got)
		}
		if got := String(fn, "Properties", "CodeUri"); got != "." {
			t.Errorf("%s: CodeUri = %q, want .", id, got)
		}
		for _, p := range []string{"Runtime", "Handler", "Architectures"} {
			if _, ok := Get(fn, "Properties", p); ok {
				t.Errorf("%s: sets %s; it belongs in Globals.Function", id, p)
			}
		}
	}
}

func TestGlobals(t *testing.T) {
	g, _ := Get(template(t), "Globals", "Function")
	for _, c := range []struct {
		path []any
		want string
	}{
		{[]any{"Runtime"}, "provided.al2023"},
		{[]any{"Handler"}, "bootstrap"},
		{[]any{"Architectures", 0}, "arm64"},
		{[]any{"LoggingConfig", "LogFormat"}, "JSON"},
	} {
		if got := String(g, c.path...); got != c.want {
			t.Errorf("Globals.Function %v = %q, want %q", c.path, got, c.want)
		}
	}
	if l := strs(Must(Get(g, "Architectures"))); len(l) != 1 {
		t.Errorf("Architectures = %v, want [arm64] only", l)
	}
}

// TestBuildTargets asks make what each build-<LogicalId> target of build.mk
// would run, so the check is of the commands, not of the file's text.
func TestBuildTargets(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		const msg = "make is not on PATH: GNU make runs sam build's build-<LogicalId> targets"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	b, err := os.ReadFile(filepath.Join(root, "build.mk"))
	if err != nil {
		t.Fatal(err)
	}
	var targets []string
	for _, line := range strings.Split(string(b), "\n") {
		if name, _, ok := strings.Cut(line, ":"); ok && strings.HasPrefix(name, "build-") && !strings.ContainsAny(name, " \t$=") {
			targets = append(targets, strings.TrimPrefix(name, "build-"))
		}
	}
	sort.Strings(targets)
	want := sortedKeys(template(t).Resources("AWS::Serverless::Function"))
	if !slices.Equal(targets, want) {
		t.Errorf("build.mk targets = %q, want build-<LogicalId> for %q", targets, want)
	}
	for _, d := range functionDirs(t) {
		id := logicalID(d)
		t.Run(id, func(t *testing.T) {
			cmd := exec.Command("make", "--no-print-directory", "-n", "-f", "build.mk", "build-"+id, "ARTIFACTS_DIR=/artifacts", "GO=go")
			cmd.Dir = root
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("make -n build-%s: %v\n%s", id, err, out)
			}
			got := string(out)
			for _, want := range []string{
				"GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0", "go build", "-tags lambda.norpc", "-trimpath",
				"-ldflags='-s -w'", "-o /artifacts/bootstrap", "./functions/" + d + "\n",
			} {
				if !strings.Contains(got, want) {
					t.Errorf("build-%s runs\n%s\nwhich lacks %q", id, got, want)
				}
			}
		})
	}
}

// Must returns v, or nil when ok is false.
func Must(v any, ok bool) any {
	if !ok {
		return nil
	}
	return v
}

func strs(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func TestParseIntrinsics(t *testing.T) {
	tp, err := Parse([]byte(`
A: !Ref Foo
B: !GetAtt Table.StreamArn
C: !Sub "${Api}.execute-api.${AWS::Region}.${Table.Arn}/x${!Literal}"
D: !If [Cond, !Ref X, !Ref "AWS::NoValue"]
E: [1, true, "s"]
`))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		key  string
		want []string
	}{
		{"A", []string{"Foo"}}, {"B", []string{"Table"}}, {"C", []string{"Api", "Table"}}, {"D", []string{"X", "AWS::NoValue"}},
	} {
		got := Refs(tp[c.key])
		sort.Strings(got)
		sort.Strings(c.want)
		if !slices.Equal(got, c.want) {
			t.Errorf("Refs(%s) = %q, want %q", c.key, got, c.want)
		}
	}
	if got, _ := Get(tp, "B", "Fn::GetAtt", 1); got != "StreamArn" {
		t.Errorf("!GetAtt long form attribute = %v, want StreamArn", got)
	}
	if _, err := Parse([]byte("A: !Bogus x\n")); err == nil {
		t.Error("unknown tag accepted")
	}
}
