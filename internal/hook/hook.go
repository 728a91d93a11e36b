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
	"encoding/hex"
	"fmt"
	"io"

	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"

	"github.com/oshim/oshim/internal/config"
	"github.com/oshim/oshim/internal/metrics"
	"github.com/oshim/oshim/internal/ocsf"
	"github.com/oshim/oshim/internal/records"
)

// StoreRoot is the runtime root hook mode keeps its records under, in the same run
// directory as runtime mode's. No runtime is ever called with it, so a hook's record
// never collides with a runtime-mode record of the same container, and the report
// store's pruning cannot ask a runtime about these containers.
const StoreRoot = "oci-hooks"

// maxState bounds the container state a standard-stage hook reads from stdin; a real
// one is a few hundred bytes plus the annotations.
const maxState = 1 << 20

// Hook runs one hook stage.
type Hook struct {
	Config *config.Config
	// ConfigPath is the admin config's path, passed on to the hooks precreate adds.
	ConfigPath string
	Store      records.Store
	// Self is oshim's absolute path, for the hooks precreate adds to a spec.
	Self string
	// InitBinary is the oshim-init copied into each container's init directory.
	InitBinary string
	// Log gets warnings that must not fail the hook (an OCSF event not written).
	Log *logrus.Logger
	// Report sends OCSF findings: about a container by its id from the standard
	// stages, by its record's name from precreate, which runs before the container has
	// an id.
	Report ocsf.Reporter
	// Metrics counts what the hooks did, per contract.
	Metrics metrics.Sink
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
	// getrandom(2), not crypto/rand: that package's math/big and DRBG would be
	// initialised by every runtime call oshim serves.
	n, err := unix.Getrandom(b[:], 0)
	if err != nil {
		return "", fmt.Errorf("random record name: %w", err)
	}
	if n != len(b) {
		return "", fmt.Errorf("random record name: getrandom gave %d of %d bytes", n, len(b))
	}
	return "precreate-" + hex.EncodeToString(b[:]), nil
}
