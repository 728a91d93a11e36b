package wrapper

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"

	"github.com/oshim/oshim/internal/report"
	"github.com/oshim/oshim/internal/spec"
)

// state adds the init's measured result to the runtime's state JSON as the annotation
// io.oshim.result, so every tool that reads runtime state sees it. Containers without
// a result get the runtime's output untouched.
func (w *Wrapper) state() (int, error) {
	rec, found, err := w.Store.Load(w.Inv.Global.Root, w.Inv.ID)
	if err != nil || !found || rec.Result == nil || w.Inv.Global.Help {
		return 1, execRuntime(w)
	}
	cmd := exec.Command(w.Runtime, w.Args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Run(); err != nil {
		os.Stdout.Write(out.Bytes())
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), nil
		}
		return 1, fmt.Errorf("%s state: %w", w.Runtime, err)
	}
	o, err := spec.ParseObject(out.Bytes())
	if err != nil {
		return 1, fmt.Errorf("%s state printed no JSON object: %w", w.Runtime, err)
	}
	if err := o.Set(rec.Result.Summary, "annotations", report.AnnotationResult); err != nil {
		return 1, fmt.Errorf("add %s: %w", report.AnnotationResult, err)
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
