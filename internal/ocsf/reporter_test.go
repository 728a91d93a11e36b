package ocsf

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
)

func testReporter(sink Sink) (Reporter, *bytes.Buffer) {
	var logs bytes.Buffer
	log := logrus.New()
	log.SetOutput(&logs)
	return Reporter{Sink: sink, Product: OshimProduct("1.2.3"), Log: log}, &logs
}

// TestEmitFailureOnlyWarns: an unwritable OCSF file is logged and nothing else.
func TestEmitFailureOnlyWarns(t *testing.T) {
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	r, logs := testReporter(Sink{Path: filepath.Join(blocker, "ocsf.jsonl")})
	r.Emit(Finding{Kind: SkewFound, ContainerID: "c1", Caps: []string{"CAP_SETPCAP"}, Time: time.Now()})
	if !strings.Contains(logs.String(), "level=warning") || !strings.Contains(logs.String(), "could not write OCSF events") {
		t.Fatalf("log %q, want a warning", logs.String())
	}
}

// TestEmitOff: no file and no syslog sends nothing, and says nothing about it.
func TestEmitOff(t *testing.T) {
	r, logs := testReporter(Sink{})
	r.Emit(Finding{Kind: "not a kind", ContainerID: "c1", Time: time.Now()})
	if logs.Len() != 0 {
		t.Fatalf("log %q", logs.String())
	}
}

// TestEmitSkipsWhatCannotBeBuilt: a finding that cannot become an event is a warning;
// the others are still written.
func TestEmitSkipsWhatCannotBeBuilt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ocsf.jsonl")
	r, logs := testReporter(Sink{Path: path})
	r.Emit(Finding{Kind: "not a kind", ContainerID: "c1", Time: time.Now()}, Finding{Kind: SkewFound, ContainerID: "c1", Caps: []string{"CAP_SETPCAP"}, Time: time.Now()})
	data, err := os.ReadFile(path)
	if err != nil || strings.Count(string(data), "\n") != 1 || !strings.Contains(logs.String(), "could not build") {
		t.Fatalf("file %q (%v), log %q", data, err, logs.String())
	}
}
