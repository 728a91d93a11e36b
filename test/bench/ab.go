package main

import (
	"fmt"
	"io"
	"math"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/oshim/oshim/internal/initproc"
)

// A comparison of two builds (-base) measures each as two byte-identical copies of
// its binaries. On a virtual machine whose memory the host backs page by page, two
// copies of one binary measure apart by up to a few tenths of a millisecond; the
// copies' own difference is the yardstick a difference between builds is read against.
const abCopies = 2

// abVariants are the oshim configurations a comparison measures; "direct" runs beside
// them as the reference.
var abVariants = []string{"passthrough", "require", "clear"}

// abBuild is one build under comparison: the directory its oshim and oshim-init are in.
type abBuild struct {
	Name    string `json:"name"` // "base" or "head"
	Version string `json:"version"`
	Dir     string `json:"-"`
}

// ABResults is what a comparison measured; ab.json is this, indented.
type ABResults struct {
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	Machine  Machine   `json:"machine"`
	Settings Settings  `json:"settings"`
	Base     abBuild   `json:"base"`
	Head     abBuild   `json:"head"`
	Rows     []ABRow   `json:"rows"`
	Serial   []*Series `json:"serial"`
}

// ABRow compares the two builds in one configuration. Each round's value of a build is
// the mean of its two copies' samples in that round.
type ABRow struct {
	Runtime   string `json:"runtime"`
	Lifecycle string `json:"lifecycle"`
	Variant   string `json:"variant"`
	// BaseMS and HeadMS are the medians over rounds; HeadMinusBaseMS is the median of
	// the same-round differences, and StepsMS the same for each call of the lifecycle.
	BaseMS          float64            `json:"base_ms"`
	HeadMS          float64            `json:"head_ms"`
	HeadMinusBaseMS float64            `json:"head_minus_base_ms"`
	StepsMS         map[string]float64 `json:"steps_head_minus_base_ms,omitempty"`
	// CopySpreadMS is the larger of the two builds' differences between their own
	// copies (median of same-round differences, as an absolute value).
	CopySpreadMS float64 `json:"copy_spread_ms"`
	// BaseAddedMS and HeadAddedMS are each build's cost over the direct runtime
	// (median of same-round differences).
	BaseAddedMS float64 `json:"base_added_ms"`
	HeadAddedMS float64 `json:"head_added_ms"`
	// BaseFaults and HeadFaults are the medians of the lifecycle's page faults (the
	// runtime's included), and HeadMinusBaseFaults the median of the same-round
	// differences: a few faults read here when time cannot tell them from the noise.
	BaseFaults          float64 `json:"base_faults"`
	HeadFaults          float64 `json:"head_faults"`
	HeadMinusBaseFaults float64 `json:"head_minus_base_faults"`
}

// Verdict reads the difference against the copies' spread.
func (r ABRow) Verdict() string {
	switch {
	case math.Abs(r.HeadMinusBaseMS) <= r.CopySpreadMS:
		return "within the copies' spread"
	case r.HeadMinusBaseMS < 0:
		return "head faster"
	default:
		return "head slower"
	}
}

// compareBuilds measures the oshim at o.Oshim (head) against the same repository at
// revision o.Base (base), interleaved in one run, and writes ab.txt and ab.json.
func compareBuilds(o options, ws *workspace) error {
	progress("building base %s", o.Base)
	base, err := buildRevision(o.Base, filepath.Join(ws.Dir, "base"))
	if err != nil {
		return err
	}
	head := abBuild{Name: "head", Dir: filepath.Dir(ws.Oshim)}
	for _, b := range []*abBuild{&base, &head} {
		if b.Version, err = versionOf(filepath.Join(b.Dir, "oshim")); err != nil {
			return err
		}
	}
	copies, err := makeCopies(ws, base, head)
	if err != nil {
		return err
	}
	setups, err := abSetups(ws, copies)
	if err != nil {
		return err
	}
	dropPageCache()
	res := &ABResults{Started: time.Now().UTC(), Machine: describeMachine(ws), Settings: settingsOf(o), Base: base, Head: head}
	progress("serial: %d configurations, %d warm-up + %d rounds", len(setups), o.Warmup, o.Rounds)
	if res.Serial, err = runSerial(ws, setups, o); err != nil {
		return err
	}
	progress("oshim's own part: %d rounds with /bin/true as the runtime", o.Micro)
	own, err := ownPart(ws, copies, o.Micro, rand.New(rand.NewSource(o.Seed+1)))
	if err != nil {
		return err
	}
	res.Serial = append(res.Serial, own...)
	if res.Rows, err = compareSeries(res.Serial); err != nil {
		return err
	}
	res.Finished = time.Now().UTC()
	return writeABOutputs(o.Out, res)
}

// buildRevision builds oshim and oshim-init at a git revision of the repository the
// bench runs from, with its own Makefile, from a clean export into dir.
func buildRevision(rev, dir string) (abBuild, error) {
	root, err := moduleRoot()
	if err != nil {
		return abBuild{}, err
	}
	out, err := gitOutput(root, "rev-parse", "--verify", rev+"^{commit}")
	if err != nil {
		return abBuild{}, fmt.Errorf("-base %s: not a commit of %s: %w", rev, root, err)
	}
	commit := strings.TrimSpace(out)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return abBuild{}, fmt.Errorf("create %s: %w", dir, err)
	}
	archive := exec.Command("git", "archive", "--format=tar", commit)
	archive.Dir = root
	extract := exec.Command("tar", "-x", "-C", dir)
	if extract.Stdin, err = archive.StdoutPipe(); err != nil {
		return abBuild{}, fmt.Errorf("git archive: %w", err)
	}
	if err := archive.Start(); err != nil {
		return abBuild{}, fmt.Errorf("git archive %s: %w", commit, err)
	}
	msg, extractErr := extract.CombinedOutput()
	if err := archive.Wait(); err != nil {
		return abBuild{}, fmt.Errorf("git archive %s: %w", commit, err)
	}
	if extractErr != nil {
		return abBuild{}, fmt.Errorf("extract %s into %s: %w\n%s", commit, dir, extractErr, msg)
	}
	// Outside a checkout the Makefile cannot ask git for the version: name it here.
	short := commit[:7]
	if err := makeBuild(dir, "VERSION="+short, "COMMIT="+commit); err != nil {
		return abBuild{}, fmt.Errorf("%s: %w", short, err)
	}
	return abBuild{Name: "base", Dir: filepath.Join(dir, "bin")}, nil
}

func gitOutput(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok {
		err = fmt.Errorf("%w: %s", err, strings.TrimSpace(string(ee.Stderr)))
	}
	return string(out), err
}

// versionOf is the first line `oshim --version` prints.
func versionOf(bin string) (string, error) {
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		return "", fmt.Errorf("%s --version: %w", bin, err)
	}
	first, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	return first, nil
}

// abCopy is one copy of one build: its name ("base-1") and its oshim.
type abCopy struct{ name, bin string }

// makeCopies copies each build abCopies times.
func makeCopies(ws *workspace, builds ...abBuild) ([]abCopy, error) {
	var copies []abCopy
	for _, b := range builds {
		for k := 1; k <= abCopies; k++ {
			name := fmt.Sprintf("%s-%d", b.Name, k)
			dir := filepath.Join(ws.Dir, "copies", name)
			if err := copyBuild(b.Dir, dir); err != nil {
				return nil, err
			}
			copies = append(copies, abCopy{name, filepath.Join(dir, "oshim")})
		}
	}
	return copies, nil
}

// abSetups are the direct runtime, then every oshim variant once for each copy,
// runtime by runtime.
func abSetups(ws *workspace, copies []abCopy) ([]setup, error) {
	all, err := ws.setups()
	if err != nil {
		return nil, err
	}
	var out []setup
	for _, s := range all {
		switch s.Variant {
		case "direct":
			out = append(out, s)
		case "floor":
		default:
			for _, c := range copies {
				s.Build, s.Bin = c.name, c.bin
				out = append(out, s)
			}
		}
	}
	return out, nil
}

// ownPart times `run` of every variant by every copy with /bin/true as the runtime,
// and /bin/true alone as the direct runtime, interleaved: oshim's own part of a call,
// which a real runtime's noise would hide. The series are the runtime "true"'s.
func ownPart(ws *workspace, copies []abCopy, n int, rng *rand.Rand) ([]*Series, error) {
	tb, err := newTrueBench(ws)
	if err != nil {
		return nil, err
	}
	defer tb.close()
	rows := []execRow{{"true", []string{tb.truePath}, []string{basePath}}}
	series := []*Series{{Runtime: "true", Variant: "direct", Lifecycle: LifecycleRun}}
	for _, v := range abVariants {
		for _, c := range copies {
			rows = append(rows, tb.run(c.bin, v))
			series = append(series, &Series{Runtime: "true", Variant: v, Build: c.name, Lifecycle: LifecycleRun})
		}
	}
	samples, err := tb.interleave(rows, n, rng)
	if err != nil {
		return nil, err
	}
	for i, s := range series {
		s.SamplesMS, s.Faults = samples[i].WallMS, samples[i].Faults
		s.Summary = Summarize(s.SamplesMS)
	}
	return series, nil
}

// copyBuild copies a build's oshim and oshim-init (which oshim finds beside itself)
// into dir as new files, so no two copies share a page of the page cache.
func copyBuild(from, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	for _, name := range []string{"oshim", initproc.HostBinary} {
		if err := copyFile(filepath.Join(from, name), filepath.Join(dir, name)); err != nil {
			return err
		}
	}
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return fmt.Errorf("copy a build: %w", err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		return fmt.Errorf("copy a build: %w", err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copy %s to %s: %w", from, to, err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("copy %s to %s: %w", from, to, err)
	}
	return nil
}

// dropPageCache writes the copies out and drops the page cache, so every copy starts
// from its file alike. It is best effort: a kernel that refuses leaves the copies
// cached alike too.
func dropPageCache() {
	exec.Command("sync").Run()
	if err := os.WriteFile("/proc/sys/vm/drop_caches", []byte("3\n"), 0o200); err != nil {
		progress("page cache not dropped: %v", err)
	}
}

// compareSeries pairs each configuration's copies of base and head, round by round.
func compareSeries(series []*Series) ([]ABRow, error) {
	find := func(rt, lc, variant, build string) *Series {
		for _, s := range series {
			if s.Runtime == rt && s.Lifecycle == lc && s.Variant == variant && s.Build == build {
				return s
			}
		}
		return nil
	}
	var rows []ABRow
	for _, d := range series {
		if d.Variant != "direct" {
			continue
		}
		for _, v := range abVariants {
			var builds [2][abCopies]*Series
			for i, b := range []string{"base", "head"} {
				for k := range abCopies {
					if builds[i][k] = find(d.Runtime, d.Lifecycle, v, fmt.Sprintf("%s-%d", b, k+1)); builds[i][k] == nil {
						return nil, fmt.Errorf("%s %s %s: no samples of %s copy %d", d.Runtime, d.Lifecycle, v, b, k+1)
					}
				}
			}
			base := meanOfCopies(builds[0], func(s *Series) []float64 { return s.SamplesMS })
			head := meanOfCopies(builds[1], func(s *Series) []float64 { return s.SamplesMS })
			r := ABRow{
				Runtime: d.Runtime, Lifecycle: d.Lifecycle, Variant: v,
				BaseMS: Summarize(base).Median, HeadMS: Summarize(head).Median,
				HeadMinusBaseMS: PairedMedian(head, base),
				BaseAddedMS:     PairedMedian(base, d.SamplesMS),
				HeadAddedMS:     PairedMedian(head, d.SamplesMS),
			}
			baseFaults := meanOfCopies(builds[0], func(s *Series) []float64 { return s.Faults })
			headFaults := meanOfCopies(builds[1], func(s *Series) []float64 { return s.Faults })
			if len(baseFaults) > 0 && len(headFaults) > 0 {
				r.BaseFaults, r.HeadFaults = Summarize(baseFaults).Median, Summarize(headFaults).Median
				r.HeadMinusBaseFaults = PairedMedian(headFaults, baseFaults)
			}
			for _, b := range builds {
				r.CopySpreadMS = max(r.CopySpreadMS, math.Abs(PairedMedian(b[0].SamplesMS, b[1].SamplesMS)))
			}
			if d.Lifecycle == LifecycleCycle {
				r.StepsMS = map[string]float64{}
				for _, step := range []string{"create", "start", "delete"} {
					of := func(s *Series) []float64 { return s.StepsMS[step] }
					r.StepsMS[step] = PairedMedian(meanOfCopies(builds[1], of), meanOfCopies(builds[0], of))
				}
			}
			rows = append(rows, r)
		}
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("no configuration to compare")
	}
	return rows, nil
}

// meanOfCopies is, round by round, the mean of the copies' samples.
func meanOfCopies(copies [abCopies]*Series, samples func(*Series) []float64) []float64 {
	n := len(samples(copies[0]))
	for _, c := range copies[1:] {
		n = min(n, len(samples(c)))
	}
	out := make([]float64, n)
	for i := range out {
		for _, c := range copies {
			out[i] += samples(c)[i]
		}
		out[i] /= abCopies
	}
	return out
}

func writeABOutputs(dir string, res *ABResults) error {
	if err := writeReport(dir, "ab", renderAB(res), res); err != nil {
		return err
	}
	fmt.Printf("\nwrote %s/ab.{txt,json}\n", dir)
	return nil
}

// renderAB is the terminal report of a comparison.
func renderAB(res *ABResults) string {
	var b strings.Builder
	m := res.Machine
	fmt.Fprintf(&b, "base: %s; head: %s\nkernel %s, %d x %s, %s; bundles on %s, oshim run_dir on %s\n",
		res.Base.Version, res.Head.Version, m.Kernel, m.CPUs, m.CPU, m.Go, m.BundleFS, m.RunFS)
	fmt.Fprintf(&b, "%d rounds after %d warm-up; each build as %d copies, every configuration and copy interleaved in random order per round (seed %d)\n",
		res.Settings.Rounds, res.Settings.Warmup, abCopies, res.Settings.Seed)
	table(&b, "Per container, ms (a build's value in a round is the mean of its copies'; differences are medians of same-round differences; runtime true: /bin/true stands in for the runtime, leaving oshim's own part of a call)",
		"runtime\tlifecycle\tconfig\tbase\thead\thead - base\tcopy spread\tverdict\tbase added\thead added\tsteps, head - base\tfaults base\thead\thead - base\t", func(w *tabwriter.Writer) {
			for _, r := range res.Rows {
				fmt.Fprintf(w, "%s\t%s\t%s\t%.2f\t%.2f\t%+.2f\t%.2f\t%s\t%+.2f\t%+.2f\t%s\t%.0f\t%.0f\t%+.1f\t\n", r.Runtime, r.Lifecycle, r.Variant,
					r.BaseMS, r.HeadMS, r.HeadMinusBaseMS, r.CopySpreadMS, r.Verdict(), r.BaseAddedMS, r.HeadAddedMS, abSteps(r), r.BaseFaults, r.HeadFaults, r.HeadMinusBaseFaults)
			}
		})
	return b.String()
}

func abSteps(r ABRow) string {
	if r.StepsMS == nil {
		return ""
	}
	var parts []string
	for _, k := range []string{"create", "start", "delete"} {
		parts = append(parts, fmt.Sprintf("%s %+.2f", k, r.StepsMS[k]))
	}
	return strings.Join(parts, ", ")
}
