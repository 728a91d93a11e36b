package wrapper

import (
	"fmt"

	"github.com/oshim/oshim/internal/rewrite"
	"github.com/oshim/oshim/internal/spec"
)

// rewriteConfig applies the container's contract to its config.json. It writes nothing
// when no contract applies, so such a container's spec stays byte-identical.
func (w *Wrapper) rewriteConfig() error {
	if w.Config.Set.Len() == 0 || w.Inv.Global.Help {
		return nil
	}
	f, err := spec.Load(w.Inv.ConfigFile)
	if err != nil {
		return err
	}
	pl, proc, err := rewrite.Evaluate(w.Config.Set, f.Object)
	if err != nil {
		return fmt.Errorf("container %s: %s: %w", w.Inv.ID, w.Inv.ConfigFile, err)
	}
	if pl == nil {
		w.Log.WithField("id", w.Inv.ID).Debug("no contract applies")
		return nil
	}
	c := pl.Contract
	w.findings().Skew(pl, proc)
	if err := pl.Err(); err != nil {
		return err
	}
	var initDir string
	if c.WantsInit() {
		if initDir, err = w.prepareInit(); err != nil {
			return fmt.Errorf("prepare oshim-init for %s: %w", w.Inv.ID, err)
		}
	}
	if err := rewrite.Apply(f.Object, pl, proc.Args, initDir); err != nil {
		_ = w.Store.Remove(w.Inv.Global.Root, w.Inv.ID)
		return fmt.Errorf("rewrite %s: %w", w.Inv.ConfigFile, err)
	}
	w.initInjected = c.WantsInit()
	rec := pl.Record(w.Inv.ID, w.Inv.Global.Root, w.Inv.Bundle, proc)
	rec.Repair = appliedRepair(f.Object, rec.Repair)
	rec.Runtime, rec.RuntimeVersion = w.Runtime, w.runtimeVersion()
	w.capRecords()
	// The record goes first: exec sessions are capped by it, so a container must never
	// exist with a rewritten spec and no record.
	if err := w.Store.Save(rec); err != nil {
		return fmt.Errorf("record container %s: %w", w.Inv.ID, err)
	}
	if err := f.Save(); err != nil {
		_ = w.Store.Remove(w.Inv.Global.Root, w.Inv.ID)
		return err
	}
	w.Log.WithFields(map[string]any{"id": w.Inv.ID, "contract": c.Name, "skew": rec.Skew, "repair": rec.Repair}).Info("contract applied")
	w.findings().Rewrite(pl, proc, rec.Repair)
	return nil
}
