package main

import "testing"

func TestParseCPULine(t *testing.T) {
	tests := []struct {
		name    string
		line    string
		want    cpuTimes
		wantErr bool
	}{
		{name: "kernel 6 line", line: "cpu  100 5 50 800 20 3 2 1 0 0", want: cpuTimes{Busy: 161, Total: 981}},
		{name: "oldest format", line: "cpu 1 2 3 4", want: cpuTimes{Busy: 6, Total: 10}},
		{name: "a per-cpu line", line: "cpu0 1 2 3 4", wantErr: true},
		{name: "too short", line: "cpu 1 2 3", wantErr: true},
		{name: "not a number", line: "cpu 1 2 x 4", wantErr: true},
		{name: "negative", line: "cpu 1 2 -3 4", wantErr: true},
		{name: "overflow", line: "cpu 18446744073709551615 1 1 1", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseCPULine(tt.line)
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseCPULine() error = %v, want error %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("parseCPULine() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestBusyShare(t *testing.T) {
	tests := []struct {
		name          string
		before, after cpuTimes
		want          float64
	}{
		{name: "half busy", before: cpuTimes{Busy: 10, Total: 100}, after: cpuTimes{Busy: 60, Total: 200}, want: 0.5},
		{name: "no time passed", before: cpuTimes{Busy: 10, Total: 100}, after: cpuTimes{Busy: 10, Total: 100}, want: 0},
		{name: "counters went back", before: cpuTimes{Busy: 10, Total: 100}, after: cpuTimes{Busy: 5, Total: 200}, want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.after.busyShare(tt.before); !near(got, tt.want) {
				t.Errorf("busyShare() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestReadCPU(t *testing.T) {
	got, err := readCPU()
	if err != nil {
		t.Fatal(err)
	}
	if got.Total == 0 || got.Busy > got.Total {
		t.Errorf("readCPU() = %+v", got)
	}
}

func FuzzParseCPULine(f *testing.F) {
	f.Add("cpu  100 5 50 800 20 3 2 1 0 0")
	f.Add("cpu 1 2 3 4")
	f.Fuzz(func(t *testing.T, line string) {
		got, err := parseCPULine(line)
		if err != nil {
			return
		}
		if got.Busy > got.Total {
			t.Errorf("parseCPULine(%q) = %+v: more busy than total", line, got)
		}
	})
}
