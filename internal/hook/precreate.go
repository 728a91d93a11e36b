package hook

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/oshim/oshim/internal/admit"
	"github.com/oshim/oshim/internal/annotation"
	"github.com/oshim/oshim/internal/spec"
)

// Precreate reads the proposed config.json on in and writes the complete config to out
// with the container's contract applied, as runtime mode's create would rewrite it.
// A spec no contract applies to, and that carries no io.oshim.* annotation only oshim
// may write, comes back byte-identical.
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
	// The container's id does not exist yet: the record gets an unguessable name.
	id, err := newRecordID()
	if err != nil {
		return err
	}
	req := admit.Request{
		Mode: admit.Precreate, Spec: o, Contracts: h.Config.Set, ID: id, Root: StoreRoot,
		Store: h.Store, Report: h.Report, Metrics: h.Metrics, Log: h.Log, InitBinary: h.InitBinary,
	}
	res, err := admit.Admit(req)
	switch {
	case err != nil && admit.IsDenied(err):
		if err := h.addDenyHook(o); err != nil {
			return err
		}
		return write(o, out)
	case err != nil:
		return fmt.Errorf("proposed config: %w", err)
	case !res.Changed():
		if _, err := out.Write(data); err != nil {
			return fmt.Errorf("write config: %w", err)
		}
		return nil
	case res.Plan == nil:
		return write(o, out)
	}
	if err := h.finish(o, id, res.InitDir, out); err != nil {
		req.Undo(res)
		return err
	}
	return nil
}

// finish names the record in the spec, starts the collector of the init's result and
// writes the spec out.
func (h *Hook) finish(o *spec.Object, id, dir string, out io.Writer) error {
	if err := o.Set(id, "annotations", annotation.Record); err != nil {
		return fmt.Errorf("set annotation %s: %w", annotation.Record, err)
	}
	if dir != "" {
		if err := h.startCollector(id, dir); err != nil {
			return err
		}
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
