//go:build linux

package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/oshim/oshim/internal/config"
	"github.com/oshim/oshim/internal/explain"
	"github.com/oshim/oshim/internal/host"
)

// explainWontStart is explain's exit status when the container would not start.
const explainWontStart = 3

func init() {
	register("explain", &command{
		usage:   "explain [--bundle DIR | FILE] [--config FILE] [--json]",
		summary: "dry run: which contract applies to a config.json, the rewrite, the resulting caps",
		help: `Reads a bundle's config.json (FILE, or DIR/config.json with --bundle, default
./config.json) and the admin config, and prints what oshim's create would do: which
contract applies and why (or why none does), the skew, the planned rewrite (caps granted
per list, caps lent to the init, the init's arguments and mount, noNewPrivileges), and
the capability sets the workload will start with, for the spec's user (root or not):
the runtime applies the spec's lists and execs the first process, the init (if any)
moves to its target and execs the workload, each execve by the kernel's rules.
No file is changed. Use --config to check a contract before rolling it out.

Exit status: 0 the container would start, 3 it would not (refused by the contract or
its annotations, or stopped by the init's checks), 1 the files could not be read.`,
		run: runExplain,
	})
}

func runExplain(args []string) int {
	fs := newFlags("explain")
	bundle := fs.String("bundle", "", "the bundle directory holding config.json")
	cfgPath := fs.String("config", config.Path(), "the admin config (default: env OSHIM_CONFIG, else "+config.DefaultPath+")")
	asJSON := fs.Bool("json", false, "print the explanation as JSON")
	pos, err := parseMixed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	path := filepath.Join(*bundle, "config.json")
	switch {
	case len(pos) > 1:
		return fail(fmt.Errorf("explain: one config.json at a time, got %q", pos))
	case len(pos) == 1 && *bundle != "":
		return fail(errors.New("explain: give --bundle DIR or FILE, not both"))
	case len(pos) == 1:
		path = pos[0]
	}
	cfg, err := config.Load(*cfgPath)
	if err != nil {
		return fail(err)
	}
	ex, err := explain.Explain(cfg, path, host.Detect().RunDir(cfg.RunDir))
	if err != nil {
		return fail(err)
	}
	if cfg.Path == "" {
		ex.Config = *cfgPath + " (absent: no contracts)"
	}
	ex.Warnings = append(cfg.Warnings, ex.Warnings...)
	if *asJSON {
		err = printJSON(ex)
	} else {
		err = ex.WriteText(os.Stdout)
	}
	if err != nil {
		return fail(err)
	}
	if ex.Refused != "" || ex.Caps.InitRefuses != "" {
		return explainWontStart
	}
	return 0
}
