package wrapper

import (
	"github.com/oshim/oshim/internal/ociruntime"
)

// delete removes oshim's record only once the runtime has deleted the container: a
// record removed while the container still runs would let exec sessions through uncapped.
func (w *Wrapper) delete() (int, error) {
	_, found, err := w.Store.Load(w.Inv.Global.Root, w.Inv.ID)
	if err != nil || !found || w.Inv.Global.Help {
		return 1, execRuntime(w)
	}
	code, err := ociruntime.Run(w.Runtime, w.Args)
	if err != nil || code != 0 {
		return code, err
	}
	if err := w.Store.Remove(w.Inv.Global.Root, w.Inv.ID); err != nil {
		w.Log.WithError(err).Warn("container deleted but its oshim record could not be removed")
	}
	return 0, nil
}
