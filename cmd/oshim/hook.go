package main

import (
	"fmt"
	"os"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/oshim/oshim/internal/config"
	"github.com/oshim/oshim/internal/hook"
	"github.com/oshim/oshim/internal/host"
	"github.com/oshim/oshim/internal/initdir"
	"github.com/oshim/oshim/internal/metrics"
	"github.com/oshim/oshim/internal/ocsf"
	"github.com/oshim/oshim/internal/records"
)

func hookCommand() *command {
	var configPath string
	return &command{
		name:    "hook",
		summary: "OCI hooks (oci-hooks(5)) for engines that keep their own runtime",
		help: `Runs as an OCI hook, from a hooks.d definition. Hooks get an empty environment, so
the admin config comes from --config (default: env OSHIM_CONFIG, else ` + config.DefaultPath + `).
Exec sessions (podman exec, crictl exec) pass no hook: only runtime mode caps them.`,
		options: []option{
			stringOption(&configPath, "config", "FILE", "the admin config file"),
		},
		variantName: "STAGE",
		variants: []variant{
			{name: "precreate", summary: `Podman only. Reads the proposed config.json on stdin and prints it with the container's contract applied, as runtime mode rewrites it at create. A denied container gets oshim's createRuntime hook, which refuses it.`},
			{name: "createRuntime", summary: `Reads the container state on stdin, evaluates the contract against the bundle's config.json and records the skew. It cannot change the spec: with on_skew = "deny" it fails, which stops the container before its workload runs, with the reason on stderr.`},
			{name: "prestart", summary: "The same as createRuntime, at the prestart stage."},
			{name: "poststop", summary: "Removes what the other stages recorded for the container."},
			// The result collector precreate starts, with the FIFO as fd 3.
			{name: "collect", hidden: true},
		},
		run: func(inv invocation) int { return runHook(inv.variant.name, inv.args, configPath) },
	}
}

func runHook(stage string, pos []string, configPath string) int {
	if stage != "collect" && len(pos) > 0 {
		return fail(fmt.Errorf("hook %s: unexpected argument %q", stage, pos[0]))
	}
	h, err := newHook(config.Locate(configPath))
	if err != nil {
		return fail(fmt.Errorf("hook %s: %w", stage, err))
	}
	switch stage {
	case "precreate":
		err = h.Precreate(os.Stdin, os.Stdout)
	case "createRuntime", "prestart":
		err = h.Detect(os.Stdin)
	case "poststop":
		err = h.Poststop(os.Stdin)
	case "collect":
		err = collect(h, pos)
	}
	if err != nil {
		return fail(fmt.Errorf("hook %s: %w", stage, err))
	}
	return 0
}

func newHook(src config.Source) (*hook.Hook, error) {
	cfg, err := src.Load()
	if err != nil {
		return nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find oshim's own path: %w", err)
	}
	init, err := initdir.Source()
	if err != nil {
		return nil, err
	}
	facts := host.Detect()
	store, err := records.Open(facts.HookRunDir(cfg.RunDir))
	if err != nil {
		return nil, err
	}
	log := logrus.New()
	return &hook.Hook{
		Config: cfg, ConfigPath: src.Path, Store: store, Self: self, InitBinary: init, Log: log,
		Report:  ocsf.Reporter{Sink: cfg.OCSFSink(facts.Rootful()), Product: ocsf.OshimProduct(version), Log: log},
		Metrics: metrics.Sink{Dir: store.Dir, Textfile: cfg.MetricsTextfile, Log: log},
	}, nil
}

// collect runs the collector with the FIFO precreate handed down as fd 3.
func collect(h *hook.Hook, args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("want the record's name")
	}
	return h.Collect(args[0], 3, time.Now().Add(hook.CollectWait))
}
