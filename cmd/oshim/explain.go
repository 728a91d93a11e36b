package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/oshim/oshim/internal/config"
	"github.com/oshim/oshim/internal/explain"
	"github.com/oshim/oshim/internal/host"
)

// explainWontStart is explain's exit status when the container would not start.
const explainWontStart = 3

func explainCommand() *command {
	var o struct {
		bundle, config string
		asJSON         bool
	}
	return &command{
		name: "explain", args: "[FILE]",
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
		options: []option{
			stringOption(&o.bundle, "bundle", "DIR", "the bundle directory holding config.json"),
			stringOption(&o.config, "config", "FILE", "the admin config (default: env OSHIM_CONFIG, else "+config.DefaultPath+")"),
			boolOption(&o.asJSON, "json", "print the explanation as JSON"),
		},
		run: func(inv invocation) int {
			path := filepath.Join(o.bundle, "config.json")
			switch pos := inv.args; {
			case len(pos) > 1:
				return fail(fmt.Errorf("explain: one config.json at a time, got %q", pos))
			case len(pos) == 1 && o.bundle != "":
				return fail(errors.New("explain: give --bundle DIR or FILE, not both"))
			case len(pos) == 1:
				path = pos[0]
			}
			src := config.Locate(o.config)
			cfg, err := src.Load()
			if err != nil {
				return fail(err)
			}
			ex, err := explain.Explain(cfg, path, host.Detect().RunDir(cfg.RunDir))
			if err != nil {
				return fail(err)
			}
			if cfg.Path == "" {
				ex.Config = src.Path + " (absent: no contracts)"
			}
			ex.Warnings = append(cfg.Warnings, ex.Warnings...)
			if o.asJSON {
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
		},
	}
}
