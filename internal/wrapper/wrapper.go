// Package wrapper is oshim's runtime mode: it takes one runc/crun call, applies the
// container's capability contract where the call starts a process, and hands the call
// to the real runtime.
package wrapper

import (
	"os"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/oshim/oshim/internal/config"
	"github.com/oshim/oshim/internal/ociruntime"
	"github.com/oshim/oshim/internal/report"
	"github.com/oshim/oshim/internal/runtimeargs"
)

// Wrapper handles one runtime call.
type Wrapper struct {
	// Args is the argv after the program name, forwarded unchanged.
	Args    []string
	Inv     *runtimeargs.Invocation
	Config  *config.Config
	Runtime string
	Log     *logrus.Logger
	Store   report.Store
	// Version is oshim's version, for the OCSF events' metadata.product.
	Version string

	// initInjected is set by the rewrite when the container's first process is the init.
	initInjected bool
	// rootful: oshim runs as root of the initial user namespace (see Rootful).
	rootful bool
}

// New builds a wrapper for one call; cfg is the loaded admin config.
func New(args []string, inv *runtimeargs.Invocation, cfg *config.Config, log *logrus.Logger) (*Wrapper, error) {
	rt, err := ociruntime.Resolve(cfg.Runtime)
	if err != nil {
		return nil, err
	}
	// One read of uid_map serves the run directory and the OCSF sink.
	uid := outerUID("/proc/self/uid_map", os.Geteuid())
	return &Wrapper{
		Args: args, Inv: inv, Config: cfg, Runtime: rt, Log: log,
		Store: report.Store{Dir: runDir(cfg, uid, os.Getenv("XDG_RUNTIME_DIR"))}, rootful: uid == 0,
	}, nil
}

// Run handles the call. It returns only on error, or with the exit status of a runtime
// it had to run as a child; otherwise the runtime has replaced the process.
func (w *Wrapper) Run() (int, error) {
	switch w.Inv.Command {
	case "create":
		if err := w.rewriteConfig(); err != nil {
			return 1, err
		}
	case "run":
		if err := w.rewriteConfig(); err != nil {
			return 1, err
		}
		if w.initInjected {
			return w.runCollecting()
		}
	case "start":
		if rec, found, err := w.Store.Load(w.Inv.Global.Root, w.Inv.ID); err == nil && found && rec.Init && !w.Inv.Global.Help {
			return w.runCollecting()
		}
	case "exec":
		if err := w.rewriteExec(); err != nil {
			return 1, err
		}
	case "delete":
		return w.delete()
	case "state":
		return w.state()
	}
	return 1, execRuntime(w)
}

func execRuntime(w *Wrapper) error { return ociruntime.Exec(w.Runtime, w.Args) }

// runCollecting runs the runtime as a child for a call that starts a container's init
// (start, or run), and stores the result the init reports. The engine sees the call end
// only after the report arrived, so nothing can exec into the container before it.
func (w *Wrapper) runCollecting() (int, error) {
	col, err := w.openCollector()
	if err != nil {
		return 1, err
	}
	results := make(chan func(), 1)
	// run does not return before the container exits: read concurrently.
	go func() {
		res, err := col.Read(time.Now().Add(resultWait))
		results <- func() { w.recordResult(res, err) }
	}()
	code, err := ociruntime.Run(w.Runtime, w.Args)
	if err != nil {
		return code, err
	}
	if w.Inv.Command == "run" || code != 0 {
		// The container has exited, or never started: whatever the init sent is
		// already in the pipe, and nothing more will arrive.
		col.StopWaiting()
	}
	(<-results)()
	w.dropInitCopy()
	return code, nil
}
