package main

import (
	"fmt"
	"math/rand"
	"slices"
)

// Series is every measured lifecycle of one configuration, with its summary.
type Series struct {
	Runtime   string `json:"runtime"`
	Variant   string `json:"variant"`
	Build     string `json:"build,omitempty"`
	Lifecycle string `json:"lifecycle"`
	// SamplesMS is the lifecycle's wall time per measured round, in round order.
	SamplesMS []float64 `json:"samples_ms"`
	// StepsMS are the samples of each call (run; or create, start, wait, delete).
	StepsMS map[string][]float64 `json:"steps_ms"`
	CPUMS   []float64            `json:"cpu_ms"`
	// Faults are the lifecycle's page faults per measured round, in round order.
	Faults []float64 `json:"faults,omitempty"`

	Summary      Summary            `json:"summary"`
	StepMedianMS map[string]float64 `json:"step_median_ms"`
	// FaultsMedian is the median of Faults, 0 for a run that did not count them.
	FaultsMedian float64 `json:"faults_median,omitempty"`
	// Ratio is the median over the direct runtime's median; AddedMS and
	// AddedOverFloorMS are the medians' differences, in ms per container.
	Ratio            float64 `json:"ratio"`
	AddedMS          float64 `json:"added_ms"`
	AddedOverFloorMS float64 `json:"added_over_floor_ms"`
	// PairedAddedMS is the median over rounds of this round's sample minus the direct
	// runtime's in the same round: less noisy than the difference of the medians.
	PairedAddedMS float64 `json:"paired_added_ms"`
}

// Name is "runtime/variant lifecycle", with "@build" when two builds are compared.
func (s *Series) Name() string {
	return withBuild(s.Runtime+"/"+s.Variant, s.Build) + " " + s.Lifecycle
}

// runSerial runs every configuration and lifecycle once per round, in a new random
// order each round; the first warm-up round also checks each configuration's path.
func runSerial(ws *workspace, setups []setup, o options) ([]*Series, error) {
	l, err := newLauncher(ws.Dir)
	if err != nil {
		return nil, err
	}
	defer l.close()
	type job struct {
		s  setup
		lc string
		sr *Series
	}
	var jobs []job
	var series []*Series
	for _, lc := range Lifecycles {
		for _, s := range setups {
			sr := &Series{Runtime: s.Runtime, Variant: s.Variant, Build: s.Build, Lifecycle: lc, StepsMS: map[string][]float64{}}
			series = append(series, sr)
			jobs = append(jobs, job{s, lc, sr})
		}
	}
	stop, err := execTargets(ws, l, setups)
	if err != nil {
		return nil, err
	}
	defer stop()
	rng := rand.New(rand.NewSource(o.Seed))
	for round := range o.Warmup + o.Rounds {
		if round > 0 && round%10 == 0 {
			progress("serial: round %d of %d", round, o.Warmup+o.Rounds)
		}
		for _, i := range rng.Perm(len(jobs)) {
			j := jobs[i]
			var id string
			var check func(string) error
			if j.lc == LifecycleExec {
				id = execID(j.s)
			} else {
				id = j.s.containerID(fmt.Sprintf("b%d-%s-%s-%s", round, j.s.Runtime, j.s.Variant, shortName(j.lc)))
				if round == 0 {
					check = checker(ws, j.s, j.lc, id)
				}
			}
			t, err := trial(ws, l, j.s, j.lc, id, check)
			if err != nil {
				return nil, err
			}
			if round >= o.Warmup {
				j.sr.add(t)
			}
		}
	}
	derive(series)
	return series, nil
}

// shortName is a lifecycle's name for container ids.
func shortName(lifecycle string) string {
	if lifecycle == LifecycleCycle {
		return "cycle"
	}
	return lifecycle
}

func (s *Series) add(t Trial) {
	s.SamplesMS = append(s.SamplesMS, t.Wall)
	s.CPUMS = append(s.CPUMS, t.CPU)
	s.Faults = append(s.Faults, t.Faults)
	for k, v := range t.Steps {
		s.StepsMS[k] = append(s.StepsMS[k], v)
	}
}

// derive fills the summaries and the comparisons with the direct runtime and the floor
// of the same runtime and lifecycle.
func derive(series []*Series) {
	find := func(rt, variant, lc string) *Series {
		i := slices.IndexFunc(series, func(s *Series) bool {
			return s.Runtime == rt && s.Variant == variant && s.Lifecycle == lc
		})
		if i < 0 {
			return nil
		}
		return series[i]
	}
	for _, s := range series {
		s.Summary = Summarize(s.SamplesMS)
		if len(s.Faults) > 0 {
			s.FaultsMedian = Summarize(s.Faults).Median
		}
		s.StepMedianMS = map[string]float64{}
		for k, v := range s.StepsMS {
			s.StepMedianMS[k] = Summarize(v).Median
		}
	}
	for _, s := range series {
		if d := find(s.Runtime, "direct", s.Lifecycle); d != nil && d.Summary.Median > 0 {
			s.Ratio = s.Summary.Median / d.Summary.Median
			s.AddedMS = s.Summary.Median - d.Summary.Median
			s.PairedAddedMS = PairedMedian(s.SamplesMS, d.SamplesMS)
		}
		if f := find(s.Runtime, "floor", s.Lifecycle); f != nil {
			s.AddedOverFloorMS = s.Summary.Median - f.Summary.Median
		}
	}
}
