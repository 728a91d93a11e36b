//go:build linux

package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"

	"github.com/oshim/oshim/internal/config"
	"github.com/oshim/oshim/internal/hook"
	"github.com/oshim/oshim/internal/host"
	"github.com/oshim/oshim/internal/metrics"
	"github.com/oshim/oshim/internal/ocsf"
	"github.com/oshim/oshim/internal/records"
)

func init() {
	register("hook", &command{
		usage:   "hook STAGE [--config FILE]",
		summary: "OCI hooks (oci-hooks(5)) for engines that keep their own runtime",
		help: `Runs as an OCI hook, from a hooks.d definition. Hooks get an empty environment, so
the admin config comes from --config (default: env OSHIM_CONFIG, else ` + config.DefaultPath + `).
Stages:
  precreate      Podman only. Reads the proposed config.json on stdin and prints it with
                 the container's contract applied, as runtime mode rewrites it at create.
                 A denied container gets oshim's createRuntime hook, which refuses it.
  createRuntime  Reads the container state on stdin, evaluates the contract against the
  prestart       bundle's config.json and records the skew. It cannot change the spec:
                 with on_skew = "deny" it fails, which stops the container before its
                 workload runs, with the reason on stderr.
  poststop       Removes what the other stages recorded for the container.
Exec sessions (podman exec, crictl exec) pass no hook: only runtime mode caps them.
("hook collect" is the result collector precreate starts; not for direct use.)`,
		run: runHook,
	})
}

func runHook(args []string) int {
	fs := newFlags("hook")
	configPath := fs.String("config", config.Path(), "the admin config file")
	stage, rest := "", args
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		stage, rest = args[0], args[1:]
	}
	if err := fs.Parse(rest); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	pos := fs.Args()
	if stage == "" && len(pos) > 0 {
		stage, pos = pos[0], pos[1:]
	}
	if stage != "collect" && len(pos) > 0 {
		return fail(fmt.Errorf("hook %s: unexpected argument %q", stage, pos[0]))
	}
	h, err := newHook(*configPath)
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
	default:
		fs.Usage()
		return 2
	}
	if err != nil {
		return fail(fmt.Errorf("hook %s: %w", stage, err))
	}
	return 0
}

func newHook(configPath string) (*hook.Hook, error) {
	cfg, err := config.Load(configPath)
	if err != nil {
		return nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find oshim's own path: %w", err)
	}
	facts := host.Detect()
	store, err := records.Open(facts.HookRunDir(cfg.RunDir))
	if err != nil {
		return nil, err
	}
	log := logrus.New()
	return &hook.Hook{
		Config: cfg, ConfigPath: configPath, Store: store, Self: self, Log: log,
		Report:  ocsf.Reporter{Sink: cfg.OCSFSink(facts.Rootful()), Product: ocsf.OshimProduct(version), Log: log},
		Metrics: metrics.Sink{Dir: store.Dir, Textfile: cfg.MetricsTextfile, Log: log},
	}, nil
}

// collect runs the collector with the FIFO precreate handed down as fd 3.
func collect(h *hook.Hook, args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("want the record's name")
	}
	// The fd arrives in blocking mode (exec.Cmd's ExtraFiles sets it so); the
	// collector's deadline needs it non-blocking.
	if err := unix.SetNonblock(3, true); err != nil {
		return fmt.Errorf("result fifo: %w", err)
	}
	return h.Collect(args[0], os.NewFile(3, "result fifo"), time.Now().Add(hook.CollectWait))
}
