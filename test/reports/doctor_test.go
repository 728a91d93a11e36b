package reports

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oshim/oshim/internal/doctor"
	"github.com/oshim/oshim/test/harness"
)

// sbinPath is a PATH with both runtimes: Debian installs runc in /usr/sbin.
const sbinPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// writeConfig writes an admin config and returns its path.
func writeConfig(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func decodeDoctor(t *testing.T, stdout string) doctor.Report {
	t.Helper()
	var r doctor.Report
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("doctor --json: %v\n%s", err, stdout)
	}
	return r
}

func findCheck(r doctor.Report, name string) (doctor.Check, bool) {
	for _, c := range r.Checks {
		if c.Name == name {
			return c, true
		}
	}
	return doctor.Check{}, false
}

// TestDoctorPassesHere: on this host, with both runtimes and a valid config, every
// check passes, the probe containers included (crun inside the harness's mount
// namespace without the hybrid cgroup2 mount).
func TestDoctorPassesHere(t *testing.T) {
	cfg := writeConfig(t, contract("sv", "require = [\"CAP_SETPCAP\"]\nbounding = \"clear\""))
	r := harness.Run(t, []string{sbinPath, "OSHIM_CONFIG=" + cfg}, harness.Oshim(t), "doctor", "--json", "--engine-root", t.TempDir())
	rep := decodeDoctor(t, r.Stdout)
	if r.Code != 0 || rep.Failed != 0 {
		t.Fatalf("doctor: exit %d, %d failed:\n%s", r.Code, rep.Failed, r.Stdout)
	}
	for _, rt := range runtimes {
		c, ok := findCheck(rep, "probe "+rt)
		if !ok || c.Status != doctor.OK || !strings.Contains(c.Detail, "init measured: ok: bnd=none") {
			t.Errorf("probe %s: %+v", rt, c)
		}
		if c, ok := findCheck(rep, "runtime "+rt); !ok || !strings.Contains(c.Detail, rt+" version ") {
			t.Errorf("runtime %s: %+v", rt, c)
		}
	}
	if c, ok := findCheck(rep, "config"); !ok || c.Status != doctor.OK || !strings.Contains(c.Detail, "1 contract(s)") {
		t.Errorf("config: %+v", c)
	}
	// No probe container or temporary bundle is left behind.
	if left, _ := filepath.Glob(filepath.Join(os.TempDir(), "oshim-doctor-*")); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}

// TestDoctorBrokenConfig: a config every container call would fail on is a failure
// that names the file, the line and the fix.
func TestDoctorBrokenConfig(t *testing.T) {
	cfg := writeConfig(t, "run_dir = \"/run/oshim\"\n[[contract]]\nname = \"a\"\nmatch.all = true\non_skew = \"fix\"\n")
	r := harness.Run(t, []string{sbinPath, "OSHIM_CONFIG=" + cfg}, harness.Oshim(t), "doctor", "--no-probe", "--engine-root", t.TempDir())
	if r.Code != 1 {
		t.Fatalf("doctor: exit %d, want 1", r.Code)
	}
	for _, want := range []string{"FAIL  config", cfg, "line 5", "on_skew", "fix: correct " + cfg, "1 problem(s) would break contracts or containers"} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("doctor output lacks %q:\n%s", want, r.Stdout)
		}
	}
}

// TestDoctorNoRuntime: without crun or runc on PATH, doctor fails and says what to
// install. It runs outside the harness, whose wrapper needs a shell from PATH.
func TestDoctorNoRuntime(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, harness.Oshim(t), "doctor", "--engine-root", t.TempDir())
	cmd.Env = []string{"PATH=" + t.TempDir(), "OSHIM_CONFIG=" + emptyConfig(t)}
	out, err := cmd.Output()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("doctor: %v, want exit status 1\n%s", err, out)
	}
	for _, want := range []string{"OK    runtime crun         not on PATH", "FAIL  runtime for oshim", "no OCI runtime found", "fix: install crun or runc"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("doctor output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "probe ") {
		t.Errorf("doctor probed without a runtime:\n%s", out)
	}
}

// TestDoctorHybridCgroups: run straight on the host, doctor tells crun's refusal of
// a hybrid cgroup layout apart from a probe failure; where the host is not hybrid,
// the crun probe passes. runc copes with either layout.
func TestDoctorHybridCgroups(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, harness.Oshim(t), "doctor", "--json", "--engine-root", t.TempDir())
	cmd.Env = append(withoutOshim(), sbinPath, "OSHIM_CONFIG="+emptyConfig(t))
	out, _ := cmd.Output()
	rep := decodeDoctor(t, string(out))
	crun, ok := findCheck(rep, "probe crun")
	if !ok {
		t.Fatalf("no crun probe:\n%s", out)
	}
	if hybridCgroups(t) {
		if crun.Status != doctor.Fail || !strings.Contains(crun.Detail, "hybrid cgroup layout") || !strings.Contains(crun.Fix, "unified_cgroup_hierarchy") || strings.Contains(crun.Detail, "denied") {
			t.Errorf("crun on a hybrid host: %+v", crun)
		}
	} else if crun.Status != doctor.OK {
		t.Errorf("crun on a non-hybrid host: %+v", crun)
	}
	if c, ok := findCheck(rep, "probe runc"); !ok || c.Status != doctor.OK {
		t.Errorf("probe runc: %+v", c)
	}
}

// hybridCgroups reports whether this host mounts cgroup2 at /sys/fs/cgroup/unified
// beside v1 controllers, the layout crun refuses.
func hybridCgroups(t *testing.T) bool {
	t.Helper()
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		for i, fld := range fields {
			if fld == "-" && i+1 < len(fields) && fields[i+1] == "cgroup2" && len(fields) > 4 && fields[4] == "/sys/fs/cgroup/unified" {
				return true
			}
		}
	}
	return false
}

// emptyConfig is an admin config without contracts: a file OSHIM_CONFIG names must exist.
func emptyConfig(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(p, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func withoutOshim() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OSHIM_") {
			env = append(env, kv)
		}
	}
	return env
}
