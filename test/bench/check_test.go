package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oshim/oshim/internal/records"
)

func TestCheckRecord(t *testing.T) {
	tests := []struct {
		name      string
		variant   string
		lifecycle string
		record    *records.Container
		wantErr   string
	}{
		{name: "run with the init's success", variant: "clear", lifecycle: LifecycleRun, record: &records.Container{ID: "c", Result: &records.Measured{OK: true}}},
		{name: "run with the init's failure", variant: "clear", lifecycle: LifecycleRun, record: &records.Container{ID: "c", Result: &records.Measured{OK: false, Summary: "refused"}}, wantErr: "did not report success"},
		{name: "run without the init's report", variant: "clear", lifecycle: LifecycleRun, record: &records.Container{ID: "c"}, wantErr: "did not report success"},
		{name: "run of a rewrite without init", variant: "require", lifecycle: LifecycleRun, record: &records.Container{ID: "c"}},
		{name: "run without a record", variant: "require", lifecycle: LifecycleRun, wantErr: "no record"},
		{name: "delete removed the record", variant: "clear", lifecycle: LifecycleCycle},
		{name: "delete left the record", variant: "clear", lifecycle: LifecycleCycle, record: &records.Container{ID: "c"}, wantErr: "still there"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := records.Store{Dir: t.TempDir()}
			s := setup{Variant: tt.variant, State: "/state"}
			if tt.record != nil {
				tt.record.Root = s.State
				if err := store.Save(tt.record); err != nil {
					t.Fatal(err)
				}
			}
			err := checkRecord(store, s, tt.lifecycle, "c")
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("checkRecord() = %v, want error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestCountRecords(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"k1/p-crun-clear-1", "k1/p-crun-clear-2", "k2/p-crun-clear-3", "k1/p-crun-require-1", "k1/b0-crun-clear-run"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "k1", "p-crun-clear-file"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	prefix := parallelID(setup{Runtime: "crun", Variant: "clear"}, -1)
	if prefix != "p-crun-clear-" {
		t.Fatalf("parallelID prefix = %q", prefix)
	}
	n, err := countRecords(dir, prefix)
	if err != nil || n != 3 {
		t.Errorf("countRecords() = %d, %v; want 3", n, err)
	}
}

func TestChecker(t *testing.T) {
	const template = `{"process":{"args":["/bin/true"]}}`
	tests := []struct {
		name    string
		variant string
		config  string
		wantErr string
	}{
		{name: "passthrough leaves config.json alone", variant: "passthrough", config: template},
		{name: "passthrough changed config.json", variant: "passthrough", config: template + "\n", wantErr: "was changed"},
		{name: "require rewrote", variant: "require", config: `{"process":{"args":["/bin/true"]},"annotations":{"io.oshim.contract":"bench-require"}}`},
		{name: "require without the annotation", variant: "require", config: template, wantErr: "annotation io.oshim.contract"},
		{name: "clear without the init", variant: "clear", config: `{"process":{"args":["/bin/true"]},"annotations":{"io.oshim.contract":"bench-clear"}}`, wantErr: "want /dev/.oshim/init first"},
		{name: "not JSON", variant: "clear", config: `{`, wantErr: "decode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := &workspace{RunDir: t.TempDir()}
			s := setup{Variant: tt.variant, State: "/state", Template: []byte(template)}
			if err := (records.Store{Dir: ws.RunDir}).Save(&records.Container{ID: "c", Root: s.State}); err != nil {
				t.Fatal(err)
			}
			bundle := t.TempDir()
			if err := os.WriteFile(filepath.Join(bundle, "config.json"), []byte(tt.config), 0o644); err != nil {
				t.Fatal(err)
			}
			err := checker(ws, s, LifecycleRun, "c")(bundle)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("checker() = %v, want error containing %q", err, tt.wantErr)
			}
		})
	}
}
