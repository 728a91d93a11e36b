package matrix

import (
	"path/filepath"
	"testing"

	"github.com/oshim/oshim/test/harness"
)

// newDocker is one private dockerd with a runtime per real runtime and contract in its
// daemon.json, each a script running oshim, plus one per plain runtime; a cell picks
// its runtime with `docker run --runtime`.
func newDocker(t *testing.T) engine {
	dir := harness.NewDockerdDir(t)
	regs := registrations(t, rootWriter, filepath.Join(dir, "oshim"), harness.Oshim(t))
	registered := map[string]any{}
	for _, rt := range runtimes {
		registered[handler(cell{runtime: rt, kind: none})] = map[string]string{"path": harness.Runtime(t, rt)}
		for _, k := range contractKinds {
			registered[handler(cell{runtime: rt, kind: k})] = map[string]string{"path": regs[rt][k].script}
		}
	}
	writeJSON(t, harness.DockerdConfig(dir), map[string]any{"runtimes": registered})
	d := harness.StartDockerd(t, dir)
	d.Import(t, workloadImage(t))
	return &cliEngine{
		client:   func(t *testing.T, _ cell, args ...string) harness.Result { return d.Docker(t, args...) },
		runFlags: func(c cell) []string { return []string{"--runtime", handler(c)} },
		logFile:  func(id string) string { return filepath.Join(dir, "data", "containers", id, id+"-json.log") },
		// containerd's runc shim keeps the bundle while the task exists.
		configFile: func(id string) string {
			return filepath.Join(dir, "exec", "containerd", "daemon", "io.containerd.runtime.v2.task", "moby", id, "config.json")
		},
		reg: func(c cell) registration { return regs[c.runtime][c.kind] },
	}
}
