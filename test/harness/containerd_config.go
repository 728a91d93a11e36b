package harness

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// lineEdit replaces the one line of a config that match matches (anchored,
// whole line, leading whitespace in group 1) with "INDENT" + line.
type lineEdit struct {
	match *regexp.Regexp
	line  string
}

// editLines applies edits to text. Each must match exactly one line: a
// default config that no longer has the line (or has it twice) would
// otherwise leave containerd on a host path.
func editLines(text string, edits []lineEdit) (string, error) {
	lines := strings.Split(text, "\n")
	for _, e := range edits {
		n := 0
		for i, l := range lines {
			m := e.match.FindStringSubmatch(l)
			if m == nil {
				continue
			}
			indent := ""
			if len(m) > 1 {
				indent = m[1]
			}
			lines[i] = indent + e.line
			n++
		}
		if n != 1 {
			return "", fmt.Errorf("config line %s: %d matches, want 1", e.match, n)
		}
	}
	return strings.Join(lines, "\n"), nil
}

// setting is a lineEdit for `KEY = VALUE` where the current line matches
// `KEY = OLD` (OLD a regexp); value is written as a TOML basic string or,
// for bool, as is.
func setting(key, old, value string) lineEdit {
	if value != "true" && value != "false" {
		value = strconv.Quote(value)
	}
	return lineEdit{
		match: regexp.MustCompile(`^(\s*)` + regexp.QuoteMeta(key) + ` = ` + old + `$`),
		line:  key + " = " + value,
	}
}

// containerdEdits keeps a containerd's files under dir and makes its CRI
// plugin work on these machines (see test/README.md).
func containerdEdits(dir, sandboxImage string) []lineEdit {
	return []lineEdit{
		setting("root", `"/var/lib/containerd"`, filepath.Join(dir, "root")),
		setting("state", `"/run/containerd"`, filepath.Join(dir, "state")),
		setting("address", `"/run/containerd/containerd.sock"`, containerdSocket(dir)),
		// The opt plugin creates its directory at start.
		setting("path", `"/opt/containerd"`, filepath.Join(dir, "opt")),
		// The CRI plugin creates conf_dir at start.
		setting("bin_dir", `"/opt/cni/bin"`, filepath.Join(dir, "cni", "bin")),
		setting("conf_dir", `"/etc/cni/net.d"`, filepath.Join(dir, "cni", "net.d")),
		// Root lacks CAP_SYS_RESOURCE here: the pause container's
		// oom_score_adj fails otherwise.
		setting("restrict_oom_score_adj", "false", "true"),
		// No registry is reachable: a locally imported image.
		setting("sandbox_image", `".*"`, sandboxImage),
		// The default runc handler's options.Root (runc's --root), else
		// /run/containerd/runc/k8s.io, shared with every containerd here.
		setting("Root", `""`, containerdRuncRoot(dir)),
	}
}

// ContainerdConfig returns containerd's own default config (`containerd
// config default`), changed only where it would touch the host: root,
// state, socket, opt and CNI directories and the default runc handler's
// runc root all under dir; plus restrict_oom_score_adj = true and
// sandbox_image = sandboxImage (a pause image the test imports). Every
// other line, the CRI plugin's default runc handler included, is the
// default's, so an installer sees a real config.
func ContainerdConfig(t testing.TB, dir, sandboxImage string) string {
	t.Helper()
	bin := lookPath(t, "containerd", "containerd")
	out, err := exec.Command(bin, "config", "default").Output()
	if err != nil {
		t.Fatalf("containerd config default: %v", err)
	}
	config, err := editLines(string(out), containerdEdits(dir, sandboxImage))
	if err != nil {
		t.Fatalf("containerd config default: %v\n%s", err, out)
	}
	return config
}
