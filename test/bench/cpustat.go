package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// cpuTimes are the aggregate CPU counters of /proc/stat, in clock ticks.
type cpuTimes struct {
	Busy  uint64
	Total uint64
}

func readCPU() (cpuTimes, error) {
	f, err := os.Open("/proc/stat")
	if err != nil {
		return cpuTimes{}, fmt.Errorf("read CPU times: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() {
		return cpuTimes{}, fmt.Errorf("read CPU times: /proc/stat is empty")
	}
	return parseCPULine(sc.Text())
}

// parseCPULine reads "cpu user nice system idle iowait irq softirq steal ...": idle
// and iowait are the idle ticks, everything else is busy.
func parseCPULine(line string) (cpuTimes, error) {
	fields := strings.Fields(line)
	if len(fields) < 5 || fields[0] != "cpu" {
		return cpuTimes{}, fmt.Errorf("parse CPU times: not an aggregate cpu line: %q", line)
	}
	var t cpuTimes
	for i, f := range fields[1:] {
		v, err := strconv.ParseUint(f, 10, 64)
		if err != nil {
			return cpuTimes{}, fmt.Errorf("parse CPU times: field %d: %w", i+1, err)
		}
		if t.Total+v < t.Total {
			return cpuTimes{}, fmt.Errorf("parse CPU times: counters overflow")
		}
		t.Total += v
		if i != 3 && i != 4 { // idle, iowait
			t.Busy += v
		}
	}
	return t, nil
}

// busyShare is the share of CPU time that was busy since before, in [0, 1].
func (t cpuTimes) busyShare(before cpuTimes) float64 {
	if t.Total <= before.Total || t.Busy < before.Busy {
		return 0
	}
	return min(float64(t.Busy-before.Busy)/float64(t.Total-before.Total), 1)
}
