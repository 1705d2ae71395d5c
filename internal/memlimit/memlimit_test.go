package memlimit

import (
	"math"
	"runtime/debug"
	"testing"
)

func TestFromLambda(t *testing.T) {
	for _, tt := range []struct {
		name      string
		env       map[string]string
		want      int64
		wantFound bool
	}{
		{"1024 MB", map[string]string{"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1024"}, 966367641, true},
		{"128 MB", map[string]string{"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": " 128 "}, 120795955, true},
		{"GOMEMLIMIT wins", map[string]string{"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1024", "GOMEMLIMIT": "300MiB"}, 0, false},
		{"not on Lambda", map[string]string{}, 0, false},
		{"not a number", map[string]string{"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1GB"}, 0, false},
		{"zero", map[string]string{"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "0"}, 0, false},
		{"negative", map[string]string{"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "-5"}, 0, false},
		{"absurd", map[string]string{"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "99999999999"}, 0, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := FromLambda(func(k string) string { return tt.env[k] })
			if got != tt.want || ok != tt.wantFound {
				t.Errorf("FromLambda = %d, %v; want %d, %v", got, ok, tt.want, tt.wantFound)
			}
		})
	}
}

func TestSet(t *testing.T) {
	prev := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(prev) })

	if _, ok := Set(func(string) string { return "" }); ok {
		t.Fatal("Set without a function size set a limit")
	}
	if got := debug.SetMemoryLimit(-1); got != prev {
		t.Errorf("limit = %d, want it left at %d", got, prev)
	}
	limit, ok := Set(func(k string) string { return map[string]string{"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1024"}[k] })
	if !ok || debug.SetMemoryLimit(-1) != limit || limit != int64(math.Floor(1024*(1<<20)*Share)) {
		t.Errorf("Set = %d, %v; runtime limit %d", limit, ok, debug.SetMemoryLimit(-1))
	}
}
