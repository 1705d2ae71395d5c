package procmem

import (
	"strings"
	"testing"
)

func TestPeak(t *testing.T) {
	for _, tt := range []struct {
		name, status string
		want         int64
		wantErr      bool
	}{
		{"kB", "Name:\tlocal\nVmHWM:\t   65536 kB\nVmRSS:\t   40960 kB\n", 65536 << 10, false},
		{"other unit", "VmHWM:\t1 MB\n", 0, true},
		{"missing", "Name:\tlocal\n", 0, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := peak(strings.NewReader(tt.status))
			if got != tt.want || (err != nil) != tt.wantErr {
				t.Errorf("peak = %d, %v; want %d, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
	if n, err := PeakRSS(); err != nil || n <= 0 {
		t.Errorf("PeakRSS() = %d, %v", n, err)
	}
}
