package wrapper

import (
	"time"

	"github.com/oshim/oshim/internal/records"
)

// capRecords makes room for this container's record under the config's max_records:
// records of containers the runtime no longer knows go, oldest first, so that records
// leaked by containers that were never deleted through oshim (`run`, a crash loop, a
// runtime called directly) cannot fill the disk. A failure is only logged: the cap
// protects the disk, it must not stop a container.
func (w *Wrapper) capRecords() {
	max := w.Config.MaxRecords
	if max <= 0 {
		max = records.DefaultMaxRecords
	}
	res, err := w.Store.Cap(max, w.Inv.Global.Root, w.Inv.ID, time.Now(), w.Runtime.List)
	if err != nil {
		w.Log.WithError(err).Warn("could not prune old container records")
	}
	if n := len(res.Removed); n > 0 {
		w.Log.WithFields(map[string]any{"removed": n, "max_records": max}).Info("pruned records of containers the runtime no longer knows")
	}
	if res.Over > 0 {
		w.Log.WithFields(map[string]any{"over": res.Over, "max_records": max}).Warn("more container records than max_records: the rest belong to live or just-created containers")
	}
}

// delete removes oshim's record only once the runtime has deleted the container: a
// record removed while the container still runs would let exec sessions through uncapped.
func (w *Wrapper) delete() (int, error) {
	found, err := w.Store.Has(w.Inv.Global.Root, w.Inv.ID)
	if err != nil || !found {
		return 1, w.Runtime.Exec(w.Args)
	}
	code, err := w.Runtime.Run(w.Args)
	if err != nil || code != 0 {
		return code, err
	}
	if err := w.Store.Remove(w.Inv.Global.Root, w.Inv.ID); err != nil {
		w.Log.WithError(err).Warn("container deleted but its oshim record could not be removed")
	}
	return 0, nil
}
