package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestLauncherCall(t *testing.T) {
	l, err := newLauncher(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer l.close()
	tests := []struct {
		name    string
		argv    []string
		wantErr string
		notWant string
	}{
		{name: "success", argv: []string{"/bin/sh", "-c", "echo ignored; echo also >&2"}},
		{name: "failure carries stderr", argv: []string{"/bin/sh", "-c", "echo runtime said no >&2; exit 3"}, wantErr: "runtime said no"},
		{name: "stderr of the previous call is gone", argv: []string{"/bin/sh", "-c", "exit 1"}, wantErr: "exit status 1", notWant: "runtime said no"},
		{name: "cannot start", argv: []string{"/nonexistent"}, wantErr: "start /nonexistent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := l.call(tt.argv, nil)
			if tt.wantErr == "" {
				// Any process faults in its first pages.
				if err != nil || r.Wall <= 0 || r.Faults <= 0 {
					t.Errorf("call() = %+v, %v", r, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || tt.notWant != "" && strings.Contains(err.Error(), tt.notWant) {
				t.Errorf("call() error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestWaitExit(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command("sleep", "0.2")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go cmd.Wait()
	pidFile := filepath.Join(dir, "pid")
	if err := os.WriteFile(pidFile, []byte(strconv.Itoa(cmd.Process.Pid)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := waitExit(pidFile); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Errorf("waitExit returned after %v, before the process exited", d)
	}
	// Gone by now (or a zombie that is reaped): either way it has exited.
	time.Sleep(50 * time.Millisecond)
	if err := waitExit(pidFile); err != nil {
		t.Errorf("waitExit of an exited process: %v", err)
	}
	for name, content := range map[string]string{"empty": "", "not a number": "x", "zero": "0"} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := waitExit(p); err == nil {
			t.Errorf("waitExit with a pid file %q: no error", content)
		}
	}
	if err := waitExit(filepath.Join(dir, "missing")); err == nil {
		t.Error("waitExit without a pid file: no error")
	}
}
