package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/oshim/oshim/internal/records"
)

// execID is the container that a configuration's exec sessions go into.
func execID(s setup) string {
	return s.containerID("x-" + s.Runtime + "-" + s.Variant)
}

// execTargets starts, through each configuration itself, the container its exec
// sessions go into: the template's container sleeping instead of running /bin/true, so
// that oshim treats the container as it treats the others (a record with the contract,
// the init's verdict). stop deletes them all.
func execTargets(ws *workspace, l *launcher, setups []setup) (stop func(), err error) {
	var started []setup
	stop = func() {
		for _, s := range started {
			if _, err := l.call(s.argv("delete", "--force", execID(s)), s.Env); err != nil {
				progress("delete %s: %v", execID(s), err)
			}
		}
	}
	for _, s := range setups {
		tmpl, err := sleeping(s.Template)
		if err != nil {
			stop()
			return nil, err
		}
		if err := startExecTarget(ws, l, s, tmpl); err != nil {
			stop()
			return nil, err
		}
		started = append(started, s)
	}
	return stop, nil
}

func startExecTarget(ws *workspace, l *launcher, s setup, template []byte) error {
	id := execID(s)
	bundle, err := newBundle(ws, id, template)
	if err != nil {
		return err
	}
	if _, err := l.call(s.argv("create", "--bundle", bundle, "--pid-file", filepath.Join(bundle, "pid"), id), s.Env); err != nil {
		return fmt.Errorf("%s: create the container for exec sessions: %w", s.Name(), err)
	}
	if _, err := l.call(s.argv("start", id), s.Env); err != nil {
		l.call(s.argv("delete", "--force", id), s.Env)
		return fmt.Errorf("%s: start the container for exec sessions: %w", s.Name(), err)
	}
	switch s.Variant {
	case "require", "clear":
		if err := checkRecord(records.Store{Dir: ws.RunDir}, s, LifecycleRun, id); err != nil {
			return fmt.Errorf("%s: the container for exec sessions: %w", s.Name(), err)
		}
	}
	return nil
}

// sleeping is template with the container's process sleeping until it is deleted.
func sleeping(template []byte) ([]byte, error) {
	var spec map[string]any
	if err := json.Unmarshal(template, &spec); err != nil {
		return nil, fmt.Errorf("decode the template: %w", err)
	}
	process, _ := spec["process"].(map[string]any)
	if process == nil {
		return nil, fmt.Errorf("the template has no process")
	}
	process["args"] = []string{"/bin/sleep", "1000000"}
	return json.Marshal(spec)
}
