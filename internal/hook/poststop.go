package hook

import (
	"errors"
	"io"
	"os"

	"github.com/oshim/oshim/internal/annotation"
	"github.com/oshim/oshim/internal/spec"
)

// Poststop removes what the other stages recorded for the container whose state is on
// in: the detection record under its id, and precreate's record (with the init
// directory) named by the bundle's config.json. Podman runs it after every stop of the
// container, as each start runs precreate again.
func (h *Hook) Poststop(in io.Reader) error {
	st, err := ReadState(in)
	if err != nil {
		return err
	}
	var errs []error
	if err := h.Store.Remove(StoreRoot, st.ID); err != nil {
		errs = append(errs, err)
	}
	f, err := spec.Load(st.configPath())
	switch {
	case errors.Is(err, os.ErrNotExist):
		// The engine removed the bundle first: there is no record name to read.
	case err != nil:
		errs = append(errs, err)
	default:
		var id string
		if found, err := f.Object.Lookup(&id, "annotations", annotation.Record); err != nil {
			errs = append(errs, err)
		} else if found {
			errs = append(errs, h.Store.Remove(StoreRoot, id))
		}
	}
	return errors.Join(errs...)
}
