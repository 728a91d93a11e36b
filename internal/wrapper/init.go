package wrapper

import (
	"time"

	"github.com/oshim/oshim/internal/initdir"
	"github.com/oshim/oshim/internal/initproc"
)

// resultWait bounds how long start waits for the init's report.
const resultWait = 5 * time.Second

// prepareInit gives the container its own copy of oshim-init and a result FIFO.
func (w *Wrapper) prepareInit() (string, error) {
	return initdir.Prepare(w.Store, w.Inv.Global.Root, w.Inv.ID)
}

func (w *Wrapper) openCollector() (*initdir.Collector, error) {
	dir, err := w.Store.InitDir(w.Inv.Global.Root, w.Inv.ID)
	if err != nil {
		return nil, err
	}
	return initdir.OpenCollector(dir)
}

// recordResult stores what the init measured and reports a refusal where the engine
// shows runtime errors.
func (w *Wrapper) recordResult(res *initproc.Result, readErr error) {
	rec, found, err := w.Store.Load(w.Inv.Global.Root, w.Inv.ID)
	if err != nil || !found {
		w.Log.WithError(err).Warn("no record to store the init's result in")
		return
	}
	m := initdir.Measured(res, readErr)
	switch {
	case readErr != nil:
		w.Log.WithField("id", w.Inv.ID).Warn(m.Summary)
	case !res.OK:
		w.Log.WithField("id", w.Inv.ID).Errorf("oshim-init refused to start the workload: %s: %s", res.Step, res.Message)
	}
	rec.Result = m
	if err := w.Store.Save(rec); err != nil {
		w.Log.WithError(err).Warn("could not store the init's result")
	}
	w.findings().Result(rec, m)
}

// dropInitCopy removes the container's copy of oshim-init once it has run.
func (w *Wrapper) dropInitCopy() {
	dir, err := w.Store.InitDir(w.Inv.Global.Root, w.Inv.ID)
	if err != nil {
		return
	}
	if err := initdir.DropCopy(dir); err != nil {
		w.Log.WithError(err).Warn("could not remove the container's init copy")
	}
}
