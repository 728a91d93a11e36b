package matrix

import (
	"fmt"
	"strings"

	"github.com/oshim/oshim/test/procstatus"
)

// observation is what a path's engine showed of one cell's container.
type observation struct {
	// refused: the engine could not start the container; message is its error output.
	refused bool
	message string
	// output is what the workload printed; exit is its exit status, -1 while it is
	// held running.
	output string
	exit   int
	// host is the held workload's /proc/<pid>/status, read from the host.
	host *procstatus.Status
	// exec is capdump's state in an exec session of the held workload; execErr says
	// why there is none.
	exec    *procstatus.Status
	execErr string
	// For a refused container: specChange says how the engine's config.json differs
	// from what the engine wrote ("" if unchanged), specChecked what was compared (or
	// why nothing could be).
	specChange, specChecked string
	// record is what oshim recorded of the skew (report cells); recordErr why nothing
	// was read.
	record    *record
	recordErr string
}

// record is what oshim recorded of a container's skew.
type record struct {
	Contract string `json:"contract"`
	OnSkew   string `json:"onSkew"`
	Skew     string `json:"skew"`
}

// result is a judged cell, a row of the table.
type result struct {
	cell    cell
	na      string // why the path cannot express the cell
	promise Promise
	// measured and exec say what /proc showed, of the workload and of an exec session.
	measured, exec string
	failures       []string
}

// judge compares what the engine showed of cell c with what its contract promises.
func judge(c cell, o observation) result {
	p := promise(c.kind, c.spec(), c.root(), c.nnp)
	r := result{cell: c, promise: p}
	fail := func(format string, args ...any) { r.failures = append(r.failures, fmt.Sprintf(format, args...)) }
	if p.Refused {
		judgeRefusal(c, o, &r, fail)
		return r
	}
	r.exec = "n/a: " + noSession(c)
	if o.refused {
		fail("the engine did not start the container: %s", oneLine(o.message))
		r.measured = "refused: " + oneLine(o.message)
		return r
	}
	got, err := workloadState(c, o.output)
	switch {
	case err != nil:
		fail("%v; output %q", err, o.output)
		r.measured = "no capability state printed"
	case len(p.Main.diff(got)) > 0:
		fail("workload at start: %s", strings.Join(p.Main.diff(got), "; "))
		r.measured = got.String()
	default:
		r.measured = "as promised"
	}
	r.measured += "; " + outcome(c, p, o, fail)
	if c.held() {
		judgeHost(c, p, o, fail)
	}
	if c.kind == report {
		judgeRecord(c, o, fail)
		r.measured += "; skew recorded (OCSF finding)"
	}
	if c.held() && c.kind != none && c.path.noExec == "" {
		r.exec = judgeExec(p, o, fail)
	}
	return r
}

// judgeRefusal: a denied container never starts its workload, the engine's error
// carries oshim's reason, and config.json is as the engine wrote it.
func judgeRefusal(c cell, o observation, r *result, fail func(string, ...any)) {
	text, shown := c.denyText()
	r.exec = "n/a: the container never starts"
	r.measured = shown
	if !o.refused {
		fail("the container started; the contract denies it")
	} else if !strings.Contains(strings.ReplaceAll(o.message, `\"`, `"`), text) {
		fail("the engine's error lacks %q: %s", text, oneLine(o.message))
	}
	if spoke(o.output + o.message) {
		fail("the workload ran: %q", o.output+o.message)
	}
	if o.specChange != "" {
		fail("config.json changed: %s", o.specChange)
	}
	r.measured += "; " + o.specChecked
}

// spoke reports whether text holds anything the workloads print.
func spoke(text string) bool {
	return strings.Contains(text, "CapInh") || strings.Contains(text, clearedMsg) || strings.Contains(text, failedMsg)
}

// workloadState reads the workload's own capability state from what it printed:
// capdump's JSON line, or the supervisor's Cap lines.
func workloadState(c cell, out string) (Sets, error) {
	if c.kind != clear {
		return capLines(out)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "{") {
			st, err := procstatus.ParseJSON(line)
			if err != nil {
				return Sets{}, err
			}
			return setsOf(st), nil
		}
	}
	return Sets{}, fmt.Errorf("capdump printed no JSON line")
}

// outcome checks how the workload went on: the supervisor clears its bounding set
// and is held, or fails closed with exit status 1; capdump is held.
func outcome(c cell, p Promise, o observation, fail func(string, ...any)) string {
	switch {
	case c.kind == clear:
		if o.exit != -1 {
			fail("capdump exited with status %d instead of holding", o.exit)
		}
		return "capdump held"
	case p.Clears:
		if !strings.Contains(o.output, clearedMsg) || o.exit != -1 {
			fail("the supervisor did not clear its bounding set and hold (exit %d): %q", o.exit, o.output)
		}
		return "supervisor cleared its bounding set"
	default:
		if o.exit != 1 || !strings.Contains(o.output, failedMsg) {
			fail("the supervisor did not fail closed (exit %d, want 1 with %q): %q", o.exit, failedMsg, o.output)
		}
		return "supervisor failed closed (exit 1)"
	}
}

// judgeHost reads the held workload from the host: the same sets (the supervisor has
// emptied its bounding set meanwhile), and no_new_privs as the spec set it.
func judgeHost(c cell, p Promise, o observation, fail func(string, ...any)) {
	if o.host == nil {
		fail("no /proc status of the held workload")
		return
	}
	want := p.Main
	if c.kind != clear {
		want.Bnd = 0
	}
	if d := want.diff(setsOf(*o.host)); len(d) > 0 {
		fail("held workload, from the host: %s", strings.Join(d, "; "))
	}
	if o.host.NoNewPrivs != c.nnp {
		fail("NoNewPrivs %t, the spec says %t", o.host.NoNewPrivs, c.nnp)
	}
}

// judgeRecord: report mode records the skew (an OCSF finding).
func judgeRecord(c cell, o observation, fail func(string, ...any)) {
	want := record{Contract: c.kind.contractName(), OnSkew: "report", Skew: "missing=CAP_SETPCAP"}
	switch {
	case o.record == nil:
		fail("no record of the skew: %s", o.recordErr)
	case *o.record != want:
		fail("record %+v, want %+v", *o.record, want)
	}
}

// judgeExec: an exec session holds nothing beyond what the contract allows it.
func judgeExec(p Promise, o observation, fail func(string, ...any)) string {
	if o.exec == nil {
		fail("no exec session: %s", o.execErr)
		return "none: " + oneLine(o.execErr)
	}
	got := setsOf(*o.exec)
	if extra := p.Exec.beyond(got); len(extra) > 0 {
		fail("exec session: %s", strings.Join(extra, "; "))
		return got.String()
	}
	if got == p.Exec {
		return "the limit: " + got.String()
	}
	return got.String() + " (limit: " + p.Exec.String() + ")"
}

// noSession says why a cell has no exec session to measure.
func noSession(c cell) string {
	switch {
	case c.kind == none:
		return "plain runtime"
	case c.path.noExec != "":
		return c.path.noExec
	case c.kind == report:
		return "the workload exits at once (it runs unchanged and fails closed)"
	}
	return ""
}

// oneLine shortens an engine's error output for the table.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	return s
}
