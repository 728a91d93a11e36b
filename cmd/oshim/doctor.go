//go:build linux

package main

import (
	"fmt"
	"os"

	"github.com/oshim/oshim/internal/config"
	"github.com/oshim/oshim/internal/doctor"
)

func doctorCommand() *command {
	var o struct {
		asJSON, noProbe    bool
		config, engineRoot string
	}
	o.engineRoot = "/"
	return &command{
		name:    "doctor",
		summary: "check that this host is ready: runtimes, config, kernel, engines, a probe container",
		help: `Checks the host, and says how to fix each problem it finds:
  - the real runtimes (crun, runc on PATH, and the one oshim resolves) and their versions;
  - the admin config: valid, and its warnings;
  - the kernel: cap_last_cap (against the contracts' required caps), the active LSMs
    (AppArmor, SELinux) and user-namespace support;
  - the engines with oshim registered: podman containers.conf(.d), containerd's
    config.toml (BinaryName) and its imports, and the config k3s, rke2 or k0s
    generates for its containerd, CRI-O's crio.conf(.d), Docker's daemon.json; a
    registered path that does not exist is a failure;
  - for each runtime found (as root), a throw-away container run through oshim with the
    in-container init (bounding = "clear"), so that a host that denies PR_CAPBSET_DROP
    shows up here before a real workload meets it.
Exit status 1 when something would break a contract or stop containers, else 0.`,
		options: []option{
			boolOption(&o.asJSON, "json", "print the checks as JSON"),
			stringOption(&o.config, "config", "FILE", "the admin config to check (default: env OSHIM_CONFIG, else "+config.DefaultPath+")"),
			boolOption(&o.noProbe, "no-probe", "do not run the probe containers"),
			stringOption(&o.engineRoot, "engine-root", "DIR", "read the engines' config files under this directory"),
		},
		run: func(inv invocation) int {
			if len(inv.args) > 0 {
				return fail(fmt.Errorf("doctor: unexpected argument %q", inv.args[0]))
			}
			self, err := os.Executable()
			if err != nil {
				return fail(fmt.Errorf("find oshim's own binary for the probe: %w", err))
			}
			r := doctor.Run(doctor.Options{Config: config.Locate(o.config), Self: self, Probe: !o.noProbe, EngineRoot: o.engineRoot})
			if o.asJSON {
				err = printJSON(r)
			} else {
				err = r.WriteText(os.Stdout)
			}
			if err != nil {
				return fail(err)
			}
			if r.Failed > 0 {
				return 1
			}
			return 0
		},
	}
}
