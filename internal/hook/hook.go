// Package hook is oshim's OCI hook mode (oci-hooks(5)), for engines that keep their own
// runtime. Podman's precreate stage gets the proposed config.json and returns it with
// the container's contract applied, like runtime mode's create; the standard stages
// (createRuntime, prestart) can no longer change the spec, so they only evaluate the
// contract, record the skew and, with on_skew = "deny", stop the container before its
// workload runs; poststop removes what the others recorded.
//
// Hooks run with an empty environment (podman passes none), so every setting comes
// from the admin config, whose path the hook's arguments may name.
package hook

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"

	"github.com/sirupsen/logrus"

	"github.com/oshim/oshim/internal/config"
	"github.com/oshim/oshim/internal/findings"
	"github.com/oshim/oshim/internal/report"
)

// StoreRoot is the runtime root hook mode keeps its records under, in the same run
// directory as runtime mode's. No runtime is ever called with it, so a hook's record
// never collides with a runtime-mode record of the same container, and the report
// store's pruning cannot ask a runtime about these containers.
const StoreRoot = "oci-hooks"

// AnnotationRecord names the record precreate made, in the config.json it returns: the
// container's id is not known yet at precreate, so the record is keyed by a random
// name, and poststop finds it through this annotation in the bundle's config.json.
const AnnotationRecord = "io.oshim.record"

// maxState bounds the container state a standard-stage hook reads from stdin; a real
// one is a few hundred bytes plus the annotations.
const maxState = 1 << 20

// Hook runs one hook stage.
type Hook struct {
	Config *config.Config
	// ConfigPath is the admin config's path, passed on to the hooks precreate adds.
	ConfigPath string
	Store      report.Store
	// Self is oshim's absolute path, for the hooks precreate adds to a spec.
	Self string
	// Version is oshim's version, for the OCSF events' metadata.product.
	Version string
	// Log gets warnings that must not fail the hook (an OCSF event not written).
	Log *logrus.Logger
	// Rootful is true for root of the initial user namespace; a rootless user's hooks
	// write OCSF events only to a file the config names.
	Rootful bool
}

// findings reports on a container to the config's OCSF sink: by its id from the
// standard stages, by its record's name from precreate, which runs before the
// container has an id.
func (h *Hook) findings(id, bundle string) findings.Reporter {
	return findings.Reporter{Sink: h.Config.OCSFSink(h.Rootful), Product: report.OshimProduct(h.Version), Log: h.Log, ContainerID: id, Bundle: bundle}
}

// readLimited reads all of r, refusing more than limit bytes.
func readLimited(r io.Reader, limit int64, what string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", what, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("read %s: more than %d bytes", what, limit)
	}
	return data, nil
}

// newRecordID names a precreate record: unguessable, so that no container can point
// its poststop at another container's record, and a valid container id for the store.
func newRecordID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("random record name: %w", err)
	}
	return "precreate-" + hex.EncodeToString(b[:]), nil
}
