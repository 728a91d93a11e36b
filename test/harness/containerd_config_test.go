package harness

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestEditLines(t *testing.T) {
	edits := []lineEdit{setting("root", `"/var/lib/containerd"`, "/t/root"), setting("flag", "false", "true")}
	tests := []struct {
		description string
		text        string
		want        string
		wantErr     string
	}{
		{
			description: "each line replaced, indentation kept",
			text:        "root = \"/var/lib/containerd\"\n[x]\n    flag = false\n",
			want:        "root = \"/t/root\"\n[x]\n    flag = true\n",
		},
		{
			description: "a missing line is an error",
			text:        "root = \"/elsewhere\"\nflag = false\n",
			wantErr:     "0 matches, want 1",
		},
		{
			description: "a line twice is an error",
			text:        "root = \"/var/lib/containerd\"\n  flag = false\nflag = false\n",
			wantErr:     "2 matches, want 1",
		},
		{
			description: "a longer key does not match",
			text:        "root = \"/var/lib/containerd\"\nflag = false\nflag_x = false\n",
			want:        "root = \"/t/root\"\nflag = true\nflag_x = false\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			got, err := editLines(tt.text, edits)
			switch {
			case tt.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
			case err != nil:
				t.Fatal(err)
			case got != tt.want:
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestContainerdEdits applies the edits to containerd 1.6.20's default config
// (testdata): nothing of containerd's own may stay on a host path it writes.
func TestContainerdEdits(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "containerd-1.6.20-default.toml"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := editLines(string(data), containerdEdits("/d", "localhost/pause:1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`root = "/d/root"`, `state = "/d/state"`, `  address = "/d/containerd.sock"`,
		`    path = "/d/opt"`, `      bin_dir = "/d/cni/bin"`, `      conf_dir = "/d/cni/net.d"`,
		`    restrict_oom_score_adj = true`, `    sandbox_image = "localhost/pause:1"`,
		`            Root = "/d/runc"`,
	} {
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(want) + `$`).MatchString(got) {
			t.Errorf("edited config lacks the line %q", want)
		}
	}
	// Only the ocicrypt decoder's key directory, read for encrypted images,
	// is left on the host.
	for _, l := range strings.Split(got, "\n") {
		if regexp.MustCompile(`"/(var|run|opt|etc)/`).MatchString(l) && !strings.Contains(l, "/etc/containerd/ocicrypt/") {
			t.Errorf("host path left: %q", l)
		}
	}
}

func FuzzEditLines(f *testing.F) {
	f.Add("root = \"/var/lib/containerd\"\n  flag = false\n")
	f.Add("root = \"/var/lib/containerd\"\nroot = \"/var/lib/containerd\"\n")
	f.Add("")
	edits := []lineEdit{setting("root", `"/var/lib/containerd"`, "/t/root"), setting("flag", "false", "true")}
	f.Fuzz(func(t *testing.T, text string) {
		got, err := editLines(text, edits)
		if err != nil {
			return
		}
		if strings.Count(got, "\n") != strings.Count(text, "\n") {
			t.Errorf("line count changed: %q -> %q", text, got)
		}
		if _, err := editLines(got, edits[1:]); err == nil {
			t.Errorf("flag = false still matches after the edit: %q", got)
		}
	})
}
