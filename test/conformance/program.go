package main

import "fmt"

// Verdicts of an oshim configuration on one program.
const (
	Same    = "same"    // every check as the baseline's
	Differs = "differs" // better, or checks only one side has; never worse
	Flaky   = "flaky"   // worse at first, as the baseline on a retry
	Worse   = "REGRESSION"
	// Accepted is a regression the caller accepted with -accept: reported, not failed.
	Accepted = "accepted"
)

// ProgramResult is one program's runs and how each oshim configuration compares.
type ProgramResult struct {
	Program string `json:"program"`
	// Runs are the first attempt, one per configuration, the baseline first.
	Runs []*Run `json:"runs"`
	// Verdicts, Differences (of the first attempt) and Retries are per oshim
	// configuration.
	Verdicts    map[string]string       `json:"verdicts"`
	Differences map[string][]Difference `json:"differences,omitempty"`
	Retries     map[string]int          `json:"retries,omitempty"`
}

// runProgram runs the program against every configuration back to back, so that they
// share the machine's state, and compares each oshim configuration with the baseline.
// A regression is retried, baseline and configuration again together.
// accepted holds "program/config" pairs whose regressions do not fail the run.
func runProgram(r *runner, program string, configs []Config, retries int, accepted map[string]bool) (*ProgramResult, error) {
	res := &ProgramResult{Program: program, Verdicts: map[string]string{}, Differences: map[string][]Difference{}, Retries: map[string]int{}}
	for _, c := range configs {
		run, err := runClean(r, program, c)
		if err != nil {
			return nil, err
		}
		res.Runs = append(res.Runs, run)
	}
	base := res.Runs[0]
	for i, c := range configs[1:] {
		diffs := Compare(base, res.Runs[i+1])
		if len(diffs) > 0 {
			res.Differences[c.Name] = diffs
		}
		switch {
		case len(diffs) == 0:
			res.Verdicts[c.Name] = Same
		case !HasRegression(diffs):
			res.Verdicts[c.Name] = Differs
		default:
			res.Verdicts[c.Name] = Worse
			for attempt := 1; attempt <= retries; attempt++ {
				res.Retries[c.Name] = attempt
				b, err := runClean(r, program, configs[0])
				if err != nil {
					return nil, err
				}
				g, err := runClean(r, program, c)
				if err != nil {
					return nil, err
				}
				if !HasRegression(Compare(b, g)) {
					res.Verdicts[c.Name] = Flaky
					break
				}
			}
			if res.Verdicts[c.Name] == Worse && accepted[program+"/"+c.Name] {
				res.Verdicts[c.Name] = Accepted
			}
		}
	}
	return res, nil
}

// runClean runs the program and removes the cgroups it may have left.
func runClean(r *runner, program string, c Config) (*Run, error) {
	run, err := r.run(program, c)
	if err != nil {
		return nil, err
	}
	if err := cleanupCgroups(); err != nil {
		progress("%s against %s: %v", program, c.Name, err)
	}
	return run, nil
}

// String is the verdicts in configuration order, for progress lines.
func (p *ProgramResult) String() string {
	s := p.Program
	for _, r := range p.Runs[1:] {
		s += fmt.Sprintf(" %s=%s", r.Config, p.Verdicts[r.Config])
	}
	return s
}
