package initdir

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oshim/oshim/internal/records"
)

// testInit is a minimal static ELF file the tests give Prepare: the test binary has no
// oshim-init beside it.
var testInit string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "initdir-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	static := filepath.Join(dir, "oshim")
	if err := os.WriteFile(static, fakeELF(false), 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	testInit = static
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// fakeELF returns an ELF64 header, with one PT_INTERP program header when dynamic:
// all requireStatic looks at.
func fakeELF(dynamic bool) []byte {
	var b bytes.Buffer
	phnum := uint16(0)
	if dynamic {
		phnum = 1
	}
	b.Write([]byte{0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	le := binary.LittleEndian
	for _, v := range []any{
		uint16(2), uint16(62), uint32(1), uint64(0), // type EXEC, machine x86-64, version, entry
		uint64(64), uint64(0), uint32(0), // phoff, shoff, flags
		uint16(64), uint16(56), phnum, uint16(64), uint16(0), uint16(0), // sizes and counts
	} {
		binary.Write(&b, le, v)
	}
	if dynamic {
		for _, v := range []any{uint32(3), uint32(4), uint64(0), uint64(0), uint64(0), uint64(0), uint64(0), uint64(1)} {
			binary.Write(&b, le, v) // PT_INTERP
		}
	}
	return b.Bytes()
}

func TestPrepareRefusesDynamicBinary(t *testing.T) {
	dynamic := filepath.Join(t.TempDir(), "oshim")
	if err := os.WriteFile(dynamic, fakeELF(true), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := Prepare(records.Store{Dir: filepath.Join(t.TempDir(), "run")}, "", "c1", dynamic)
	if err == nil || !strings.Contains(err.Error(), "dynamically linked") {
		t.Fatalf("Prepare error = %v, want the dynamic-linking refusal", err)
	}
}

func TestPrepareRefusesMissingOrNonExecutableInit(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain")
	if err := os.WriteFile(plain, fakeELF(false), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		description string
		source      string
		want        []string
	}{
		{description: "missing", source: filepath.Join(dir, "oshim-init"), want: []string{filepath.Join(dir, "oshim-init"), "no such file", "make build", "beside oshim"}},
		{description: "not executable", source: plain, want: []string{plain, "not an executable file", "make build"}},
		{description: "a directory", source: dir, want: []string{dir, "not an executable file"}},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			_, err := Prepare(records.Store{Dir: filepath.Join(t.TempDir(), "run")}, "", "c1", tc.source)
			for _, w := range tc.want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Fatalf("Prepare error = %v, want it to say %q", err, w)
				}
			}
		})
	}
}

// TestSource: the init is the oshim-init beside the executable.
func TestSource(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	exe, err = filepath.EvalSymlinks(exe)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Source()
	if want := filepath.Join(filepath.Dir(exe), "oshim-init"); err != nil || got != want {
		t.Fatalf("Source() = %q, %v, want %q", got, err, want)
	}
}

func TestHasInterp(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		data    func() []byte
		want    bool
		wantErr bool
	}{
		{"static", func() []byte { return fakeELF(false) }, false, false},
		{"dynamic", func() []byte { return fakeELF(true) }, true, false},
		{"not ELF", func() []byte { return []byte("#!/bin/sh\nexit 0\n") }, false, true},
		{"truncated program headers", func() []byte { return fakeELF(true)[:66] }, false, true},
		{"/bin/sh, dynamically linked", func() []byte {
			b, err := os.ReadFile("/bin/sh")
			if err != nil {
				t.Fatal(err)
			}
			return b
		}, true, false},
		{"this test binary", func() []byte {
			b, err := os.ReadFile(self)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}, isDynamic(t, self), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := hasInterp(bytes.NewReader(tt.data()))
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("hasInterp = %v, %v; want %v, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// isDynamic asks debug/elf, the reference hasInterp must agree with.
func isDynamic(t *testing.T, path string) bool {
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return true
		}
	}
	return false
}

func FuzzHasInterp(f *testing.F) {
	f.Add(fakeELF(false))
	f.Add(fakeELF(true))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := hasInterp(bytes.NewReader(b))
		if err != nil {
			return
		}
		ef, err := elf.NewFile(bytes.NewReader(b))
		if err != nil {
			return
		}
		want := false
		for _, p := range ef.Progs {
			if p.Type == elf.PT_INTERP {
				want = true
			}
		}
		if got != want {
			t.Errorf("hasInterp = %v, debug/elf says %v", got, want)
		}
	})
}
