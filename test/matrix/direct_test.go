package matrix

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/oshim/oshim/test/harness"
)

// direct calls oshim the way an engine calls a runtime, with a bundle per cell.
type direct struct {
	oshim string
	regs  map[string]map[kind]registration
}

func newDirect(t *testing.T) engine {
	oshim := harness.Oshim(t)
	return &direct{oshim: oshim, regs: registrations(t, rootWriter, t.TempDir(), oshim)}
}

// execAsk is every capability an exec session asks for: more than any contract gives.
const execAsk = `["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_KILL","CAP_SETPCAP","CAP_NET_BIND_SERVICE","CAP_SYS_ADMIN"]`

func (d *direct) run(t *testing.T, c cell) observation {
	b := harness.NewBundle(t, harness.Runtime(t, c.runtime))
	b.Install(t, harness.Binary(t, "./test/workload/supervisor"), supervisorPath)
	b.Install(t, harness.Binary(t, "./test/workload/capdump"), capdumpPath)
	args, _ := json.Marshal(c.args())
	b.Jq(t, `.process.args = $args | .process.user = {uid: $uid, gid: $uid} | .process.noNewPrivileges = $nnp | .process.capabilities = $caps`,
		"--argjson", "args", string(args), "--argjson", "uid", fmt.Sprint(c.uid), "--argjson", "nnp", fmt.Sprint(c.nnp),
		"--argjson", "caps", specJSON(c.spec()))
	bin, env := b.Runtime, []string(nil)
	var reg registration
	if c.kind != none {
		reg = d.regs[c.runtime][c.kind]
		bin, env = d.oshim, []string{"OSHIM_CONFIG=" + reg.config, "OSHIM_RUNTIME=" + b.Runtime}
	}
	if !c.held() {
		return d.runOnce(t, c, b, bin, env, reg)
	}
	var o observation
	// The container writes where create's output goes: a file the cell keeps.
	outFile := filepath.Join(t.TempDir(), "output")
	create := harness.Run(t, env, append([]string{"sh", "-c", `exec "$@" >>"$0" 2>&1`, outFile}, b.Argv(bin, "create", "--bundle", b.Dir, b.ID)...)...)
	output := func() string { data, _ := os.ReadFile(outFile); return string(data) }
	if create.Code != 0 {
		return observation{refused: true, message: output()}
	}
	if r := harness.Run(t, env, b.Argv(bin, "start", b.ID)...); r.Code != 0 {
		return observation{refused: true, message: r.Stderr + output()}
	}
	o.exit = -1
	waitLog(c, outFile)
	o.output = output()
	state := harness.Run(t, env, b.Argv(bin, "state", b.ID)...)
	var st struct {
		Pid    int    `json:"pid"`
		Status string `json:"status"`
	}
	if err := json.Unmarshal([]byte(state.Stdout), &st); err != nil || st.Status != "running" {
		o.exit = 0
		o.output += fmt.Sprintf("\n(state: %s %v)", state.Stdout, err)
	} else {
		o.noteHost(st.Pid)
	}
	o.noteExec(harness.Run(t, env, b.Argv(bin, "exec", "--process", execProcess(t, c), b.ID)...))
	return o
}

// runOnce runs a workload that exits (or must never start) with `run`, which returns
// its exit status.
func (d *direct) runOnce(t *testing.T, c cell, b *harness.Bundle, bin string, env []string, reg registration) observation {
	before := b.Config(t)
	o := ran(c, harness.Run(t, env, b.Argv(bin, "run", "--bundle", b.Dir, b.ID)...))
	if c.kind == deny {
		o.specChecked = "config.json byte for byte as written; the real runtime never knew the container"
		if !bytes.Equal(b.Config(t), before) {
			o.specChange = "config.json is not byte for byte what the engine wrote"
		}
		if st := harness.Run(t, nil, b.Argv(b.Runtime, "state", b.ID)...); st.Code == 0 {
			o.specChange += "; the real runtime knows the container: " + st.Stdout
		}
	}
	if c.kind == report {
		o.noteSkew(reg.ocsf, b.ID)
	}
	return o
}

// execProcess writes the process of an exec session as the cell's user: capdump,
// asking for every capability in every list, without no_new_privs.
func execProcess(t *testing.T, c cell) string {
	t.Helper()
	body := fmt.Sprintf(`{"args":[%q],"cwd":"/","user":{"uid":%d,"gid":%d},"env":["PATH=/bin"],"noNewPrivileges":false,`+
		`"capabilities":{"bounding":%s,"effective":%s,"permitted":%s,"inheritable":%s,"ambient":%s}}`,
		capdumpPath, c.uid, c.uid, execAsk, execAsk, execAsk, execAsk, execAsk)
	p := filepath.Join(t.TempDir(), "process.json")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
