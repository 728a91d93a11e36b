package wrapper

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/oshim/oshim/internal/admit"
	"github.com/oshim/oshim/internal/annotation"
	"github.com/oshim/oshim/internal/metrics"
	"github.com/oshim/oshim/internal/procfile"
	"github.com/oshim/oshim/internal/records"
	"github.com/oshim/oshim/internal/spec"
)

// exec caps an exec session of a contracted container to what the container's main
// process was given, and hands the runtime the capped process as a private file: exec
// starts a process straight from its process.json (or from the container's stored,
// rewritten spec), past anything the main process went through.
func (w *Wrapper) exec() error {
	rec, found, err := w.Store.Load(w.Inv.Global.Root, w.Inv.ID)
	if err != nil {
		return err
	}
	if !found {
		if !w.Store.Marked(w.Inv.Global.Root, w.Inv.ID) {
			if err := w.uncontracted(); err != nil {
				return err
			}
		}
		return w.Runtime.Exec(w.Args)
	}
	e := w.Inv.Exec
	if len(e.Caps) > 0 {
		return fmt.Errorf("exec --cap %v into container %s: refused, its capabilities come from contract %q", e.Caps, w.Inv.ID, rec.Contract)
	}
	proc, err := w.process(rec)
	if err != nil {
		return err
	}
	changes, err := admit.Exec(proc, rec)
	if err != nil {
		return fmt.Errorf("exec into container %s: %w", w.Inv.ID, err)
	}
	path, err := procfile.Hand(proc, 3+e.PreserveFDs+listenFDs())
	if err != nil {
		return fmt.Errorf("exec into container %s: %w", w.Inv.ID, err)
	}
	w.Log.WithFields(map[string]any{"id": w.Inv.ID, "contract": rec.Contract, "changes": changes}).Info("exec session capped to the main process")
	w.Metrics.Add(rec.Contract, metrics.ExecCapped)
	return w.Runtime.Exec(w.Inv.WithProcess(path))
}

// process is the exec's process: its --process file, or the one the flags describe.
func (w *Wrapper) process(rec *records.Container) (*spec.Object, error) {
	e := w.Inv.Exec
	if e.Process != "" {
		return procfile.Read(e.Process)
	}
	var container json.RawMessage
	if rec.Bundle != "" {
		f, err := spec.Load(filepath.Join(rec.Bundle, "config.json"))
		if err != nil {
			return nil, fmt.Errorf("exec into container %s: %w", w.Inv.ID, err)
		}
		container, _ = f.Object.Get("process")
	}
	return procfile.Build(e, w.Dialect, container)
}

// uncontracted makes sure a container with neither a record nor a mark is not one
// oshim applied a contract to: its record can be gone (a cleanup of the run directory,
// a delete the runtime refused, a runtime root reached by another path), and its exec
// sessions would then run uncapped. The runtime's state carries the annotations the
// rewrite wrote.
func (w *Wrapper) uncontracted() error {
	ann, ran, err := w.Runtime.Annotations(w.Inv.GlobalArgs, w.Inv.ID)
	switch {
	case !ran:
		// The runtime will say what is wrong with the container.
		return nil
	case err != nil:
		return fmt.Errorf("exec into container %s: refused, its runtime state does not say whether oshim applied a contract to it: %w", w.Inv.ID, err)
	}
	if name, ok := ann[annotation.Contract]; ok {
		return fmt.Errorf("exec into container %s: refused, oshim applied contract %q to it but its record is missing from %s (removed by a cleanup?), so its exec sessions cannot be capped: recreate the container", w.Inv.ID, name, w.Store.Dir)
	}
	return nil
}

// listenFDs is the number of socket-activation descriptors the runtime passes on from
// its environment (sd_listen_fds(3)), above --preserve-fds.
func listenFDs() int {
	n, err := strconv.Atoi(os.Getenv("LISTEN_FDS"))
	if err != nil || n < 0 {
		return 0
	}
	return n
}
