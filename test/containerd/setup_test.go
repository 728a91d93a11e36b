package containerd

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/oshim/oshim/test/harness"
)

const (
	// supervisorPath is where the supervisor of the motivating case lives.
	supervisorPath = "/opt/openshell/bin/openshell-sandbox"
	capdumpPath    = "/bin/capdump"

	supervisorImage = "localhost/oshim-test/supervisor:1"
	toolsImage      = "localhost/oshim-test/tools:1"
	pauseImage      = "localhost/oshim-test/pause:1"

	capSetpcap = 8 // bit of CAP_SETPCAP in /proc/<pid>/status masks

	failed  = "Failed to clear capability bounding set"
	cleared = "bounding set cleared"
)

// workloadFiles are the test workloads in every image: the supervisor at its
// real path, capdump.
func workloadFiles(t *testing.T) map[string]string {
	t.Helper()
	return map[string]string{
		supervisorPath: harness.Binary(t, "./test/workload/supervisor"),
		capdumpPath:    harness.Binary(t, "./test/workload/capdump"),
	}
}

// oshimConfig writes oshim's admin config into dir: the real runtime,
// a run directory under dir, then the contracts of testdata/NAME. It returns
// the config's path.
func oshimConfig(t *testing.T, dir, runtime, name string) string {
	t.Helper()
	contracts, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "oshim.toml")
	body := fmt.Sprintf("runtime = %q\nrun_dir = %q\nocsf_log = %q\n\n%s", runtime, filepath.Join(dir, "oshim-run"), filepath.Join(dir, "ocsf.jsonl"), contracts)
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// writeFile writes a file of the test, failing it on error.
func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// oshimRecords lists oshim's records of container id ("*": of every
// container) in the run directory oshimConfig set under dir.
func oshimRecords(t *testing.T, dir, id string) []string {
	t.Helper()
	records, err := filepath.Glob(filepath.Join(dir, "oshim-run", "*", id, "container.json"))
	if err != nil {
		t.Fatal(err)
	}
	return records
}
