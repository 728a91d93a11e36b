package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/oshim/oshim/test/harness"
)

// envAsMain makes the test binary run main: floorlibs only works as its own process.
const envAsMain = "FLOORLIBS_TEST_AS_MAIN"

func TestMain(m *testing.M) { harness.MainOrTests(m, envAsMain, main) }

func TestFloorLibs(t *testing.T) { harness.CheckFloorExec(t, envAsMain, "floorlibs") }

func TestUnset(t *testing.T) {
	root := t.TempDir()
	tests := []struct {
		name, stdin, want string
	}{
		{name: "nothing on stdin", want: `ociVersion \"\", /dev at /dev`},
		{name: "a config.json", stdin: `{"ociVersion":"1.0.2","root":{"path":"` + root + `"}}`, want: `ociVersion \"1.0.2\", /dev at ` + root + `/dev`},
		{name: "not JSON", stdin: `{`, want: `"msg":"read config.json from stdin"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			if code := unset(strings.NewReader(tt.stdin), &stderr); code != 2 {
				t.Errorf("unset = %d, want 2", code)
			}
			want := fmt.Sprintf("FLOOR_RUNTIME is not set (uid %d;", os.Geteuid())
			if !strings.Contains(stderr.String(), want) || !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("unset wrote %q, want %q and %q", stderr.String(), want, tt.want)
			}
		})
	}
}

// TestLinksOshimsLibraries: the benchmark reads floorlibs - floor as what oshim's
// libraries cost, which holds only while floorlibs links exactly the packages from
// outside the standard library that oshim links.
func TestLinksOshimsLibraries(t *testing.T) {
	oshim, floorlibs := libraries(t, "../../../cmd/oshim"), libraries(t, ".")
	if !slices.Equal(oshim, floorlibs) {
		t.Errorf("floorlibs links %q from outside the standard library, oshim links %q: link what oshim links, and reach a call into each", floorlibs, oshim)
	}
	std := listDeps(t, ".")
	for _, pkg := range []string{"encoding/json", "fmt"} {
		if !slices.Contains(std, pkg) {
			t.Errorf("floorlibs does not link %s", pkg)
		}
	}
}

// libraries lists the packages from outside the standard library, and outside
// oshim, that the package at dir links, sorted.
func libraries(t *testing.T, dir string) []string {
	var out []string
	for _, pkg := range listDeps(t, dir) {
		first, _, _ := strings.Cut(pkg, "/")
		if strings.Contains(first, ".") && !strings.HasPrefix(pkg, "github.com/oshim/oshim/") {
			out = append(out, pkg)
		}
	}
	slices.Sort(out)
	return out
}

func listDeps(t *testing.T, dir string) []string {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", ".")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps in %s: %v", dir, err)
	}
	return strings.Fields(string(out))
}
