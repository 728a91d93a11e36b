package wrapper

import (
	"errors"
	"fmt"
	"time"

	"github.com/oshim/oshim/internal/admit"
	"github.com/oshim/oshim/internal/initdir"
	"github.com/oshim/oshim/internal/ociruntime"
	"github.com/oshim/oshim/internal/records"
	"golang.org/x/sys/unix"
)

// resultWait bounds how long the call that starts a container waits for its init's
// report. The init reports within milliseconds; the bound is for a node so loaded that
// it takes seconds, where a container whose loan is unproven is killed: too short a
// wait would kill healthy containers there.
const resultWait = 15 * time.Second

// startCollecting runs the call that starts a container's init (start, or run) with
// the runtime as a child, and stores the result the init reports. The engine sees the
// call end only after the report arrived, so nothing can exec into the container
// before it. A container whose contract lent its init a capability must hold oshim's
// own init's word that the loan is gone: without an ok report the container is killed
// and the call fails, whatever ran in the init's place. Only a run that lasts as long
// as its container passes the engine's stop signals on to the runtime; a start ignores
// them and finishes, and one that the engine kills with SIGKILL takes the runtime's
// start with it.
func (w *Wrapper) startCollecting(rec *records.Container) (int, error) {
	dir, err := w.Store.InitDir(rec.Root, rec.ID)
	if err != nil {
		return 1, err
	}
	col, err := initdir.OpenCollector(dir)
	if err != nil {
		return 1, err
	}
	if w.Inv.Command == "run" && !w.Inv.Detach {
		return w.runCollecting(rec, col)
	}
	// A start ends once the container's process has started: the report is read after
	// it, in this goroutine, as the FIFO holds it until then.
	code, err := w.Runtime.Run(w.Args, ociruntime.Finish)
	if err != nil {
		return code, err
	}
	deadline, exited := time.Now().Add(resultWait), -1
	if code != 0 {
		// The container never started: whatever the init sent is already there.
		deadline = time.Now()
	} else if rec.PidFile != "" {
		// The wait also ends with the container's first process, which runs the init:
		// that covers an init that never started (its execve denied by a seccomp
		// profile or an LSM) and one that died before its first system call, neither
		// of which opens the FIFO. Without a pid file (or pidfd_open) only a report,
		// the FIFO's end or the deadline end it. A pid reused since can only end the
		// wait at another process's exit, after the container's has ended and
		// everything its init sent is in the FIFO.
		fd, err := ociruntime.PidfdOf(rec.PidFile)
		switch {
		case err == nil:
			exited = fd
			defer unix.Close(fd)
		case errors.Is(err, unix.ESRCH):
			deadline = time.Now()
		default:
			w.Log.WithError(err).Debug("cannot watch the container's first process")
		}
	}
	if err := w.collect(rec, col, deadline, exited); err != nil && code == 0 {
		return 1, err
	}
	return code, nil
}

// runCollecting is startCollecting for a run that returns only when the container
// exits: the report is read while the runtime runs, and the container stopped as soon
// as the report is missing or bad. One goroutine waits for both the report and the
// runtime's exit (a container that never starts sends none), in one poll(2): a second
// goroutine to read the report would cost the call a thread, and the hand-over of its
// verdict, for nothing.
func (w *Wrapper) runCollecting(rec *records.Container, col *initdir.Collector) (int, error) {
	child, err := w.Runtime.Start(w.Args, ociruntime.Relay)
	if err != nil {
		// Nothing started, so nothing will report: record that.
		_ = w.collect(rec, col, time.Now(), -1)
		return -1, err
	}
	verdict := w.collect(rec, col, time.Now().Add(resultWait), child.Exited())
	code, err := child.Wait()
	if err != nil {
		return code, err
	}
	if verdict != nil && code == 0 {
		return 1, verdict
	}
	return code, nil
}

// collect waits until deadline, or until exited (when not -1) polls readable, for the
// init's report and records it. For a container that holds a lent capability it kills
// the container unless the report says ok, and returns why.
func (w *Wrapper) collect(rec *records.Container, col *initdir.Collector, deadline time.Time, exited int) error {
	res, readErr := col.Read(deadline, exited)
	m := initdir.Measured(res, readErr)
	switch {
	case readErr != nil:
		w.Log.WithField("id", rec.ID).Warn(m.Summary)
	case !res.OK && res.ReportOnly:
		w.Log.WithField("id", rec.ID).Warnf("oshim-init found the capability state differs from the contract (reported, not enforced): %s: %s", res.Step, res.Message)
	case !res.OK:
		w.Log.WithField("id", rec.ID).Errorf("oshim-init refused to start the workload: %s: %s", res.Step, res.Message)
	}
	rec.Result = m
	if err := w.Store.Save(rec); err != nil {
		w.Log.WithError(err).Warn("could not store the init's result")
	}
	admit.ReportResult(w.Report, w.Metrics, rec, m)
	w.dropInitCopy(rec)
	if !rec.Lent || m.OK {
		return nil
	}
	kill := append(append([]string{}, w.Inv.GlobalArgs...), "kill", rec.ID, "KILL")
	if _, err := w.Runtime.Output(kill...); err != nil {
		w.Log.WithError(err).Warn("could not kill the container")
	}
	return fmt.Errorf("container %s: oshim's init did not report that the capabilities lent to it were dropped (%s): the container was killed", rec.ID, m.Summary)
}

// dropInitCopy removes the container's copy of the init once it has run.
func (w *Wrapper) dropInitCopy(rec *records.Container) {
	dir, err := w.Store.InitDir(rec.Root, rec.ID)
	if err != nil {
		return
	}
	if err := initdir.DropCopy(dir); err != nil {
		w.Log.WithError(err).Warn("could not remove the container's init copy")
	}
}
