package hook

import (
	"fmt"
	"io"

	"github.com/oshim/oshim/internal/admit"
	"github.com/oshim/oshim/internal/spec"
)

// Detect is a standard-stage hook (createRuntime, or prestart for engines that only
// know that one): it reads the container state on in, evaluates the contract against
// the bundle's config.json, and records the skew under the container's id. The
// runtime has already read the spec, so nothing is repaired. With on_skew = "deny" it
// records nothing and returns the refusal: the runtime stops the container before its
// workload runs.
func (h *Hook) Detect(in io.Reader) error {
	st, err := ReadState(in)
	if err != nil {
		return err
	}
	f, err := spec.Load(st.configPath())
	if err != nil {
		return err
	}
	_, err = admit.Admit(admit.Request{
		Mode: admit.Detect, Spec: f.Object, Contracts: h.Config.Set, ID: st.ID, Root: StoreRoot, Bundle: st.Bundle,
		Store: h.Store, Report: h.Report, Metrics: h.Metrics, Log: h.Log,
	})
	if err != nil {
		return fmt.Errorf("container %s: %w", st.ID, err)
	}
	return nil
}
