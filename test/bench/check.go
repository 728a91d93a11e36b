package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/oshim/oshim/internal/annotation"
	"github.com/oshim/oshim/internal/initproc"
	"github.com/oshim/oshim/internal/records"
)

// checker returns the check of a configuration's first trial: a benchmark of a path
// that silently does not rewrite (a typo in a contract) would measure the wrong thing.
func checker(ws *workspace, s setup, lifecycle, id string) func(bundle string) error {
	return func(bundle string) error {
		data, err := os.ReadFile(filepath.Join(bundle, "config.json"))
		if err != nil {
			return err
		}
		switch s.Variant {
		case "direct", "floor", "passthrough":
			if !bytes.Equal(data, s.Template) {
				return fmt.Errorf("config.json was changed")
			}
			return nil
		}
		var spec struct {
			Process struct {
				Args []string `json:"args"`
			} `json:"process"`
			Annotations map[string]string `json:"annotations"`
		}
		if err := json.Unmarshal(data, &spec); err != nil {
			return fmt.Errorf("decode rewritten config.json: %w", err)
		}
		if got, want := spec.Annotations[annotation.Contract], "bench-"+s.Variant; got != want {
			return fmt.Errorf("annotation %s = %q, want %q", annotation.Contract, got, want)
		}
		wantArg0 := "/bin/true"
		if s.Variant == "clear" {
			wantArg0 = initproc.Binary
		}
		if len(spec.Process.Args) == 0 || spec.Process.Args[0] != wantArg0 {
			return fmt.Errorf("process.args = %q, want %s first", spec.Process.Args, wantArg0)
		}
		return checkRecord(records.Store{Dir: ws.RunDir}, s, lifecycle, id)
	}
}

// checkRecord: after `run` the record stays and, with the init, holds its verdict;
// after delete it is gone.
func checkRecord(store records.Store, s setup, lifecycle, id string) error {
	rec, found, err := store.Load(s.State, id)
	if err != nil {
		return fmt.Errorf("load record: %w", err)
	}
	if lifecycle == LifecycleCycle {
		if found {
			return fmt.Errorf("record still there after delete")
		}
		return nil
	}
	if !found {
		return fmt.Errorf("no record after run")
	}
	if s.Variant == "clear" && (rec.Result == nil || !rec.Result.OK) {
		return fmt.Errorf("the init did not report success: %+v", rec.Result)
	}
	return nil
}
