// Package metrics counts, per contract, what oshim did on a node, for Prometheus. oshim
// is a short-lived process per runtime call, so the counters live in the run directory
// (metrics.json, updated under a lock by every call that counts something) and are
// exported the way node-level tools are: `oshim report --prometheus`, and optionally a
// node-exporter textfile rewritten atomically after each update. The counters start
// again from zero when the run directory does (a reboot), which Prometheus reads as a
// counter reset.
package metrics

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/oshim/oshim/internal/atomicfile"
	"github.com/oshim/oshim/internal/jsonread"
	"github.com/oshim/oshim/internal/jsonwrite"
	"github.com/oshim/oshim/internal/smallfile"
)

// Event is one thing oshim counts.
type Event string

const (
	// Matched: a contract applied to a container.
	Matched Event = "containers_matched"
	// Skew: the spec withheld a capability the contract requires.
	Skew Event = "skews"
	// Repair: the rewrite granted missing capabilities.
	Repair Event = "repairs"
	// Denial: a deny contract refused a container.
	Denial Event = "denials"
	// InitFailure: oshim's init stopped a container before its workload.
	InitFailure Event = "init_failures"
	// ProbeDenial: a seccomp filter or an LSM refused PR_CAPBSET_DROP although
	// CAP_SETPCAP was effective.
	ProbeDenial Event = "probe_denials"
	// ExecCapped: an exec session was capped to the main process.
	ExecCapped Event = "exec_sessions_capped"
)

// help is each counter's HELP line, in the order they are printed.
var help = []struct {
	event Event
	text  string
}{
	{Matched, "Containers a contract applied to."},
	{Skew, "Containers whose spec withheld a capability the contract requires."},
	{Repair, "Containers whose spec oshim repaired by granting the missing capabilities."},
	{Denial, "Containers a deny contract refused."},
	{InitFailure, "Containers oshim's init stopped before their workload."},
	{ProbeDenial, "Inits whose PR_CAPBSET_DROP a seccomp filter or an LSM refused although CAP_SETPCAP was effective."},
	{ExecCapped, "Exec sessions capped to what the container's main process holds."},
}

// Counters are the totals by contract, then by event.
type Counters map[string]map[Event]uint64

const (
	file     = "metrics.json"
	lockFile = "metrics.lock"
	// maxFile bounds what Read reads: a few hundred bytes a contract.
	maxFile = 4 << 20
)

// Add counts events for contract in run directory dir, and rewrites textfile (when not
// "") with every counter. The update is serialized with every other oshim process.
func Add(dir, textfile, contract string, events ...Event) error {
	if len(events) == 0 {
		return nil
	}
	lockPath := filepath.Join(dir, lockFile)
	lock, err := unix.Open(lockPath, unix.O_CREAT|unix.O_RDWR|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return fmt.Errorf("metrics lock: %w", &fs.PathError{Op: "open", Path: lockPath, Err: err})
	}
	defer unix.Close(lock)
	if err := smallfile.Lock(lock); err != nil {
		return fmt.Errorf("metrics lock: %w", &fs.PathError{Op: "flock", Path: lockPath, Err: err})
	}
	c, err := Read(dir)
	if err != nil {
		return err
	}
	if c[contract] == nil {
		c[contract] = map[Event]uint64{}
	}
	for _, e := range events {
		c[contract][e]++
	}
	b, err := c.MarshalJSON()
	if err != nil {
		return fmt.Errorf("encode metrics: %w", err)
	}
	if err := atomicfile.Write(filepath.Join(dir, file), b, 0o600, atomicfile.Volatile()); err != nil {
		return err
	}
	if textfile == "" {
		return nil
	}
	var text strings.Builder
	if err := c.WritePrometheus(&text); err != nil {
		return err
	}
	// node-exporter's textfile collector reads the file as it is: only a rename makes
	// it see whole files.
	return atomicfile.Write(textfile, []byte(text.String()), 0o644)
}

// MarshalJSON writes the counters as encoding/json writes the map, without building its
// encoder by reflection in every call that counts.
func (c Counters) MarshalJSON() ([]byte, error) {
	w := jsonwrite.New(256)
	w.Open()
	for _, contract := range slices.Sorted(maps.Keys(c)) {
		w.Key(contract)
		w.Open()
		for _, e := range slices.Sorted(maps.Keys(c[contract])) {
			w.Uint(string(e), c[contract][e])
		}
		w.Close()
	}
	w.Close()
	return w.Bytes()
}

// Read returns the counters of run directory dir; none yet is no error.
func Read(dir string) (Counters, error) {
	b, _, err := smallfile.Read(filepath.Join(dir, file), maxFile)
	if errors.Is(err, fs.ErrNotExist) {
		return Counters{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read metrics: %w", err)
	}
	c, err := decode(b)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", filepath.Join(dir, file), err)
	}
	return c, nil
}

// decode reads the counters as encoding/json reads them into Counters, without building
// its decoder by reflection in every call that counts. The file is oshim's own,
// written by MarshalJSON.
func decode(b []byte) (Counters, error) {
	c := Counters{}
	r := jsonread.New(b)
	r.Object(func(contract string) {
		events := map[Event]uint64{}
		r.Object(func(e string) { events[Event(e)] = r.Uint(64) })
		c[contract] = events
	})
	return c, r.Err()
}

// WritePrometheus prints the counters in Prometheus' text format, one counter family
// per event with a contract label, every contract in each family.
func (c Counters) WritePrometheus(w io.Writer) error {
	contracts := make([]string, 0, len(c))
	for k := range c {
		contracts = append(contracts, k)
	}
	sort.Strings(contracts)
	var b strings.Builder
	for _, h := range help {
		name := "oshim_" + string(h.event) + "_total"
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s counter\n", name, h.text, name)
		for _, k := range contracts {
			fmt.Fprintf(&b, "%s{contract=%q} %d\n", name, k, c[k][h.event])
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Sink is where one oshim process counts: the run directory and the optional textfile.
// Its zero value counts nothing.
type Sink struct {
	Dir, Textfile string
	// Log gets a warning when a count cannot be written: a container never fails
	// because a counter could not be updated.
	Log interface{ Warnf(string, ...any) }
}

// Add counts events for contract.
func (s Sink) Add(contract string, events ...Event) {
	if s.Dir == "" {
		return
	}
	if err := Add(s.Dir, s.Textfile, contract, events...); err != nil && s.Log != nil {
		s.Log.Warnf("could not count %v: %v", events, err)
	}
}
