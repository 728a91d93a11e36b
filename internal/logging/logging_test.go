package logging

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLogFile: messages reach the --log file in the --log-format, at the --log-level,
// through the hook; the logger's own output is discarded unformatted.
func TestLogFile(t *testing.T) {
	tests := []struct {
		format, level string
		want          []string
		absent        string
	}{
		{"", "", []string{`level=info msg="contract applied" id=c1`, `level=warning msg=careful`}, "debug-only"},
		{"json", "", []string{`"level":"info","msg":"contract applied"`, `"id":"c1"`}, "debug-only"},
		{"text", "debug", []string{`level=debug msg=debug-only`}, "never"},
		{"text", "warning", []string{`level=warning msg=careful`}, "contract applied"},
	}
	for _, tt := range tests {
		t.Run(tt.format+"/"+tt.level, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "log")
			l, closeLog, err := New(Options{File: path, Format: tt.format, Level: tt.level})
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := l.Formatter.(discardFormatter); !ok {
				t.Errorf("the logger's own formatter is %T", l.Formatter)
			}
			l.Debug("debug-only")
			l.WithField("id", "c1").Info("contract applied")
			l.Warn("careful")
			closeLog()
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(data), w) {
					t.Errorf("log file lacks %s:\n%s", w, data)
				}
			}
			if strings.Contains(string(data), tt.absent) {
				t.Errorf("log file has %s:\n%s", tt.absent, data)
			}
		})
	}
}

func TestBadOptions(t *testing.T) {
	for _, o := range []Options{{Format: "xml"}, {Level: "loud"}} {
		if _, _, err := New(o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
}

// TestNoFileUntilAMessage: the log file is opened, and so created, only
// by the first message.
func TestNoFileUntilAMessage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	l, closeLog, err := New(Options{File: path})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("log file exists before any message: %v", err)
	}
	l.Info("first")
	closeLog()
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
}
