package procmem

import (
	"os"
	"testing"
)

func TestParseStatus(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Memory
		wantErr bool
	}{
		{"both", "Name:\tlocal\nVmHWM:\t   65536 kB\nVmRSS:\t   40960 kB\nThreads:\t7\n", Memory{RSS: 40960 << 10, Peak: 65536 << 10}, false},
		{"missing", "Name:\tlocal\n", Memory{}, true},
		{"odd unit", "VmHWM:\t1 MB\nVmRSS:\t1 kB\n", Memory{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseStatus([]byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
	if m, err := Read(os.Getpid()); err != nil || m.RSS <= 0 || m.Peak < m.RSS {
		t.Errorf("Read(self) = %+v, %v", m, err)
	}
	if n, err := PeakRSS(); err != nil || n <= 0 {
		t.Errorf("PeakRSS() = %d, %v", n, err)
	}
}
