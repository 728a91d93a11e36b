package wrapper

import (
	"fmt"

	"github.com/oshim/oshim/internal/rewrite"
	"github.com/oshim/oshim/internal/spec"
)

// rewriteExec caps an exec session of a contracted container to what the container's
// main process was given: exec starts a process straight from its process.json, past
// anything the main process went through.
func (w *Wrapper) rewriteExec() error {
	if w.Inv.Global.Help {
		return nil
	}
	rec, found, err := w.Store.Load(w.Inv.Global.Root, w.Inv.ID)
	if err != nil || !found {
		return err
	}
	if len(w.Inv.ExecCaps) > 0 {
		return fmt.Errorf("exec --cap %v into container %s: refused, its capabilities come from contract %q", w.Inv.ExecCaps, w.Inv.ID, rec.Contract)
	}
	if w.Inv.Process == "" {
		if rec.Bounding == "clear" {
			return fmt.Errorf("exec into container %s without --process: refused, contract %q clears the bounding set and only a process file can be rewritten to match", w.Inv.ID, rec.Contract)
		}
		// The runtime builds the process from the container's stored spec, which is
		// the rewritten one.
		return nil
	}
	f, err := spec.Load(w.Inv.Process)
	if err != nil {
		return err
	}
	changes, err := rewrite.CapExec(f.Object, rec.Main, rec.Bounding == "clear")
	if err != nil {
		return fmt.Errorf("rewrite %s: %w", w.Inv.Process, err)
	}
	if len(changes) == 0 {
		return nil
	}
	w.Log.WithFields(map[string]any{"id": w.Inv.ID, "contract": rec.Contract, "changes": changes}).Info("exec session capped to the main process")
	return f.Save()
}
