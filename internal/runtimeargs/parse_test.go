package runtimeargs

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		description string
		dialect     Dialect
		args        []string
		want        Invocation
		wantErr     string
	}{
		{
			description: "podman create",
			args:        []string{"create", "--bundle", "/b", "--pid-file", "/p", "c1"},
			want:        Invocation{Command: "create", ID: "c1", Bundle: "/b", ConfigFile: "/b/config.json", PidFile: "/p"},
		},
		{
			description: "containerd shim globals in both forms",
			args:        []string{"--root", "/r", "--log=/b/log.json", "--log-format", "json", "create", "--bundle=/b", "--pid-file", "/b/init.pid", "id"},
			want: Invocation{Global: Globals{Root: "/r", Log: "/b/log.json", LogFormat: "json"}, GlobalArgs: []string{"--root", "/r", "--log=/b/log.json", "--log-format", "json"},
				Command: "create", ID: "id", Bundle: "/b", ConfigFile: "/b/config.json", PidFile: "/b/init.pid"},
		},
		{
			description: "a relative pid file is left to the runtime",
			args:        []string{"run", "--bundle", "/b", "--pid-file=init.pid", "-d", "x"},
			want:        Invocation{Command: "run", ID: "x", Bundle: "/b", ConfigFile: "/b/config.json", Detach: true},
		},
		{
			description: "container named create is an id, not a command",
			args:        []string{"run", "-b", "/b", "create"},
			want:        Invocation{Command: "run", ID: "create", Bundle: "/b", ConfigFile: "/b/config.json"},
		},
		{
			description: "runc takes create flags after the id",
			dialect:     Runc,
			args:        []string{"--debug", "create", "run", "--bundle", "/srv/run/x"},
			want:        Invocation{Global: Globals{Debug: true}, GlobalArgs: []string{"--debug"}, Command: "create", ID: "run", Bundle: "/srv/run/x", ConfigFile: "/srv/run/x/config.json"},
		},
		{
			description: "crun stops at the id, so flags after it are extra arguments",
			dialect:     Crun,
			args:        []string{"create", "run", "--bundle", "/srv/run/x"},
			wantErr:     "exactly one container id",
		},
		{
			description: "an unknown runtime refuses what runc and crun read differently",
			args:        []string{"create", "run", "--bundle", "/srv/run/x"},
			wantErr:     "read these arguments differently",
		},
		{
			description: "default bundle is the working directory",
			args:        []string{"run", "x"},
			want:        Invocation{Command: "run", ID: "x", Bundle: "/cwd", ConfigFile: "/cwd/config.json"},
		},
		{
			description: "crun reads a relative --config from the working directory",
			dialect:     Crun,
			args:        []string{"run", "--bundle", "b", "-f", "alt.json", "x"},
			want:        Invocation{Command: "run", ID: "x", Bundle: "/cwd/b", ConfigFile: "/cwd/alt.json"},
		},
		{
			description: "crun reads --config config.json from the bundle",
			dialect:     Crun,
			args:        []string{"run", "--bundle", "b", "--config", "config.json", "x"},
			want:        Invocation{Command: "run", ID: "x", Bundle: "/cwd/b", ConfigFile: "/cwd/b/config.json"},
		},
		{
			description: "runc has no --config",
			dialect:     Runc,
			args:        []string{"run", "--config", "alt.json", "x"},
			wantErr:     "unknown flag --config",
		},
		{
			description: "argp short value without space",
			dialect:     Crun,
			args:        []string{"create", "-b/b", "x"},
			want:        Invocation{Command: "create", ID: "x", Bundle: "/b", ConfigFile: "/b/config.json"},
		},
		{
			description: "runc single-dash long global",
			dialect:     Runc,
			args:        []string{"-root", "/r", "-systemd-cgroup", "state", "x"},
			want:        Invocation{Global: Globals{Root: "/r"}, GlobalArgs: []string{"-root", "/r", "-systemd-cgroup"}, Command: "state", ID: "x"},
		},
		{
			description: "--rootless always takes the next argument",
			args:        []string{"--rootless", "x", "exec", "--cap", "CAP_SYS_ADMIN", "id", "sh"},
			want: Invocation{GlobalArgs: []string{"--rootless", "x"}, Command: "exec", ID: "id",
				Exec: &Exec{Command: []string{"sh"}, Caps: []string{"CAP_SYS_ADMIN"}}},
		},
		{
			description: "exec stops at the id; the command's flags are not exec's",
			args:        []string{"exec", "--process", "/p.json", "--detach", "id"},
			want:        Invocation{Command: "exec", ID: "id", Exec: &Exec{Process: "/p.json", kept: []string{"--detach"}}},
		},
		{
			description: "exec with a command and process flags",
			args:        []string{"exec", "--cap", "CAP_SYS_ADMIN", "-c=CAP_NET_ADMIN", "-e", "A=1", "--cwd=/tmp", "-u", "1000:1000", "--pid-file", "/p", "id", "sh", "--cap", "x"},
			want: Invocation{Command: "exec", ID: "id", Exec: &Exec{Command: []string{"sh", "--cap", "x"}, Caps: []string{"CAP_SYS_ADMIN", "CAP_NET_ADMIN"},
				Env: []string{"A=1"}, Cwd: "/tmp", User: "1000:1000", kept: []string{"--pid-file", "/p"}}},
		},
		{
			description: "crun's --tty takes an attached value only",
			dialect:     Crun,
			args:        []string{"exec", "--tty=no", "-t", "id", "sh"},
			want:        Invocation{Command: "exec", ID: "id", Exec: &Exec{Command: []string{"sh"}, Tty: true}},
		},
		{
			description: "exec preserve-fds",
			args:        []string{"exec", "--preserve-fds", "2", "-p", "/p", "id"},
			want:        Invocation{Command: "exec", ID: "id", Exec: &Exec{Process: "/p", PreserveFDs: 2, kept: []string{"--preserve-fds", "2"}}},
		},
		{
			description: "version only",
			args:        []string{"--version"},
			want:        Invocation{Global: Globals{Version: true}, GlobalArgs: []string{"--version"}},
		},
		{
			description: "features with no flags",
			args:        []string{"features"},
			want:        Invocation{Command: "features"},
		},
		{
			description: "double dash ends create flags",
			args:        []string{"create", "--bundle", "/b", "--", "-weird-id"},
			want:        Invocation{Command: "create", ID: "-weird-id", Bundle: "/b", ConfigFile: "/b/config.json"},
		},
		{description: "unknown global flag fails closed", args: []string{"--frobnicate", "create", "x"}, wantErr: "unknown flag --frobnicate"},
		{description: "unknown create flag fails closed", args: []string{"create", "--frob", "x"}, wantErr: "unknown flag --frob"},
		{description: "missing value", dialect: Runc, args: []string{"create", "x", "--bundle"}, wantErr: "needs a value"},
		{description: "create without id", args: []string{"create", "--bundle", "/b"}, wantErr: "exactly one container id"},
		{description: "create with two ids", args: []string{"create", "a", "b"}, wantErr: "exactly one container id"},
		{description: "empty id", args: []string{"create", ""}, wantErr: "id is empty"},
		{description: "exec without id", args: []string{"exec", "--process", "p"}, wantErr: "needs a container id"},
		{description: "exec without a process", args: []string{"exec", "id"}, wantErr: "give a command or --process"},
		{description: "exec with both", args: []string{"exec", "-p", "/p", "id", "sh"}, wantErr: "both given"},
		{description: "bad bool value", args: []string{"--debug=maybe", "state", "x"}, wantErr: "takes true or false"},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			got, err := Parse(tc.args, "/cwd", tc.dialect)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Parse(%q) error = %v, want one containing %q", tc.args, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.args, err)
			}
			if got.GlobalArgs == nil {
				got.GlobalArgs = []string{}
			}
			if tc.want.GlobalArgs == nil {
				tc.want.GlobalArgs = []string{}
			}
			if !reflect.DeepEqual(*got, tc.want) {
				t.Fatalf("Parse(%q)\n got  %+v %+v\n want %+v %+v", tc.args, *got, got.Exec, tc.want, tc.want.Exec)
			}
		})
	}
}

func TestWithProcess(t *testing.T) {
	inv, err := Parse([]string{"--root", "/r", "exec", "-t", "--console-socket", "/s", "--pid-file=/p", "--env", "A=1", "-d", "c1", "sh", "-c", "id"}, "/cwd", Runc)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"--root", "/r", "exec", "--console-socket", "/s", "--pid-file=/p", "-d", "--process", "/proc/self/fd/9", "--", "c1"}
	if got := inv.WithProcess("/proc/self/fd/9"); !reflect.DeepEqual(got, want) {
		t.Fatalf("WithProcess = %q, want %q", got, want)
	}
}

func TestDialectOf(t *testing.T) {
	for path, want := range map[string]Dialect{"/usr/bin/crun": Crun, "/usr/sbin/runc": Runc, "/opt/runc.amd64": Runc, "/usr/bin/youki": Unknown} {
		if got := DialectOf(path); got != want {
			t.Errorf("DialectOf(%s) = %q, want %q", path, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"create\x00--bundle\x00/b\x00id",
		"--root\x00/r\x00exec\x00--process\x00p\x00id",
		"-b/b\x00run\x00x",
		"--rootless\x00true\x00run\x00--\x00x",
		"exec\x00-t\x00--env\x00A=1\x00id\x00sh",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, joined string) {
		args := strings.Split(joined, "\x00")
		for _, d := range []Dialect{Runc, Crun, Unknown} {
			inv, err := Parse(args, "/cwd", d)
			if err != nil {
				continue
			}
			switch inv.Command {
			case "create", "run":
				if inv.Global.Help {
					continue
				}
				if inv.ID == "" || !strings.HasPrefix(inv.ConfigFile, "/") {
					t.Fatalf("%s: create/run parsed without id or with a relative spec: %q -> %+v", d, args, inv)
				}
			case "exec":
				if inv.Global.Help {
					continue
				}
				// The argv oshim hands the runtime must parse back to the same container
				// with the same flags, and nothing of the process but the file.
				again, err := Parse(inv.WithProcess("/proc/self/fd/9"), "/cwd", d)
				if err != nil || again.ID != inv.ID || again.Exec.Process != "/proc/self/fd/9" || len(again.Exec.Command) != 0 ||
					len(again.Exec.Caps) != 0 || again.Exec.PreserveFDs != inv.Exec.PreserveFDs || !reflect.DeepEqual(again.Global, inv.Global) {
					t.Fatalf("%s: %q rebuilt as %q -> %+v %v", d, args, inv.WithProcess("/proc/self/fd/9"), again, err)
				}
			}
		}
	})
}

// TestWorkingDirectory: without a cwd given, relative paths and a missing --bundle are
// resolved from the process's working directory.
func TestWorkingDirectory(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	tests := []struct {
		args       []string
		bundle     string
		configFile string
	}{
		{[]string{"create", "id"}, dir, filepath.Join(dir, "config.json")},
		{[]string{"create", "--bundle", "b", "id"}, filepath.Join(dir, "b"), filepath.Join(dir, "b", "config.json")},
		{[]string{"create", "--bundle", "/abs/b/", "id"}, "/abs/b", "/abs/b/config.json"},
		{[]string{"run", "--bundle", "/abs/b", "--config", "c.json", "id"}, "/abs/b", filepath.Join(dir, "c.json")},
	}
	for _, tt := range tests {
		inv, err := Parse(tt.args, "", Crun)
		if err != nil {
			t.Fatalf("%q: %v", tt.args, err)
		}
		if inv.Bundle != tt.bundle || inv.ConfigFile != tt.configFile {
			t.Errorf("%q: bundle %s, config %s; want %s, %s", tt.args, inv.Bundle, inv.ConfigFile, tt.bundle, tt.configFile)
		}
	}
}
