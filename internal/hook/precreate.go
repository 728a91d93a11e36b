package hook

import (
	"encoding/json"
	"fmt"
	"io"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/oshim/oshim/internal/initdir"
	"github.com/oshim/oshim/internal/rewrite"
	"github.com/oshim/oshim/internal/spec"
)

// Precreate reads the proposed config.json on in and writes the complete config to out
// with the container's contract applied, as runtime mode's create would rewrite it.
// A spec no contract applies to comes back byte-identical.
//
// A denied container's spec is returned unrewritten, with oshim's createRuntime hook
// added, which refuses it: podman 4 discards a precreate hook's stderr (its error would
// read only "exit status 1"), while the runtime reports a failing createRuntime hook in
// podman's own error message (runc with the hook's stderr, crun with its exit status).
func (h *Hook) Precreate(in io.Reader, out io.Writer) error {
	data, err := readLimited(in, spec.MaxSize, "proposed config")
	if err != nil {
		return err
	}
	o, err := spec.ParseObject(data)
	if err != nil {
		return fmt.Errorf("proposed config: %w", err)
	}
	pl, proc, err := rewrite.Evaluate(h.Config.Set, o)
	if err != nil {
		return fmt.Errorf("proposed config: %w", err)
	}
	if pl == nil {
		return passThrough(o, data, out)
	}
	if pl.Err() != nil {
		if err := h.addDenyHook(o); err != nil {
			return err
		}
		return write(o, out)
	}
	id, err := newRecordID()
	if err != nil {
		return err
	}
	var dir string
	if pl.Contract.WantsInit() {
		if dir, err = initdir.Prepare(h.Store, StoreRoot, id); err != nil {
			return fmt.Errorf("prepare oshim-init: %w", err)
		}
	}
	if err := h.finish(o, pl, proc, id, dir, out); err != nil {
		_ = h.Store.Remove(StoreRoot, id)
		return err
	}
	// A denied container's skew is reported by the createRuntime hook that refuses it,
	// which knows the container's id; this one is reported under its record's name.
	rep := h.findings(id, "")
	rep.Skew(pl, proc)
	rep.Rewrite(pl, proc, pl.Repair())
	return nil
}

// finish rewrites the spec, records the container, starts the collector of the init's
// result and writes the spec out.
func (h *Hook) finish(o *spec.Object, pl *rewrite.Plan, proc *specs.Process, id, dir string, out io.Writer) error {
	if err := rewrite.Apply(o, pl, proc.Args, dir); err != nil {
		return fmt.Errorf("rewrite the proposed config: %w", err)
	}
	if err := o.Set(id, "annotations", AnnotationRecord); err != nil {
		return fmt.Errorf("set annotation %s: %w", AnnotationRecord, err)
	}
	if err := h.Store.Save(pl.Record(id, StoreRoot, "", proc)); err != nil {
		return fmt.Errorf("record container: %w", err)
	}
	if dir != "" {
		if err := h.startCollector(id, dir); err != nil {
			return err
		}
	}
	return write(o, out)
}

// passThrough writes a spec no contract applies to as it came, unless it carries a
// record annotation it cannot have got from oshim: its poststop would remove the
// record named there.
func passThrough(o *spec.Object, data []byte, out io.Writer) error {
	if _, forged := o.Get("annotations", AnnotationRecord); !forged {
		if _, err := out.Write(data); err != nil {
			return fmt.Errorf("write config: %w", err)
		}
		return nil
	}
	if err := o.Delete("annotations", AnnotationRecord); err != nil {
		return fmt.Errorf("remove annotation %s: %w", AnnotationRecord, err)
	}
	return write(o, out)
}

// addDenyHook appends `oshim hook createRuntime` to the spec's createRuntime hooks.
func (h *Hook) addDenyHook(o *spec.Object) error {
	// Raw, so the engine's own hooks keep their exact values.
	var hooks []json.RawMessage
	if _, err := o.Lookup(&hooks, "hooks", "createRuntime"); err != nil {
		return fmt.Errorf("read hooks.createRuntime: %w", err)
	}
	ours, err := json.Marshal(map[string]any{
		"path": h.Self,
		"args": []string{"oshim", "hook", "createRuntime", "--config", h.ConfigPath},
	})
	if err != nil {
		return fmt.Errorf("encode the createRuntime hook: %w", err)
	}
	hooks = append(hooks, ours)
	if err := o.Set(hooks, "hooks", "createRuntime"); err != nil {
		return fmt.Errorf("set hooks.createRuntime: %w", err)
	}
	return nil
}

func write(o *spec.Object, out io.Writer) error {
	b, err := o.Marshal()
	if err != nil {
		return fmt.Errorf("encode config: %w", err)
	}
	if _, err := out.Write(b); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	return nil
}
