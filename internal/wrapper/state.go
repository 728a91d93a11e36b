package wrapper

import (
	"fmt"
	"os"

	"github.com/oshim/oshim/internal/annotation"
	"github.com/oshim/oshim/internal/spec"
)

// state adds the init's measured result to the runtime's state JSON as the annotation
// io.oshim.result, so every tool that reads runtime state sees it. Containers without
// a result get the runtime's output untouched: the create removed any io.oshim.result
// of their own.
func (w *Wrapper) state() (int, error) {
	rec, found, err := w.Store.Load(w.Inv.Global.Root, w.Inv.ID)
	if err != nil {
		return 1, err
	}
	if !found || rec.Result == nil {
		return 1, w.Runtime.Exec(w.Args)
	}
	out, status, err := w.Runtime.Stdout(w.Args...)
	if err != nil {
		return 1, err
	}
	if status != 0 {
		os.Stdout.Write(out)
		return status, nil
	}
	o, err := spec.ParseObject(out)
	if err != nil {
		return 1, fmt.Errorf("%s state printed no JSON object: %w", w.Runtime.Path, err)
	}
	if err := o.Set(rec.Result.Summary, "annotations", annotation.Result); err != nil {
		return 1, fmt.Errorf("add %s: %w", annotation.Result, err)
	}
	b, err := o.Marshal()
	if err != nil {
		return 1, err
	}
	if _, err := os.Stdout.Write(append(b, '\n')); err != nil {
		return 1, fmt.Errorf("write state: %w", err)
	}
	return 0, nil
}
