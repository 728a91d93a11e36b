package main

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Parallel is one configuration's block of the parallel run: Total create+start+delete
// lifecycles, Workers at a time. Contention inside oshim (a lock, a shared file) would
// show as failures, leftover records, or the CPUs idling while containers wait.
type Parallel struct {
	Runtime   string  `json:"runtime"`
	Variant   string  `json:"variant"`
	Workers   int     `json:"workers"`
	Total     int     `json:"total"`
	WallS     float64 `json:"wall_s"`
	PerSecond float64 `json:"containers_per_s"`
	// Summary is of each lifecycle's wall time under this load, in ms.
	Summary Summary   `json:"summary"`
	Samples []float64 `json:"samples_ms"`
	// AddedMS is the median minus the direct runtime's median under the same load.
	AddedMS float64 `json:"added_ms"`
	// CPUBusy is the share of all CPUs that was busy during the block (/proc/stat).
	CPUBusy    float64 `json:"cpu_busy"`
	Failures   int     `json:"failures"`
	FirstError string  `json:"first_error,omitempty"`
	// LeftoverRecords counts the block's containers that still have a record in the
	// run directory after their delete.
	LeftoverRecords int `json:"leftover_records"`
}

// runParallel runs the blocks in random order. Failures are counted, not fatal, so a
// contention problem shows in the results; run fails afterwards if there were any.
func runParallel(ws *workspace, setups []setup, o options) ([]*Parallel, error) {
	rng := rand.New(rand.NewSource(o.Seed + 1))
	out := make([]*Parallel, len(setups))
	for _, i := range rng.Perm(len(setups)) {
		p, err := parallelBlock(ws, setups[i], o.Parallel, o.ParallelTotal)
		if err != nil {
			return nil, err
		}
		progress("parallel: %s: %.1f containers/s, %d failures", setups[i].Name(), p.PerSecond, p.Failures)
		out[i] = p
	}
	direct := map[string]float64{}
	for _, p := range out {
		if p.Variant == "direct" {
			direct[p.Runtime] = p.Summary.Median
		}
	}
	for _, p := range out {
		p.AddedMS = p.Summary.Median - direct[p.Runtime]
	}
	return out, nil
}

func parallelBlock(ws *workspace, s setup, workers, total int) (*Parallel, error) {
	p := &Parallel{Runtime: s.Runtime, Variant: s.Variant, Workers: workers, Total: total}
	jobs := make(chan int)
	var mu sync.Mutex
	var wg sync.WaitGroup
	launchers := make([]*launcher, workers)
	for w := range launchers {
		l, err := newLauncher(ws.Dir)
		if err != nil {
			return nil, err
		}
		defer l.close()
		launchers[w] = l
	}
	cpu0, err := readCPU()
	if err != nil {
		return nil, err
	}
	start := time.Now()
	for _, l := range launchers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range jobs {
				t, err := trial(ws, l, s, LifecycleCycle, parallelID(s, n), nil)
				mu.Lock()
				if err != nil {
					p.Failures++
					if p.FirstError == "" {
						p.FirstError = err.Error()
					}
				} else {
					p.Samples = append(p.Samples, t.Wall)
				}
				mu.Unlock()
			}
		}()
	}
	for n := range total {
		jobs <- n
	}
	close(jobs)
	wg.Wait()
	wall := time.Since(start)
	cpu1, err := readCPU()
	if err != nil {
		return nil, err
	}
	p.WallS = wall.Seconds()
	p.PerSecond = float64(total-p.Failures) / wall.Seconds()
	p.CPUBusy = cpu1.busyShare(cpu0)
	p.Summary = Summarize(p.Samples)
	p.LeftoverRecords, err = countRecords(ws.RunDir, parallelID(s, -1))
	return p, err
}

// parallelID names the n-th container of a block; n < 0 gives the common prefix.
func parallelID(s setup, n int) string {
	prefix := fmt.Sprintf("p-%s-%s-", s.Runtime, s.Variant)
	if n < 0 {
		return prefix
	}
	return fmt.Sprintf("%s%d", prefix, n)
}

// countRecords counts container directories <runDir>/<root key>/<id> whose id starts
// with prefix.
func countRecords(runDir, prefix string) (int, error) {
	dirs, err := filepath.Glob(filepath.Join(runDir, "*", prefix+"*"))
	if err != nil {
		return 0, fmt.Errorf("list records: %w", err)
	}
	n := 0
	for _, d := range dirs {
		if fi, err := os.Stat(d); err == nil && fi.IsDir() && strings.HasPrefix(filepath.Base(d), prefix) {
			n++
		}
	}
	return n, nil
}
