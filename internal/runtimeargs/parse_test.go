package runtimeargs

import (
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		description string
		args        []string
		want        Invocation
		wantErr     string
	}{
		{
			description: "podman create",
			args:        []string{"create", "--bundle", "/b", "--pid-file", "/p", "c1"},
			want:        Invocation{Command: "create", ID: "c1", Bundle: "/b", ConfigFile: "/b/config.json"},
		},
		{
			description: "containerd shim globals in both forms",
			args:        []string{"--root", "/r", "--log=/b/log.json", "--log-format", "json", "create", "--bundle=/b", "--pid-file", "/b/init.pid", "id"},
			want:        Invocation{Global: Globals{Root: "/r", Log: "/b/log.json", LogFormat: "json"}, Command: "create", ID: "id", Bundle: "/b", ConfigFile: "/b/config.json"},
		},
		{
			description: "container named create is an id, not a command",
			args:        []string{"run", "-b", "/b", "create"},
			want:        Invocation{Command: "run", ID: "create", Bundle: "/b", ConfigFile: "/b/config.json"},
		},
		{
			description: "bundle path containing run and flags after the id",
			args:        []string{"--debug", "create", "run", "--bundle", "/srv/run/x"},
			want:        Invocation{Global: Globals{Debug: true}, Command: "create", ID: "run", Bundle: "/srv/run/x", ConfigFile: "/srv/run/x/config.json"},
		},
		{
			description: "default bundle is the working directory",
			args:        []string{"run", "x"},
			want:        Invocation{Command: "run", ID: "x", Bundle: "/cwd", ConfigFile: "/cwd/config.json"},
		},
		{
			description: "relative bundle and crun --config",
			args:        []string{"run", "--bundle", "b", "-f", "alt.json", "x"},
			want:        Invocation{Command: "run", ID: "x", Bundle: "/cwd/b", ConfigFile: "/cwd/b/alt.json"},
		},
		{
			description: "argp short value without space",
			args:        []string{"create", "-b/b", "x"},
			want:        Invocation{Command: "create", ID: "x", Bundle: "/b", ConfigFile: "/b/config.json"},
		},
		{
			description: "runc single-dash long global",
			args:        []string{"-root", "/r", "-systemd-cgroup", "state", "x"},
			want:        Invocation{Global: Globals{Root: "/r"}, Command: "state", ID: "x"},
		},
		{
			description: "runc rootless with a separate value",
			args:        []string{"--rootless", "true", "delete", "x"},
			want:        Invocation{Command: "delete", ID: "x"},
		},
		{
			description: "crun rootless without a value",
			args:        []string{"--rootless", "kill", "x", "9"},
			want:        Invocation{Command: "kill", ID: "x"},
		},
		{
			description: "exec stops at the id; the command's flags are not exec's",
			args:        []string{"exec", "--process", "/p.json", "--detach", "id", "--cap", "x"},
			want:        Invocation{Command: "exec", ID: "id", Process: "/p.json"},
		},
		{
			description: "exec with caps on the command line",
			args:        []string{"exec", "--cap", "CAP_SYS_ADMIN", "-c=CAP_NET_ADMIN", "id", "sh"},
			want:        Invocation{Command: "exec", ID: "id", ExecCaps: []string{"CAP_SYS_ADMIN", "CAP_NET_ADMIN"}},
		},
		{
			description: "version only",
			args:        []string{"--version"},
			want:        Invocation{Global: Globals{Version: true}},
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
		{description: "missing value", args: []string{"create", "x", "--bundle"}, wantErr: "needs a value"},
		{description: "create without id", args: []string{"create", "--bundle", "/b"}, wantErr: "exactly one container id"},
		{description: "create with two ids", args: []string{"create", "a", "b"}, wantErr: "exactly one container id"},
		{description: "empty id", args: []string{"create", ""}, wantErr: "id is empty"},
		{description: "exec without id", args: []string{"exec", "--process", "p"}, wantErr: "needs a container id"},
		{description: "bad bool value", args: []string{"--debug=maybe", "state", "x"}, wantErr: "takes true or false"},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			got, err := Parse(tc.args, "/cwd")
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Parse(%q) error = %v, want one containing %q", tc.args, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.args, err)
			}
			if !reflect.DeepEqual(*got, tc.want) {
				t.Fatalf("Parse(%q)\n got  %+v\n want %+v", tc.args, *got, tc.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"create\x00--bundle\x00/b\x00id",
		"--root\x00/r\x00exec\x00--process\x00p\x00id",
		"-b/b\x00run\x00x",
		"--rootless\x00true\x00run\x00--\x00x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, joined string) {
		args := strings.Split(joined, "\x00")
		inv, err := Parse(args, "/cwd")
		if err != nil {
			return
		}
		switch inv.Command {
		case "create", "run":
			if inv.ID == "" && !inv.Global.Help {
				t.Fatalf("create/run parsed without id: %q", args)
			}
			if !inv.Global.Help && !strings.HasPrefix(inv.ConfigFile, "/") {
				t.Fatalf("config file not absolute: %q", inv.ConfigFile)
			}
		}
	})
}
