package wrapper

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/oshim/oshim/internal/atomicfile"
	"github.com/oshim/oshim/internal/ociruntime"
	"github.com/oshim/oshim/internal/report"
	"github.com/oshim/oshim/internal/spec"
)

// capRecords makes room for this container's record under the config's max_records:
// records of containers the runtime no longer knows go, oldest first, so that records
// leaked by containers that were never deleted through oshim (`run`, a crash loop, a
// runtime called directly) cannot fill the disk. A failure is only logged: the cap
// protects the disk, it must not stop a container.
func (w *Wrapper) capRecords() {
	max := w.Config.MaxRecords
	if max <= 0 {
		max = report.DefaultMaxRecords
	}
	res, err := w.Store.Cap(max, w.Inv.Global.Root, w.Inv.ID, time.Now(), knownContainers)
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

// knownContainers lists the containers a runtime knows in a root, with one `list`
// call for every record of that root.
func knownContainers(runtime, root string) (map[string]bool, error) {
	var args []string
	if root != "" {
		args = append(args, "--root", root)
	}
	out, err := ociruntime.Output(runtime, append(args, "list", "-q")...)
	if err != nil {
		return nil, fmt.Errorf("list the containers of %s: %w", runtime, err)
	}
	ids := map[string]bool{}
	for _, id := range strings.Fields(string(out)) {
		ids[id] = true
	}
	return ids, nil
}

// runtimeVersion is the first line of `RUNTIME --version`, for the record; "" when the
// runtime does not say. It is cached in the run directory by the binary's path, size and
// mtime: running the runtime once more on every create would cost more than the rewrite.
func (w *Wrapper) runtimeVersion() string {
	st, err := os.Stat(w.Runtime)
	if err != nil {
		return ""
	}
	key := fmt.Sprintf("%s %d %d", w.Runtime, st.Size(), st.ModTime().UnixNano())
	cache := filepath.Join(w.Store.Dir, "runtime-versions.json")
	versions := map[string]string{}
	if b, err := os.ReadFile(cache); err == nil {
		_ = json.Unmarshal(b, &versions)
	}
	if v, ok := versions[key]; ok {
		return v
	}
	out, err := ociruntime.Output(w.Runtime, "--version")
	if err != nil {
		return ""
	}
	first, _, _ := strings.Cut(string(out), "\n")
	v := strings.TrimSpace(first)
	if len(versions) > 16 {
		// Upgrades leave stale keys; a small cache is rebuilt rather than pruned.
		versions = map[string]string{}
	}
	versions[key] = v
	if b, err := json.Marshal(versions); err == nil && os.MkdirAll(w.Store.Dir, 0o700) == nil {
		_ = atomicfile.Write(cache, b, 0o600)
	}
	return v
}

// appliedRepair is the io.oshim.repair annotation the rewrite wrote, which also names
// changes outside the plan's lists (noNewPrivileges); fallback when it cannot be read.
func appliedRepair(o *spec.Object, fallback string) string {
	var repair string
	if found, err := o.Lookup(&repair, "annotations", report.AnnotationRepair); err != nil || !found {
		return fallback
	}
	return repair
}
