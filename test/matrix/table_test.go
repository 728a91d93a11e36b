package matrix

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/oshim/oshim/test/procstatus"
)

// table holds judged cells by path and cell name.
type table map[string]result

func key(c cell) string { return c.path.name + "/" + c.name() }

// results are the matrix's cells, for the table TestMain prints.
var results struct {
	sync.Mutex
	table table
}

// keep stores a cell's result in results.
func keep(r result) {
	results.Lock()
	defer results.Unlock()
	if results.table == nil {
		results.table = table{}
	}
	results.table[key(r.cell)] = r
}

// verdict is a row's last column.
func (r result) verdict() string {
	switch {
	case r.na != "":
		return "n/a"
	case len(r.failures) > 0:
		return "FAIL"
	}
	return "ok"
}

// promised says what the contract promises for cell c, for the table.
func promised(c cell, p Promise) string {
	switch {
	case p.Refused:
		return "refused before the workload runs; config.json unchanged"
	case c.kind == clear && c.path.noExec == "":
		return p.Main.String() + "; exec sessions: nothing"
	}
	return p.Main.String()
}

// render writes the table of every cell of every path, in Markdown: a summary, then a
// section per path. Cells without a result say "not run" (a -run filter left them
// out); header lines come first.
func (tb table) render(header []string) string {
	var b strings.Builder
	b.WriteString("# The capability matrix\n\n")
	for _, h := range header {
		b.WriteString(h + "\n")
	}
	b.WriteString("\n| path | ok | FAIL | n/a | not run |\n|---|---|---|---|---|\n")
	for _, p := range paths {
		count := map[string]int{}
		for _, c := range cells(p) {
			r, ok := tb[key(c)]
			if !ok {
				count["not run"]++
				continue
			}
			count[r.verdict()]++
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d |\n", p.title, count["ok"], count["FAIL"], count["n/a"], count["not run"])
	}
	for _, p := range paths {
		fmt.Fprintf(&b, "\n## %s\n\n", p.title)
		b.WriteString("| runtime | uid | nnp | contract | the contract promises (workload at start) | /proc showed | exec session | result |\n")
		b.WriteString("|---|---|---|---|---|---|---|---|\n")
		for _, c := range cells(p) {
			nnp := map[bool]string{false: "off", true: "on"}[c.nnp]
			row := []string{c.runtime, fmt.Sprint(c.uid), nnp, c.kind.String()}
			r, ok := tb[key(c)]
			switch {
			case !ok:
				row = append(row, "", "", "", "not run")
			case r.na != "":
				row = append(row, "—", "—", "—", "n/a: "+r.na)
			case len(r.failures) > 0:
				row = append(row, promised(r.cell, r.promise), r.measured, r.exec, "**FAIL**: "+strings.Join(r.failures, "; "))
			default:
				row = append(row, promised(r.cell, r.promise), r.measured, r.exec, "ok")
			}
			for i := range row {
				row[i] = strings.ReplaceAll(row[i], "|", `\|`)
			}
			b.WriteString("| " + strings.Join(row, " | ") + " |\n")
		}
	}
	return b.String()
}

func TestRender(t *testing.T) {
	p := paths[0]
	ok := cell{path: p, runtime: "crun", uid: 0, kind: repair}
	failed := cell{path: p, runtime: "runc", uid: 1000, nnp: true, kind: clear}
	na := cell{path: p, runtime: "runc", uid: 1000, nnp: true, kind: deny}
	tb := table{}
	for _, r := range []result{
		judge(ok, observation{output: Sets{Bnd: 0x520, Eff: 0x520, Prm: 0x520}.lines() + clearedMsg, exit: -1,
			host: &procstatus.Status{Eff: 0x520, Prm: 0x520}, exec: &procstatus.Status{Eff: 0x420, Prm: 0x420, Bnd: 0x420}}),
		judge(failed, observation{output: `{"CapInh":"0000000000000420","CapPrm":"0000000000000420","CapEff":"0000000000000420","CapBnd":"0000000000000520","CapAmb":"0000000000000420","NoNewPrivs":true,"Seccomp":0,"Uid":1000}`, exit: -1, execErr: "exit status 1"}),
		{cell: na, na: "a reason | with a bar"},
	} {
		tb[key(r.cell)] = r
	}
	out := tb.render([]string{"header"})
	for _, want := range []string{
		"| runtime called directly (oshim create, start, exec) | 1 | 1 | 1 | 37 |",
		"| crun | 0 | off | repair | bnd,eff,prm=KILL,SETPCAP,NET_BIND_SERVICE inh,amb=none | as promised; supervisor cleared its bounding set | bnd,eff,prm=KILL,NET_BIND_SERVICE inh,amb=none (limit: bnd,eff,prm=KILL,SETPCAP,NET_BIND_SERVICE inh,amb=none) | ok |",
		"| runc | 1000 | on | bounding clear | bnd=none eff,prm,inh,amb=KILL,NET_BIND_SERVICE; exec sessions: nothing | bnd=KILL,SETPCAP,NET_BIND_SERVICE eff,prm,inh,amb=KILL,NET_BIND_SERVICE; capdump held | none: exit status 1 | **FAIL**: workload at start:",
		"CapBnd 0000000000000520, want 0000000000000000 (+KILL,SETPCAP,NET_BIND_SERVICE)",
		"| runc | 1000 | on | deny | — | — | — | n/a: a reason \\| with a bar |",
		"| crun | 0 | off | none (plain runtime) |  |  |  | not run |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}
