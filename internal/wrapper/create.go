package wrapper

import (
	"errors"
	"fmt"
	"time"

	"github.com/oshim/oshim/internal/report"
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
	proc, err := spec.ReadProcess(f.Object, "process")
	if errors.Is(err, spec.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %w", w.Inv.ConfigFile, err)
	}
	if len(proc.Args) == 0 {
		return nil
	}
	var annotations map[string]string
	if _, err := f.Object.Lookup(&annotations, "annotations"); err != nil {
		return fmt.Errorf("%s: annotations: %w", w.Inv.ConfigFile, err)
	}
	c, err := w.Config.Set.Select(proc.Args[0], annotations)
	if err != nil {
		return fmt.Errorf("container %s: %w", w.Inv.ID, err)
	}
	if c == nil {
		w.Log.WithField("id", w.Inv.ID).Debug("no contract applies")
		return nil
	}
	pl := rewrite.NewPlan(c, proc)
	w.reportSkew(c, proc, pl)
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
	rec := &report.Container{
		ID: w.Inv.ID, Root: w.Inv.Global.Root, Bundle: w.Inv.Bundle, Arg0: proc.Args[0], UID: proc.User.UID,
		Contract: c.Name, Bounding: string(c.Bounding), OnSkew: string(c.OnSkew),
		Skew: pl.Skew(), Repair: appliedRepair(f.Object, pl.Repair()),
		Before: pl.Before, After: pl.After(), Main: pl.Main(),
		Runtime: w.Runtime, RuntimeVersion: runtimeVersion(w.Runtime), Created: time.Now().UTC(), Init: c.WantsInit(),
	}
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
	w.reportRewrite(c, proc, pl, rec.Repair)
	return nil
}
