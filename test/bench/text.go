package main

import (
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"
)

// renderText is the terminal report.
func renderText(res *Results) string {
	var b strings.Builder
	m := res.Machine
	var rts []string
	for name, v := range m.Runtimes {
		rts = append(rts, name+" "+strings.TrimPrefix(strings.TrimPrefix(v, name+" "), "version "))
	}
	sort.Strings(rts)
	fmt.Fprintf(&b, "oshim %s, %s; kernel %s, %d x %s, %s; bundles on %s, oshim run_dir on %s\n",
		m.Oshim, strings.Join(rts, ", "), m.Kernel, m.CPUs, m.CPU, m.Go, m.BundleFS, m.RunFS)
	fmt.Fprintf(&b, "%d rounds after %d warm-up, configurations interleaved in random order per round (seed %d)\n",
		res.Settings.Rounds, res.Settings.Warmup, res.Settings.Seed)
	writeSerial(&b, res.Serial)
	writeTargets(&b, res.Targets)
	if len(res.Parallel) > 0 {
		writeParallel(&b, res.Parallel)
	}
	writeRSS(&b, res.RSS)
	if res.Breakdown != nil {
		writeBreakdown(&b, res.Breakdown)
	}
	return b.String()
}

func table(b *strings.Builder, title, header string, rows func(w *tabwriter.Writer)) {
	fmt.Fprintf(b, "\n%s\n", title)
	w := tabwriter.NewWriter(b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, header)
	rows(w)
	w.Flush()
}

func writeSerial(b *strings.Builder, series []*Series) {
	table(b, "Per container, ms (added = median minus the direct runtime's or the floor's median; paired = median of same-round differences; faults = median page faults of the lifecycle's calls, the runtime's included)",
		"runtime\tlifecycle\tconfig\tmedian\tp90\tratio\tadded\tover floor\tpaired\tfaults\tsteps (median)\t", func(w *tabwriter.Writer) {
			for _, s := range series {
				faults := "-"
				if len(s.Faults) > 0 {
					faults = fmt.Sprintf("%.0f", s.FaultsMedian)
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%.2f\t%.2f\t%.3f\t%+.2f\t%+.2f\t%+.2f\t%s\t%s\t\n", s.Runtime, s.Lifecycle, s.Variant,
					s.Summary.Median, s.Summary.P90, s.Ratio, s.AddedMS, s.AddedOverFloorMS, s.PairedAddedMS, faults, steps(s))
			}
		})
}

func steps(s *Series) string {
	if s.Lifecycle != LifecycleCycle {
		return ""
	}
	var parts []string
	for _, k := range []string{"create", "start", "wait", "delete"} {
		parts = append(parts, fmt.Sprintf("%s %.2f", k, s.StepMedianMS[k]))
	}
	return strings.Join(parts, "  ")
}

func writeTargets(b *strings.Builder, targets []Target) {
	const title = "Targets, read from the medians above (not asserted; paired = median of the same-round differences, for the noise)"
	table(b, title, "target\truntime\tlifecycle\tms\tlimit\t\tpaired\t", func(w *tabwriter.Writer) {
		for _, t := range targets {
			fmt.Fprintf(w, "%s\t%s\t%s\t%+.2f\t%.1f\t%s\t%+.2f\t\n", t.What, t.Runtime, t.Lifecycle, t.ValueMS, t.LimitMS, verdict(t.Met), t.PairedMS)
		}
	})
}

func verdict(met bool) string {
	if met {
		return "met"
	}
	return "MISSED"
}

func writeParallel(b *strings.Builder, ps []*Parallel) {
	title := fmt.Sprintf("Parallel: create+start+delete, %d at a time, %d per configuration", ps[0].Workers, ps[0].Total)
	table(b, title, "runtime\tconfig\twall s\tcontainers/s\tmedian\tp90\tadded\tCPU busy\tfailures\tleftover records\t", func(w *tabwriter.Writer) {
		for _, p := range ps {
			fmt.Fprintf(w, "%s\t%s\t%.2f\t%.1f\t%.2f\t%.2f\t%+.2f\t%.0f%%\t%d\t%d\t\n", p.Runtime, p.Variant, p.WallS, p.PerSecond,
				p.Summary.Median, p.Summary.P90, p.AddedMS, 100*p.CPUBusy, p.Failures, p.LeftoverRecords)
		}
	})
	for _, p := range ps {
		if p.FirstError != "" {
			fmt.Fprintf(b, "%s/%s first failure: %s\n", p.Runtime, p.Variant, p.FirstError)
		}
	}
}

func writeRSS(b *strings.Builder, rss []RSS) {
	table(b, rssTitle, "process\tcall\tmedian\tmax\t", func(w *tabwriter.Writer) {
		for _, r := range rss {
			fmt.Fprintf(w, "%s\t%s\t%.1f\t%.1f\t\n", r.Process, r.Call, mib(r.MedianKiB), mib(r.MaxKiB))
		}
	})
}

func writeBreakdown(b *strings.Builder, bd *Breakdown) {
	table(b, "Breakdown: whole processes with /bin/true as the runtime, interleaved, ms, and page faults (median)", "process\tmedian\tp90\tfaults\t", func(w *tabwriter.Writer) {
		for _, it := range bd.Exec {
			fmt.Fprintf(w, "%s\t%.3f\t%.3f\t%.0f\t\n", it.Name, it.Summary.Median, it.Summary.P90, it.Faults)
		}
	})
	table(b, "Breakdown: the rewrite's steps in one process, ms", "step\tmedian\tp90\t", func(w *tabwriter.Writer) {
		for _, it := range bd.InProcess {
			fmt.Fprintf(w, "%s\t%.3f\t%.3f\t\n", it.Name, it.Summary.Median, it.Summary.P90)
		}
	})
	tr := bd.InitTrace
	table(b, fmt.Sprintf("Breakdown: Go package initialisation of every oshim call (GODEBUG=inittrace=1, median of %d): %.3f ms in all; slowest:", tr.Runs, tr.TotalMS),
		"package\tms\tbytes\tallocs\t", func(w *tabwriter.Writer) {
			for _, p := range tr.Packages {
				fmt.Fprintf(w, "%s\t%.3f\t%d\t%d\t\n", p.Package, p.MS, p.Bytes, p.Allocs)
			}
		})
}

func mib(kib int64) float64 { return float64(kib) / 1024 }
