package matrix

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oshim/oshim/test/harness"
	"github.com/oshim/oshim/test/procstatus"
)

// The specs the engines write for the matrix (see specFor): root gets the granted caps
// in bounding, effective and permitted; uid 1000 in all five lists where the engine
// sets ambient caps (podman, the runtime directly), and like root where it does not
// (Docker, containerd's CRI).
var (
	rootSpec       = Sets{Bnd: granted, Eff: granted, Prm: granted}
	ambientSpec    = Sets{Bnd: granted, Eff: granted, Prm: granted, Inh: granted, Amb: granted}
	noAmbientSpec  = rootSpec
	withSetpcap    = granted | setpcap
	everySetRepair = Sets{Bnd: withSetpcap, Eff: withSetpcap, Prm: withSetpcap, Inh: withSetpcap, Amb: withSetpcap}
)

// TestPromise states, by hand, what each contract promises for the matrix's specs, so
// that the matrix's expectations do not rest on the model alone. The hex values are
// /proc masks: 0x420 is CAP_KILL (bit 5) and CAP_NET_BIND_SERVICE (bit 10); 0x520 adds
// CAP_SETPCAP (bit 8).
func TestPromise(t *testing.T) {
	tests := []struct {
		name string
		kind kind
		spec Sets
		root bool
		want Promise
	}{
		{
			name: "root, plain runtime: the supervisor lacks CAP_SETPCAP",
			kind: none, spec: rootSpec, root: true,
			want: Promise{Main: Sets{Bnd: 0x420, Eff: 0x420, Prm: 0x420}, Exec: Sets{Bnd: 0x420, Eff: 0x420, Prm: 0x420}},
		},
		{
			name: "root, repair: CAP_SETPCAP in bounding, effective, permitted only",
			kind: repair, spec: rootSpec, root: true,
			want: Promise{Main: Sets{Bnd: 0x520, Eff: 0x520, Prm: 0x520}, Clears: true, Exec: Sets{Bnd: 0x520, Eff: 0x520, Prm: 0x520}},
		},
		{
			name: "root, deny: never starts",
			kind: deny, spec: rootSpec, root: true,
			want: Promise{Refused: true},
		},
		{
			name: "root, report: unchanged",
			kind: report, spec: rootSpec, root: true,
			want: Promise{Main: Sets{Bnd: 0x420, Eff: 0x420, Prm: 0x420}, Exec: Sets{Bnd: 0x420, Eff: 0x420, Prm: 0x420}},
		},
		{
			name: "root, clear: empty bounding set, inheritable raised to permitted, no exec caps",
			kind: clear, spec: rootSpec, root: true,
			want: Promise{Main: Sets{Eff: 0x420, Prm: 0x420, Inh: 0x420}},
		},
		{
			name: "uid 1000 with ambient caps, plain runtime",
			kind: none, spec: ambientSpec,
			want: Promise{Main: ambientSpec, Exec: ambientSpec},
		},
		{
			name: "uid 1000, repair: CAP_SETPCAP in all five sets",
			kind: repair, spec: ambientSpec,
			want: Promise{Main: everySetRepair, Clears: true, Exec: everySetRepair},
		},
		{
			name: "uid 1000, report: unchanged",
			kind: report, spec: ambientSpec,
			want: Promise{Main: ambientSpec, Exec: ambientSpec},
		},
		{
			name: "uid 1000, clear: only the bounding set goes",
			kind: clear, spec: ambientSpec,
			want: Promise{Main: Sets{Eff: 0x420, Prm: 0x420, Inh: 0x420, Amb: 0x420}},
		},
		{
			name: "uid 1000 without ambient caps holds only a bounding set",
			kind: none, spec: noAmbientSpec,
			want: Promise{Main: Sets{Bnd: 0x420}, Exec: Sets{Bnd: 0x420}},
		},
	}
	for _, tt := range tests {
		for _, nnp := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/nnp=%t", tt.name, nnp), func(t *testing.T) {
				// Every spec here has P = B, so no_new_privs changes nothing.
				if got := promise(tt.kind, tt.spec, tt.root, nnp); got != tt.want {
					t.Errorf("got  %+v\nwant %+v", got, tt.want)
				}
			})
		}
	}
}

// TestExecve checks the kernel rules where the matrix's specs do not reach them: a
// root spec whose bounding and inheritable lists exceed its permitted one, and ambient
// caps that are not both permitted and inheritable.
func TestExecve(t *testing.T) {
	const chown, kill, nbs procstatus.Mask = 1 << 0, 1 << capKill, 1 << capNetBindService
	tests := []struct {
		name      string
		lists     Sets
		root, nnp bool
		want      Sets
	}{
		{
			name:  "root: P' = I | B, E' = P'",
			lists: Sets{Bnd: kill | nbs, Eff: kill, Prm: kill, Inh: chown}, root: true,
			want: Sets{Bnd: kill | nbs, Eff: chown | kill | nbs, Prm: chown | kill | nbs, Inh: chown},
		},
		{
			name:  "root with no_new_privs: P' = (I | B) & P",
			lists: Sets{Bnd: kill | nbs, Eff: kill, Prm: kill, Inh: chown}, root: true, nnp: true,
			want: Sets{Bnd: kill | nbs, Eff: kill, Prm: kill, Inh: chown},
		},
		{
			name:  "non-root: only ambient caps survive, and only those permitted and inheritable",
			lists: Sets{Bnd: kill | nbs, Eff: kill | nbs, Prm: kill | nbs, Inh: kill, Amb: kill | nbs},
			want:  Sets{Bnd: kill | nbs, Eff: kill, Prm: kill, Inh: kill, Amb: kill},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := execve(runtimeStart(tt.lists), tt.root, tt.nnp); got != tt.want {
				t.Errorf("got  %v\nwant %v", got, tt.want)
			}
		})
	}
}

// TestPromiseAgreesWithExplain runs `oshim explain` on each spec and contract of the
// matrix: what oshim tells an admin the workload will start with must be what the
// matrix expects.
func TestPromiseAgreesWithExplain(t *testing.T) {
	for _, spec := range []struct {
		name string
		uid  int
		sets Sets
	}{{"uid0", 0, rootSpec}, {"uid1000-ambient", 1000, ambientSpec}, {"uid1000-no-ambient", 1000, noAmbientSpec}} {
		for _, k := range append([]kind{none}, contractKinds...) {
			for _, nnp := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%s/nnp=%t", spec.name, k.contractName(), nnp), func(t *testing.T) {
					t.Parallel()
					b := harness.NewBundle(t, harness.Runtime(t, "crun"))
					b.SetArgs(t, supervisorPath, "-status")
					b.Jq(t, `.process.user = {uid: $uid, gid: $uid} | .process.noNewPrivileges = $nnp | .process.capabilities = $caps`,
						"--argjson", "uid", fmt.Sprint(spec.uid), "--argjson", "nnp", fmt.Sprint(nnp), "--argjson", "caps", specJSON(spec.sets))
					config := filepath.Join(t.TempDir(), "config.toml")
					body := fmt.Sprintf("run_dir = %q\nocsf_log = \"\"\n", filepath.Join(t.TempDir(), "run"))
					if k != none {
						body += k.toml()
					}
					if err := os.WriteFile(config, []byte(body), 0o644); err != nil {
						t.Fatal(err)
					}
					r := harness.Run(t, nil, harness.Oshim(t), "explain", "--bundle", b.Dir, "--config", config, "--json")
					var ex struct {
						Refused      string `json:"refused"`
						Capabilities struct {
							Workload map[string][]string `json:"workload"`
						} `json:"capabilities"`
					}
					if err := json.Unmarshal([]byte(r.Stdout), &ex); err != nil {
						t.Fatalf("oshim explain --json (exit %d): %v", r.Code, err)
					}
					want := promise(k, spec.sets, spec.uid == 0, nnp)
					if (ex.Refused != "") != want.Refused {
						t.Fatalf("explain refused %q, the matrix expects refused=%t", ex.Refused, want.Refused)
					}
					if want.Refused {
						return
					}
					got, err := listsOf(ex.Capabilities.Workload)
					if err != nil {
						t.Fatalf("explain's workload: %v", err)
					}
					if d := want.Main.diff(got); len(d) > 0 {
						t.Errorf("explain predicts %v, the matrix expects %v: %s", got, want.Main, strings.Join(d, "; "))
					}
				})
			}
		}
	}
}

// TestCapNames pins the name table to the kernel's numbering.
func TestCapNames(t *testing.T) {
	for n, want := range map[int]string{0: "CHOWN", capKill: "KILL", capSetpcap: "SETPCAP", capNetBindService: "NET_BIND_SERVICE", 21: "SYS_ADMIN", 29: "AUDIT_WRITE", 40: "CHECKPOINT_RESTORE"} {
		if capNames[n] != want {
			t.Errorf("capNames[%d] = %q, want %q", n, capNames[n], want)
		}
	}
	if len(capNames) != 41 {
		t.Errorf("%d names, want 41", len(capNames))
	}
}
