package harness

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
)

// Overlay lets a test change host directories (install a package into /usr, write
// /etc) without touching the host: every command it runs sees copy-on-write overlays
// of those directories, in a mount namespace of its own (see Run), and fresh tmpfs
// mounts where asked. What the commands changed stays in the overlays' upper
// directories, the same for every command of the test, and goes when the test ends.
type Overlay struct {
	// Dir holds the upper and work directories.
	Dir string
	// Dirs are the host directories overlaid, e.g. "/etc".
	Dirs []string
	// Tmpfs are directories each command gets empty, e.g. "/run".
	Tmpfs []string
}

// NewOverlay overlays dirs (absolute host directories) for the test's commands.
func NewOverlay(t testing.TB, dirs ...string) *Overlay {
	t.Helper()
	dir := shortTempDir(t, "oshim-overlay-")
	o := &Overlay{Dir: dir, Dirs: dirs}
	for _, d := range dirs {
		for _, sub := range []string{"upper", "work"} {
			if err := os.MkdirAll(o.layer(d, sub), 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	return o
}

func (o *Overlay) layer(hostDir, which string) string {
	return filepath.Join(o.Dir, strings.ReplaceAll(strings.Trim(hostDir, "/"), "/", "_"), which)
}

// Run runs argv with Run, inside the overlays.
func (o *Overlay) Run(t testing.TB, env []string, argv ...string) Result {
	t.Helper()
	var mounts []string
	for _, d := range o.Dirs {
		mounts = append(mounts, "mount -t overlay overlay -o "+shellQuote([]string{"lowerdir=" + d + ",upperdir=" + o.layer(d, "upper") + ",workdir=" + o.layer(d, "work")})+" "+shellQuote([]string{d}))
	}
	for _, d := range o.Tmpfs {
		mounts = append(mounts, "mount -t tmpfs tmpfs "+shellQuote([]string{d}))
	}
	script := strings.Join(append(mounts, `exec "$@"`), " && ")
	return Run(t, env, append([]string{"sh", "-c", script, "sh"}, argv...)...)
}

// RunOK is Run that fails the test unless argv exits 0.
func (o *Overlay) RunOK(t testing.TB, env []string, argv ...string) Result {
	t.Helper()
	r := o.Run(t, env, argv...)
	if r.Code != 0 {
		t.Fatalf("%s: exit status %d, want 0", argv[0], r.Code)
	}
	return r
}

// Shell runs a shell command line inside the overlays and fails the test unless it
// exits 0.
func (o *Overlay) Shell(t testing.TB, cmd string) Result {
	t.Helper()
	return o.RunOK(t, nil, "sh", "-c", cmd)
}

// Change is one entry the commands left in an overlay: what the host directory would
// hold differently if they had run on the host.
type Change struct {
	// Path is the host path, e.g. "/etc/oshim/config.toml".
	Path string
	// Kind is "file" (created or changed), "dir" (a directory the host lacks; the
	// host's own directories are copied up as they are entered), or "deleted".
	Kind string
}

// Changes lists what the commands changed, sorted by path.
func (o *Overlay) Changes(t testing.TB) []Change {
	t.Helper()
	var out []Change
	for _, d := range o.Dirs {
		upper := o.layer(d, "upper")
		err := filepath.WalkDir(upper, func(p string, e fs.DirEntry, err error) error {
			if err != nil || p == upper {
				return err
			}
			host := filepath.Join(d, strings.TrimPrefix(p, upper))
			info, err := e.Info()
			if err != nil {
				return err
			}
			switch st, _ := info.Sys().(*syscall.Stat_t); {
			case e.IsDir():
				if _, err := os.Lstat(host); os.IsNotExist(err) {
					out = append(out, Change{Path: host, Kind: "dir"})
				}
			case info.Mode()&fs.ModeCharDevice != 0 && st != nil && st.Rdev == 0:
				// overlayfs marks what was deleted with a 0/0 character device.
				out = append(out, Change{Path: host, Kind: "deleted"})
			default:
				out = append(out, Change{Path: host, Kind: "file"})
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}
