package attacks

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oshim/oshim/test/harness"
	"github.com/oshim/oshim/test/procstatus"
)

// runtimes are the real runtimes every attack runs against.
var runtimes = []string{"crun", "runc"}

const (
	capdumpPath = "/usr/local/bin/capdump"
	// setpcap is CAP_SETPCAP's bit, the capability oshim lends to its init.
	setpcap procstatus.Mask = 1 << 8
	// specCaps are CAP_KILL and CAP_NET_BIND_SERVICE, the caps every spec here grants.
	specCaps procstatus.Mask = 1<<5 | 1<<10
)

// clearContract clears the bounding set of capdump containers: CAP_SETPCAP is lent to
// the init and must be gone before the workload starts.
const clearContract = `[[contract]]
name = "clear"
bounding = "clear"
[contract.match]
commands = ['^/usr/local/bin/capdump$']
`

// reportContract requires CAP_SETPCAP of capdump containers and only reports its skew.
const reportContract = `[[contract]]
name = "watch"
require = ["CAP_SETPCAP"]
on_skew = "report"
[contract.match]
commands = ['^/usr/local/bin/capdump$']
`

// env writes the admin config (contracts, a private run directory) and returns the
// environment that points oshim at it and at the bundle's runtime, and the run
// directory.
func env(t *testing.T, b *harness.Bundle, contracts string) ([]string, string) {
	t.Helper()
	run := filepath.Join(t.TempDir(), "run")
	return envIn(t, b, run, contracts), run
}

// envIn is env with the run directory run, which another config may share.
func envIn(t *testing.T, b *harness.Bundle, run, contracts string) []string {
	t.Helper()
	cfg := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf("run_dir = %q\nocsf_log = \"\"\n%s", run, contracts)), 0o644); err != nil {
		t.Fatal(err)
	}
	return []string{"OSHIM_RUNTIME=" + b.Runtime, "OSHIM_CONFIG=" + cfg}
}

// capdumpBundle runs capdump -hold as root, with a spec that withholds CAP_SETPCAP and
// grants specCaps in every list.
func capdumpBundle(t *testing.T, rt string) *harness.Bundle {
	t.Helper()
	b := harness.NewBundle(t, harness.Runtime(t, rt))
	b.Install(t, harness.Binary(t, "./test/workload/capdump"), capdumpPath)
	b.SetArgs(t, capdumpPath, "-hold")
	caps := `["CAP_KILL","CAP_NET_BIND_SERVICE"]`
	b.Jq(t, `.process.capabilities = {bounding: `+caps+`, effective: `+caps+`, permitted: `+caps+`, inheritable: `+caps+`, ambient: `+caps+`}`)
	return b
}

// status parses capdump's output.
func status(t *testing.T, out string) procstatus.Status {
	t.Helper()
	line := strings.TrimSpace(out)
	if i := strings.LastIndex(line, "\n"); i >= 0 {
		line = line[i+1:]
	}
	st, err := procstatus.ParseJSON(line)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// wantCleared fails unless st, of who, has an empty bounding set and CAP_SETPCAP in no
// set, and holds nothing beyond limit.
func wantCleared(t *testing.T, who string, st, limit procstatus.Status) {
	t.Helper()
	if st.Bnd != 0 {
		t.Errorf("%s: CapBnd = %v, want 0 (the contract clears it)", who, st.Bnd)
	}
	for name, m := range map[string]procstatus.Mask{"CapInh": st.Inh, "CapPrm": st.Prm, "CapEff": st.Eff, "CapAmb": st.Amb} {
		if m&setpcap != 0 {
			t.Errorf("%s: %s = %v holds CAP_SETPCAP, which was only lent to the init", who, name, m)
		}
	}
	if extra := st.Beyond(limit); len(extra) > 0 {
		t.Errorf("%s holds %v beyond %v", who, extra, limit)
	}
}

// started creates and starts the bundle through oshim, waits for capdump, and returns
// the container and the main process's status read from the host's /proc.
func started(t *testing.T, env []string, b *harness.Bundle) (*harness.Container, procstatus.Status) {
	t.Helper()
	c := harness.Start(t, env, harness.Oshim(t), b)
	c.WaitOutput(t, "\n")
	return c, harness.ProcStatus(t, c.Pid)
}

// waitWorkload waits until the container's first process is the workload, no longer
// the runtime's or oshim's init.
func waitWorkload(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid)); err == nil && strings.HasSuffix(exe, "capdump") {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("pid %d never became the workload", pid)
}

// scene is a started capdump container of one runtime, through oshim.
type scene struct {
	b   *harness.Bundle
	env []string
	// run is oshim's run directory.
	run  string
	c    *harness.Container
	main procstatus.Status
}

// eachRuntime starts a capdump bundle through oshim under contracts, with crun and with
// runc in parallel (edit changes the bundle before it starts), and runs attack on it.
func eachRuntime(t *testing.T, contracts string, edit func(t *testing.T, b *harness.Bundle), attack func(t *testing.T, s scene)) {
	for _, rt := range runtimes {
		t.Run(rt, func(t *testing.T) {
			t.Parallel()
			s := scene{b: capdumpBundle(t, rt)}
			if edit != nil {
				edit(t, s.b)
			}
			s.env, s.run = env(t, s.b, contracts)
			s.c, s.main = started(t, s.env, s.b)
			attack(t, s)
		})
	}
}
