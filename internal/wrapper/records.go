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
	max := w.maxRecords()
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

// mark leaves the store's mark of a container created without a contract, which lets
// its exec sessions through without asking the runtime for its state: that costs an
// exec as much as a second runtime call. Marks are kept under max_records per runtime
// root, as records are. A failure is only logged: without a mark an exec asks the
// runtime, as it does for a container created before oshim made marks.
func (w *Wrapper) mark() {
	n, err := w.Store.Mark(w.Inv.Global.Root, w.Inv.ID)
	if err != nil {
		w.Log.WithError(err).Warn("could not mark the container as created without a contract; its exec sessions ask the runtime's state instead")
		return
	}
	max := w.maxRecords()
	if n <= max {
		return
	}
	removed, err := w.Store.PruneMarks(max, w.Inv.Global.Root, time.Now(), w.Runtime.List)
	if err != nil {
		w.Log.WithError(err).Warn("could not prune the marks of containers the runtime no longer knows")
	}
	if removed > 0 {
		w.Log.WithFields(map[string]any{"removed": removed, "max_records": max}).Info("pruned marks of containers the runtime no longer knows")
	}
}

// maxRecords is the config's max_records, or the default.
func (w *Wrapper) maxRecords() int {
	if w.Config.MaxRecords > 0 {
		return w.Config.MaxRecords
	}
	return records.DefaultMaxRecords
}

// delete removes oshim's record of the container, then hands the call to the runtime.
// The record goes first so that the runtime replaces oshim instead of running as its
// child, which costs every contracted container a wait and a second process exit. That
// is safe because an exec session never runs uncapped for want of a record: exec
// refuses a container whose runtime state carries oshim's annotations and that has no
// record. So if the runtime then refuses the delete (a running container without
// --force), the container keeps running, and its exec sessions are refused until it is
// recreated, rather than let through.
func (w *Wrapper) delete() error {
	if records.ValidateID(w.Inv.ID) != nil {
		// Not a container oshim could have a record of: the runtime says what is wrong.
		return w.Runtime.Exec(w.Args)
	}
	if err := w.Store.Remove(w.Inv.Global.Root, w.Inv.ID); err != nil {
		w.Log.WithError(err).Warn("could not remove the container's oshim record; max_records prunes it once the runtime no longer knows the container")
	}
	return w.Runtime.Exec(w.Args)
}
