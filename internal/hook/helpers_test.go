package hook

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/oshim/oshim/internal/config"
	"github.com/oshim/oshim/internal/ocsf"
	"github.com/oshim/oshim/internal/records"
)

// testInit is a minimal static ELF file, the init the test hooks copy: there is no
// oshim-init beside the test binary.
var testInit string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "hook-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	static := filepath.Join(dir, "oshim")
	if err := os.WriteFile(static, staticELF(), 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	testInit = static
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// staticELF is an ELF64 header without program headers: what initdir accepts as a
// statically linked binary.
func staticELF() []byte {
	var b bytes.Buffer
	b.Write([]byte{0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	for _, v := range []any{uint16(2), uint16(62), uint32(1), uint64(0), uint64(64), uint64(0), uint32(0),
		uint16(64), uint16(56), uint16(0), uint16(64), uint16(0), uint16(0)} {
		binary.Write(&b, binary.LittleEndian, v)
	}
	return b.Bytes()
}

// fakeSelf stands in for oshim where a hook starts it: a script that appends its
// arguments to a file, prefixed with "fifo" when its fd 3 is a FIFO.
const fakeSelf = `#!/bin/sh
kind=nofifo
[ -p /proc/self/fd/3 ] && kind=fifo
echo "$kind $*" >> "$0.calls"
`

// testHook returns a hook with the contracts of testdata/NAME.toml, a store in a
// temporary directory, and fakeSelf as oshim.
func testHook(t *testing.T, name string) *Hook {
	t.Helper()
	path, err := filepath.Abs(filepath.Join("testdata", name+".toml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	self := filepath.Join(dir, "oshim")
	if err := os.WriteFile(self, []byte(fakeSelf), 0o755); err != nil {
		t.Fatal(err)
	}
	// Registered after t.TempDir, so it runs before the directory is removed.
	t.Cleanup(func() { waitForFakes(t, self) })
	cfg.OCSFLog = filepath.Join(dir, "ocsf.jsonl")
	log := logrus.New()
	return &Hook{
		Config: cfg, ConfigPath: path, Store: records.Store{Dir: filepath.Join(dir, "run")}, Self: self, InitBinary: testInit, Log: log,
		Report: ocsf.Reporter{Sink: cfg.OCSFSink(true), Product: ocsf.OshimProduct("1.2.3"), Log: log},
	}
}

// ocsfKinds returns the oshim_kind of every OCSF event the hook wrote, and the events'
// lines.
func ocsfKinds(t *testing.T, h *Hook) ([]string, string) {
	t.Helper()
	data, err := os.ReadFile(h.Config.OCSFLog)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ""
	}
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var ev struct{ Unmapped map[string]any }
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("OCSF line %q: %v", line, err)
		}
		kinds = append(kinds, fmt.Sprint(ev.Unmapped["oshim_kind"]))
	}
	return kinds, string(data)
}

// waitForFakes waits until no process runs the fake oshim at self: precreate starts it
// detached, as the result collector, and it writes into the test's directory.
func waitForFakes(t testing.TB, self string) {
	deadline := time.Now().Add(10 * time.Second)
	for fakeRunning(self) {
		if time.Now().After(deadline) {
			t.Errorf("the fake oshim %s still runs after 10 s", self)
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// fakeRunning reports whether a process has self in its command line (a script's
// interpreter gets the script's path as an argument).
func fakeRunning(self string) bool {
	cmdlines, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range cmdlines {
		if b, err := os.ReadFile(p); err == nil && bytes.Contains(b, []byte(self+"\x00")) {
			return true
		}
	}
	return false
}

// calls waits until the fake oshim was started n times and returns its calls.
func calls(t *testing.T, h *Hook, n int) []string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		data, _ := os.ReadFile(h.Self + ".calls")
		lines := strings.Split(strings.TrimSpace(string(data)), "\n")
		if len(data) == 0 {
			lines = nil
		}
		if len(lines) >= n {
			return lines
		}
		if time.Now().After(deadline) {
			t.Fatalf("oshim was started %d times, want %d: %q", len(lines), n, data)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// proposed returns testdata/podman-4.3-precreate.json (what podman 4.3 sends for the
// supervisor under the older orchestrator's flags) changed by edit.
func proposed(t testing.TB, edit func(map[string]any)) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "podman-4.3-precreate.json"))
	if err != nil {
		t.Fatal(err)
	}
	if edit == nil {
		return data
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func setArgs(args ...string) func(map[string]any) {
	return func(m map[string]any) {
		m["process"].(map[string]any)["args"] = args
	}
}

func setAnnotation(k, v string) func(map[string]any) {
	return func(m map[string]any) {
		m["annotations"].(map[string]any)[k] = v
	}
}

// decoded is a config as the tests read it.
type decoded struct {
	Process struct {
		Args         []string            `json:"args"`
		Capabilities map[string][]string `json:"capabilities"`
	} `json:"process"`
	Mounts []struct {
		Destination string `json:"destination"`
		Source      string `json:"source"`
	} `json:"mounts"`
	Hooks       map[string][]json.RawMessage `json:"hooks"`
	Annotations map[string]string            `json:"annotations"`
}

func decode(t *testing.T, data []byte) decoded {
	t.Helper()
	var d decoded
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatalf("decode %s: %v", data, err)
	}
	return d
}

func has(list []string, name string) bool {
	for _, n := range list {
		if n == name {
			return true
		}
	}
	return false
}

// recordFiles lists the store's record files.
func recordFiles(t *testing.T, h *Hook) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(h.Store.Dir, "*", "*", "container.json"))
	if err != nil {
		t.Fatal(err)
	}
	return files
}
