package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// Results is everything one benchmark run measured; bench.json is this, indented.
type Results struct {
	Version   int         `json:"version"`
	Started   time.Time   `json:"started"`
	Finished  time.Time   `json:"finished"`
	Machine   Machine     `json:"machine"`
	Settings  Settings    `json:"settings"`
	Serial    []*Series   `json:"serial"`
	Targets   []Target    `json:"targets"`
	Parallel  []*Parallel `json:"parallel,omitempty"`
	RSS       []RSS       `json:"rss"`
	Breakdown *Breakdown  `json:"breakdown"`
}

// Machine is what the numbers were measured on.
type Machine struct {
	Kernel   string            `json:"kernel"`
	CPU      string            `json:"cpu"`
	CPUs     int               `json:"cpus"`
	Go       string            `json:"go"`
	Oshim    string            `json:"oshim"`
	Runtimes map[string]string `json:"runtimes"`
	// BundleFS is the filesystem of the bundles; RunFS that of oshim's run directory.
	BundleFS string `json:"bundle_fs"`
	RunFS    string `json:"run_fs"`
}

// Settings are the options the run used.
type Settings struct {
	Rounds        int    `json:"rounds"`
	Warmup        int    `json:"warmup"`
	Parallel      int    `json:"parallel"`
	ParallelTotal int    `json:"parallel_total"`
	Micro         int    `json:"micro"`
	Seed          int64  `json:"seed"`
	Command       string `json:"command"`
}

func settingsOf(o options) Settings {
	return Settings{Rounds: o.Rounds, Warmup: o.Warmup, Parallel: o.Parallel, ParallelTotal: o.ParallelTotal, Micro: o.Micro, Seed: o.Seed, Command: strings.Join(os.Args, " ")}
}

func describeMachine(ws *workspace) Machine {
	m := Machine{CPUs: runtime.NumCPU(), Go: runtime.Version(), Runtimes: map[string]string{}, BundleFS: fsName(ws.Bundles), RunFS: fsName(ws.RunDir)}
	if out, err := exec.Command("uname", "-r").Output(); err == nil {
		m.Kernel = strings.TrimSpace(string(out))
	}
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if out, err := exec.Command("git", "describe", "--tags", "--always", "--dirty").Output(); err == nil {
		m.Oshim = strings.TrimSpace(string(out))
	}
	for _, rt := range ws.Runtimes {
		m.Runtimes[rt.Name] = rt.Version
	}
	return m
}

func writeJSON(path string, v any) error {
	data, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		return fmt.Errorf("encode results: %w", err)
	}
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// readJSON loads the results a run wrote, for -render.
func readJSON(path string) (*Results, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read results: %w", err)
	}
	var res Results
	if err := json.Unmarshal(data, &res); err != nil {
		return nil, fmt.Errorf("read results %s: %w", path, err)
	}
	if len(res.Serial) == 0 {
		return nil, fmt.Errorf("read results %s: no serial measurements", path)
	}
	return &res, nil
}
