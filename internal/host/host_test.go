package host

import (
	"os"
	"path/filepath"
	"testing"
)

func TestOuterUID(t *testing.T) {
	tests := []struct {
		description string
		uidMap      string // "" for no file
		uid         int
		want        int
	}{
		{description: "initial namespace", uidMap: "         0          0 4294967295\n", uid: 0, want: 0},
		{description: "rootless podman maps 0 to the user", uidMap: "         0       1001          1\n         1     100000      65536\n", uid: 0, want: 1001},
		{description: "subordinate range", uidMap: "0 1001 1\n1 100000 65536\n", uid: 1000, want: 100999},
		{description: "past the range", uidMap: "0 1001 1\n1 100000 65536\n", uid: 65537, want: 65537},
		{description: "no file", uidMap: "", uid: 7, want: 7},
		{description: "malformed lines are skipped", uidMap: "x y z\n0 1\n0 5 1\n", uid: 0, want: 5},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "uid_map")
			if tc.uidMap != "" {
				if err := os.WriteFile(p, []byte(tc.uidMap), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if got := outerUID(p, tc.uid); got != tc.want {
				t.Fatalf("outerUID(%d) = %d, want %d", tc.uid, got, tc.want)
			}
		})
	}
}

func FuzzOuterUID(f *testing.F) {
	f.Add("0 1001 1\n1 100000 65536\n", 0)
	f.Add("0 0 4294967295\n", 1000)
	f.Add("4294967295 0 1\n", -1)
	f.Fuzz(func(t *testing.T, uidMap string, uid int) {
		p := filepath.Join(t.TempDir(), "uid_map")
		if err := os.WriteFile(p, []byte(uidMap), 0o644); err != nil {
			t.Fatal(err)
		}
		got := outerUID(p, uid)
		if uid < 0 && got != uid {
			t.Fatalf("outerUID(%d) = %d: a negative id has no mapping", uid, got)
		}
	})
}

func TestRunDir(t *testing.T) {
	tests := []struct {
		description string
		runDir      string
		uid         int
		xdg         string
		want        string
	}{
		{description: "run_dir wins", runDir: "/srv/oshim", uid: 1000, xdg: "/run/user/1000", want: "/srv/oshim"},
		{description: "host root ignores XDG_RUNTIME_DIR", uid: 0, xdg: "/run/user/0", want: "/run/oshim"},
		{description: "a user's XDG_RUNTIME_DIR", uid: 1000, xdg: "/run/user/1000", want: "/run/user/1000/oshim"},
		{description: "a user without one", uid: 1000, want: filepath.Join(os.TempDir(), "oshim-1000")},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			if got := (Facts{UID: tc.uid, XDGRuntimeDir: tc.xdg}).RunDir(tc.runDir); got != tc.want {
				t.Errorf("runDir = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestHookRunDir: hooks ignore XDG_RUNTIME_DIR, which only some stages get.
func TestHookRunDir(t *testing.T) {
	f := Facts{UID: 1000, XDGRuntimeDir: "/run/user/1000"}
	if got, want := f.HookRunDir(""), filepath.Join(os.TempDir(), "oshim-1000"); got != want {
		t.Errorf("HookRunDir = %q, want %q", got, want)
	}
	if got, want := f.RunDir(""), "/run/user/1000/oshim"; got != want {
		t.Errorf("RunDir = %q, want %q", got, want)
	}
}
