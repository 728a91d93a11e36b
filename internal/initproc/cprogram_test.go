package initproc

// Helpers for the tests of oshim-init, the C program in oshim-init/: they build it
// and its test-only programs with the C compiler, once per test process.

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/oshim/oshim/test/harness"
)

// cDir holds the C programs this test process built.
var cDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "oshim-init-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	cDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var cBuilds struct {
	mu    sync.Mutex
	paths map[string]string
}

// cProgram builds target of oshim-init's Makefile: "oshim-init", "parsetest" or
// "denysyscall".
func cProgram(t testing.TB, target string) string {
	t.Helper()
	cBuilds.mu.Lock()
	defer cBuilds.mu.Unlock()
	if p, ok := cBuilds.paths[target]; ok {
		return p
	}
	p, err := harness.BuildInit(cDir, target)
	if err != nil {
		t.Fatal(err)
	}
	if cBuilds.paths == nil {
		cBuilds.paths = map[string]string{}
	}
	cBuilds.paths[target] = p
	return p
}

// parseTest talks to one parsetest process (oshim-init/test/parsetest.c), which runs
// oshim-init's parsers on each record it is sent: a process per input would make the
// fuzz tests slow.
type parseTest struct {
	mu  sync.Mutex
	in  io.Writer
	out *bufio.Reader
}

var parser struct {
	once sync.Once
	p    *parseTest
	err  error
}

// maxParseInput is parsetest's input limit (MAX_INPUT).
const maxParseInput = 1 << 20

// cParse sends one record and returns parsetest's answer line.
func cParse(t testing.TB, kind byte, chunk int, data []byte) string {
	t.Helper()
	parser.once.Do(func() {
		cmd := exec.Command(cProgram(t, "parsetest"))
		in, err := cmd.StdinPipe()
		if err != nil {
			parser.err = err
			return
		}
		out, err := cmd.StdoutPipe()
		if err != nil {
			parser.err = err
			return
		}
		cmd.Stderr = os.Stderr
		// It ends when this process does and its stdin closes.
		parser.err = cmd.Start()
		parser.p = &parseTest{in: in, out: bufio.NewReaderSize(out, 1<<20)}
	})
	if parser.err != nil {
		t.Fatalf("start parsetest: %v", parser.err)
	}
	p := parser.p
	p.mu.Lock()
	defer p.mu.Unlock()
	hdr := make([]byte, 9)
	hdr[0] = kind
	binary.LittleEndian.PutUint32(hdr[1:], uint32(chunk))
	binary.LittleEndian.PutUint32(hdr[5:], uint32(len(data)))
	if _, err := p.in.Write(append(hdr, data...)); err != nil {
		t.Fatalf("write to parsetest (did it crash?): %v", err)
	}
	line, err := p.out.ReadString('\n')
	if err != nil {
		t.Fatalf("read from parsetest (did it crash on %q?): %v", data, err)
	}
	return strings.TrimSuffix(line, "\n")
}
