package hook

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"

	"github.com/oshim/oshim/internal/admit"
	"github.com/oshim/oshim/internal/initdir"
)

// CollectWait bounds how long hook mode's collector waits for the init's result. It
// starts at precreate, which podman runs right before it creates and starts the
// container; a container started later than that is reported without a result.
const CollectWait = time.Minute

// startCollector starts `oshim hook collect ID` detached, with the result FIFO of dir
// open as its fd 3. The FIFO is open before precreate returns, so the init, which does
// not wait for a reader, always finds one. The collector's stdio is /dev/null: podman
// reads a hook's stdout until every process holding it has closed it.
func (h *Hook) startCollector(id, dir string) error {
	fd, err := initdir.OpenResult(dir)
	if err != nil {
		return err
	}
	f := os.NewFile(uintptr(fd), "result fifo")
	defer f.Close()
	cmd := exec.Command(h.Self, "hook", "collect", "--config", h.ConfigPath, id)
	cmd.Args[0] = "oshim"
	cmd.ExtraFiles = []*os.File{f}
	// Its own session: a terminal's signals to podman must not end it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start the result collector: %w", err)
	}
	return cmd.Process.Release()
}

// Collect is the collector precreate starts: it waits until deadline (CollectWait from
// now, for `oshim hook collect`) for the init's result on the descriptor fifo, which it
// takes over, and stores it in record id. Once the init has reported, the host's copy
// of oshim-init is no longer needed and is removed, as in runtime mode; without a
// result it stays (the container may still be about to start) until poststop.
func (h *Hook) Collect(id string, fifo int, deadline time.Time) error {
	col, err := initdir.NewCollector(fifo)
	if err != nil {
		return err
	}
	res, readErr := col.Read(deadline, -1)
	rec, found, err := h.Store.Load(StoreRoot, id)
	if err != nil || !found {
		// Not found: poststop came first, and nothing is left to report to.
		return err
	}
	rec.Result = initdir.Measured(res, readErr)
	if err := h.Store.Save(rec); err != nil {
		return fmt.Errorf("record the init's result: %w", err)
	}
	admit.ReportResult(h.Report, h.Metrics, rec, rec.Result)
	dir, err := h.Store.InitDir(StoreRoot, id)
	if err != nil {
		return err
	}
	// A poststop between Load and Save removed the directory, and Save made it again
	// without the FIFO: remove it once more.
	if _, err := os.Lstat(initdir.ResultPath(dir)); errors.Is(err, os.ErrNotExist) {
		return h.Store.Remove(StoreRoot, id)
	}
	if readErr != nil {
		return nil
	}
	return initdir.DropCopy(dir)
}
