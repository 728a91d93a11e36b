// Package wrapper is oshim's runtime mode: it takes one runc/crun call, applies the
// container's capability contract where the call starts a process, and hands the call
// to the real runtime.
package wrapper

import (
	"github.com/sirupsen/logrus"

	"github.com/oshim/oshim/internal/config"
	"github.com/oshim/oshim/internal/host"
	"github.com/oshim/oshim/internal/metrics"
	"github.com/oshim/oshim/internal/ociruntime"
	"github.com/oshim/oshim/internal/ocsf"
	"github.com/oshim/oshim/internal/records"
	"github.com/oshim/oshim/internal/runtimeargs"
)

// Wrapper handles one runtime call.
type Wrapper struct {
	// Args is the argv after the program name, forwarded unchanged unless oshim hands
	// the runtime a process file of its own.
	Args    []string
	Inv     *runtimeargs.Invocation
	Config  *config.Config
	Runtime ociruntime.Runtime
	// Dialect is whose argument rules Inv was parsed by.
	Dialect runtimeargs.Dialect
	Log     *logrus.Logger
	Store   records.Store
	Report  ocsf.Reporter
	Metrics metrics.Sink
}

// New builds a wrapper for one call; cfg is the loaded admin config, version oshim's.
func New(args []string, inv *runtimeargs.Invocation, d runtimeargs.Dialect, rt ociruntime.Runtime, cfg *config.Config, facts host.Facts, log *logrus.Logger, version string) (*Wrapper, error) {
	store, err := records.Open(facts.RunDir(cfg.RunDir))
	if err != nil {
		return nil, err
	}
	return &Wrapper{
		Args: args, Inv: inv, Dialect: d, Config: cfg, Runtime: rt, Log: log, Store: store,
		Report:  ocsf.Reporter{Sink: cfg.OCSFSink(facts.Rootful()), Product: ocsf.OshimProduct(version), Log: log},
		Metrics: metrics.Sink{Dir: store.Dir, Textfile: cfg.MetricsTextfile, Log: log},
	}, nil
}

// Run handles the call. It returns only on error, or with the exit status of a runtime
// it had to run as a child; otherwise the runtime has replaced the process.
func (w *Wrapper) Run() (int, error) {
	if w.Inv.Global.Help {
		// The runtime prints its help and does nothing else.
		return 1, w.Runtime.Exec(w.Args)
	}
	switch w.Inv.Command {
	case "create", "run":
		rec, err := w.admit()
		if err != nil {
			return 1, err
		}
		if rec == nil {
			w.mark()
		} else if rec.Init && w.Inv.Command == "run" {
			return w.startCollecting(rec)
		}
	case "start":
		rec, found, err := w.Store.Load(w.Inv.Global.Root, w.Inv.ID)
		if err != nil {
			return 1, err
		}
		if found && rec.Init && rec.Result == nil {
			return w.startCollecting(rec)
		}
	case "exec":
		return 1, w.exec()
	case "delete":
		return 1, w.delete()
	case "state":
		return w.state()
	}
	return 1, w.Runtime.Exec(w.Args)
}
