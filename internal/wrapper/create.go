package wrapper

import (
	"fmt"

	"github.com/oshim/oshim/internal/admit"
	"github.com/oshim/oshim/internal/records"
	"github.com/oshim/oshim/internal/spec"
	"github.com/sirupsen/logrus"
)

// admit applies the container's contract to its config.json and returns its record,
// nil when no contract applies. A spec no contract applies to and that carries no
// forged io.oshim.* annotation stays byte-identical. With no contracts configured at
// all oshim reads no spec.
func (w *Wrapper) admit() (*records.Container, error) {
	if err := w.Config.LoadContracts(); err != nil {
		return nil, err
	}
	for _, warning := range w.Config.Warnings {
		w.Log.Warn(warning)
	}
	if w.Config.Set.Len() == 0 {
		return nil, nil
	}
	f, err := spec.Load(w.Inv.ConfigFile)
	if err != nil {
		return nil, err
	}
	req := admit.Request{
		Mode: admit.Create, Spec: f.Object, Contracts: w.Config.Set,
		ID: w.Inv.ID, Root: w.Inv.Global.Root, Bundle: w.Inv.Bundle, PidFile: w.Inv.PidFile,
		Store: w.Store, Runtime: w.Runtime, Report: w.Report, Metrics: w.Metrics, Log: w.Log,
	}
	out, err := admit.Admit(req)
	switch {
	case err != nil && admit.IsDenied(err):
		return nil, err
	case err != nil:
		return nil, fmt.Errorf("container %s: %s: %w", w.Inv.ID, w.Inv.ConfigFile, err)
	case out.Plan == nil && len(out.Scrubbed) == 0:
		// Asked first: logrus builds an entry's fields (by reflection) before its level
		// discards it, and this is every uncontracted create's path.
		if w.Log.IsLevelEnabled(logrus.DebugLevel) {
			w.Log.WithField("id", w.Inv.ID).Debug("no contract applies")
		}
		return nil, nil
	case out.Plan == nil:
		w.Log.WithField("id", w.Inv.ID).Warnf("removed annotations only oshim may write: %v", out.Scrubbed)
		return nil, f.Save()
	}
	w.capRecords()
	// The record is written: a container must never exist with a rewritten spec and
	// no record, since exec sessions are capped by it.
	if err := f.Save(); err != nil {
		req.Undo(out)
		return nil, err
	}
	rec := out.Record
	w.Log.WithFields(map[string]any{"id": w.Inv.ID, "contract": rec.Contract, "skew": rec.Skew, "repair": rec.Repair}).Info("contract applied")
	return rec, nil
}
