package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/oshim/oshim/internal/metrics"

	"github.com/oshim/oshim/internal/config"
	"github.com/oshim/oshim/internal/host"
	"github.com/oshim/oshim/internal/records"
)

func reportCommand() *command {
	var asJSON, prometheus bool
	var root optionalString
	return &command{
		name: "report", args: "[ID]",
		summary: "what oshim found, changed and measured per contracted container",
		help: `Without ID, lists the contracted containers oshim keeps records of (in the config's
run_dir), oldest first, one line each: ID, POD (namespace/name, when the engine passed
it), CONTRACT, SKEW (what the spec withheld), REPAIR (short: +CAPS granted, "bnd
cleared", "nnp") and RESULT (what oshim's init measured inside the container: ok,
denied: STEP, failed: STEP, reported: STEP, pending, ...).
With ID, prints that container's whole record: the spec's capability lists before and
after the rewrite, the main process's lists, and the five sets the init measured.
--json prints the complete records. Records stay until the container is deleted through
oshim, or are pruned once their container is gone and max_records is reached.
--prometheus prints oshim's per-contract counters (containers matched, skews, repairs,
denials, init failures, probe denials, exec sessions capped) in Prometheus' text format;
metrics_textfile in the admin config writes the same for node-exporter.`,
		options: []option{
			{name: "root", arg: "DIR", help: "only containers of this runtime root (the runtime's --root)", value: &root, complete: "dir"},
			boolOption(&asJSON, "json", "print complete records as JSON"),
			boolOption(&prometheus, "prometheus", "print the per-contract counters in Prometheus' text format"),
		},
		run: func(inv invocation) int {
			if len(inv.args) > 1 {
				return fail(fmt.Errorf("report: one container id at a time, got %q", inv.args))
			}
			cfg, err := config.Locate("").Load()
			if err != nil {
				return fail(err)
			}
			store := records.Store{Dir: host.Detect().RunDir(cfg.RunDir)}
			if prometheus {
				return reportMetrics(store.Dir)
			}
			entries, err := store.List()
			if err != nil {
				return fail(err)
			}
			entries = filterEntries(entries, root)
			if len(inv.args) == 1 {
				return reportOne(store, entries, inv.args[0], asJSON)
			}
			return reportAll(store, entries, asJSON)
		},
	}
}

// filterEntries keeps the entries of the runtime root, when one is given, and drops
// directories without a record: they belong to a create in progress or to one that
// failed, and hold nothing to records.
func filterEntries(entries []records.Entry, root optionalString) []records.Entry {
	var out []records.Entry
	for _, e := range entries {
		if errors.Is(e.Err, fs.ErrNotExist) {
			continue
		}
		if root.set && e.Key != records.RootKey(root.value) {
			continue
		}
		out = append(out, e)
	}
	return out
}

func reportAll(store records.Store, entries []records.Entry, asJSON bool) int {
	if asJSON {
		records := []*records.Container{}
		for _, e := range entries {
			if e.Record == nil {
				fmt.Fprintf(os.Stderr, "oshim: container %s: %v\n", e.ID, e.Err)
				continue
			}
			records = append(records, e.Record)
		}
		if err := printJSON(records); err != nil {
			return fail(err)
		}
		return 0
	}
	if len(entries) == 0 {
		fmt.Printf("no contracted containers recorded in %s\n", store.Dir)
		return 0
	}
	if err := records.WriteTable(os.Stdout, entries); err != nil {
		return fail(err)
	}
	return 0
}

func reportOne(store records.Store, entries []records.Entry, id string, asJSON bool) int {
	var found []records.Entry
	for _, e := range entries {
		if e.ID == id {
			found = append(found, e)
		}
	}
	switch {
	case len(found) == 0:
		return fail(fmt.Errorf("no record of container %q in %s: no contract applied to it, or it was deleted", id, store.Dir))
	case len(found) > 1:
		var roots []string
		for _, e := range found {
			if e.Record != nil {
				roots = append(roots, e.Record.Root)
			}
		}
		return fail(fmt.Errorf("container %q exists in several runtime roots (%s): give --root", id, strings.Join(roots, ", ")))
	}
	e := found[0]
	if e.Record == nil {
		return fail(fmt.Errorf("container %s: %w", id, e.Err))
	}
	var err error
	if asJSON {
		err = printJSON(e.Record)
	} else {
		err = records.WriteText(os.Stdout, e.Record)
	}
	if err != nil {
		return fail(err)
	}
	return 0
}

// optionalString is a flag value that knows whether it was given: --root "" names the
// runtime's default root, which is not the same as no --root.
type optionalString struct {
	value string
	set   bool
}

func (o *optionalString) String() string { return o.value }

func (o *optionalString) Set(v string) error {
	o.value, o.set = filepath.Clean(v), true
	if v == "" {
		o.value = ""
	}
	return nil
}

// reportMetrics prints the counters of run directory dir.
func reportMetrics(dir string) int {
	c, err := metrics.Read(dir)
	if err != nil {
		return fail(err)
	}
	if err := c.WritePrometheus(os.Stdout); err != nil {
		return fail(err)
	}
	return 0
}
