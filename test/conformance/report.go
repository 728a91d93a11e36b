package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"
)

// Report is one conformance run; conformance.json is this, indented.
type Report struct {
	Started    time.Time        `json:"started"`
	Finished   time.Time        `json:"finished"`
	Suite      string           `json:"suite"`
	OCIVersion string           `json:"oci_version"`
	Runtime    string           `json:"runtime"`
	Oshim      string           `json:"oshim"`
	Raw        bool             `json:"raw"`
	Accepted   string           `json:"accepted,omitempty"`
	Configs    []Config         `json:"configs"`
	Programs   []*ProgramResult `json:"programs"`
}

// Regressions counts the programs on which an oshim configuration did worse than the
// baseline, also on every retry, and was not accepted.
func (r *Report) Regressions() int { return r.count(Worse) }

func (r *Report) count(verdict string) int {
	n := 0
	for _, p := range r.Programs {
		for _, v := range p.Verdicts {
			if v == verdict {
				n++
			}
		}
	}
	return n
}

func (r *Report) write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	data, err := json.MarshalIndent(r, "", " ")
	if err != nil {
		return fmt.Errorf("encode the report: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "conformance.json"), append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("write conformance.json: %w", err)
	}
	text := r.Text()
	fmt.Print(text)
	if err := os.WriteFile(filepath.Join(dir, "conformance.txt"), []byte(text), 0o644); err != nil {
		return fmt.Errorf("write conformance.txt: %w", err)
	}
	return nil
}

// Text is the human-readable report: a row per program, totals, every difference,
// and the verdict.
func (r *Report) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (ociVersion %s), %s, oshim %s; %s, %.0f s\n", r.Suite, r.OCIVersion, r.Runtime, r.Oshim,
		r.Started.Format("2006-01-02 15:04 UTC"), r.Finished.Sub(r.Started).Seconds())
	for _, c := range r.Configs {
		fmt.Fprintf(&b, "  %s: %s\n", c.Name, c.About)
	}
	b.WriteString("\npass/fail/skip/todo and exit status per program; verdict against the runtime\n")
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	header := "program"
	for i, c := range r.Configs {
		header += "\t" + c.Name + "\texit"
		if i > 0 {
			header += "\tverdict"
		}
	}
	fmt.Fprintln(w, header)
	totals := make([]map[Outcome]int, len(r.Configs))
	clean := make([]int, len(r.Configs))
	for i := range totals {
		totals[i] = map[Outcome]int{}
	}
	for _, p := range r.Programs {
		row := p.Program
		for i, run := range p.Runs {
			c := run.Counts()
			for k, v := range c {
				totals[i][k] += v
			}
			if c[Fail] == 0 && run.Exit == 0 {
				clean[i]++
			}
			row += fmt.Sprintf("\t%s\t%d", counts(c), run.Exit)
			if i > 0 {
				row += "\t" + p.Verdicts[run.Config]
			}
		}
		fmt.Fprintln(w, row)
	}
	row := "total"
	for i := range r.Configs {
		row += fmt.Sprintf("\t%s\t", counts(totals[i]))
		if i > 0 {
			row += "\t"
		}
	}
	fmt.Fprintln(w, row)
	w.Flush()
	for i, c := range r.Configs {
		fmt.Fprintf(&b, "%s: %d passed, %d failed, %d skipped, %d todo; %d of %d programs clean\n", c.Name,
			totals[i][Pass], totals[i][Fail], totals[i][Skip], totals[i][Todo], clean[i], len(r.Programs))
	}
	r.writeDifferences(&b)
	switch n := r.Regressions(); {
	case n > 0:
		fmt.Fprintf(&b, "\nFAIL: %d program runs did worse under oshim than under the runtime, on every retry\n", n)
	case r.count(Accepted) > 0:
		fmt.Fprintf(&b, "\nPASS: oshim passed every check the runtime passed, except in %d accepted program runs (-accept %s)\n", r.count(Accepted), r.Accepted)
	default:
		b.WriteString("\nPASS: oshim passed every check the runtime passed, in both configurations\n")
	}
	return b.String()
}

func (r *Report) writeDifferences(b *strings.Builder) {
	found := false
	for _, p := range r.Programs {
		for _, c := range r.Configs[1:] {
			ds := p.Differences[c.Name]
			if len(ds) == 0 {
				continue
			}
			if !found {
				b.WriteString("\nDifferences (first attempt):\n")
				found = true
			}
			fmt.Fprintf(b, "%s, %s: %s", p.Program, c.Name, p.Verdicts[c.Name])
			if n := p.Retries[c.Name]; n > 0 {
				fmt.Fprintf(b, " after %d retries", n)
			}
			b.WriteString("\n")
			for _, d := range ds {
				fmt.Fprintf(b, "  %s\n", d)
				if d.Detail != "" {
					fmt.Fprintf(b, "    %s\n", strings.ReplaceAll(tail(strings.TrimSpace(d.Detail), 600), "\n", "\n    "))
				}
			}
		}
	}
	if !found {
		b.WriteString("\nNo differences.\n")
	}
}

func counts(c map[Outcome]int) string {
	return fmt.Sprintf("%d/%d/%d/%d", c[Pass], c[Fail], c[Skip], c[Todo])
}
