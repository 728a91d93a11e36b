package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/oshim/oshim/internal/config"
	"github.com/oshim/oshim/internal/records"
	"github.com/oshim/oshim/internal/rewrite"
	"github.com/oshim/oshim/internal/spec"
)

// rewriteSteps times, in this process, the steps a create with the clear contract
// takes before it execs the runtime, on the scratch directory's filesystem and on a
// tmpfs (where fsync costs nothing). It also returns the init's argv as the rewrite
// injects it, made runnable on the host.
func rewriteSteps(ws *workspace, tmpfs string, n int) ([]Item, []string, error) {
	template := ws.Runtimes[0].Template
	disk := filepath.Join(ws.Dir, "steps")
	if err := os.MkdirAll(disk, 0o755); err != nil {
		return nil, nil, fmt.Errorf("create %s: %w", disk, err)
	}
	defer os.RemoveAll(disk)
	diskFS, tmpFS := fsName(disk), fsName(tmpfs)
	var items []Item
	add := func(name string, setup, fn func() error) error {
		s, err := timeIt(n, setup, fn)
		if err != nil {
			return fmt.Errorf("breakdown %s: %w", name, err)
		}
		items = append(items, Item{Name: name, Summary: s})
		return nil
	}
	var cfg *config.Config
	if err := add("config.Load (clear contract)", nil, func() (err error) {
		cfg, err = config.Load(ws.Configs["clear"])
		return err
	}); err != nil {
		return nil, nil, err
	}
	path := filepath.Join(disk, "config.json")
	var f *spec.File
	writeTemplate := func() error { return os.WriteFile(path, template, 0o644) }
	if err := add("spec.Load + select + plan + Apply (no write)", writeTemplate, func() (err error) {
		f, err = patch(cfg, path, "/dev/.oshim-source")
		return err
	}); err != nil {
		return nil, nil, err
	}
	var args []string
	if _, err := f.Object.Lookup(&args, "process", "args"); err != nil {
		return nil, nil, fmt.Errorf("read the rewritten args: %w", err)
	}
	initArgs, err := hostInitArgs(ws.Init, args)
	if err != nil {
		return nil, nil, err
	}
	for _, dir := range []struct{ path, fs string }{{disk, diskFS}, {tmpfs, tmpFS}} {
		var file *spec.File
		load := func() (err error) {
			p := filepath.Join(dir.path, "config.json")
			if err := freshConfig(p, template); err != nil {
				return err
			}
			file, err = spec.Load(p)
			return err
		}
		if err := add("config.json Save (atomic, no fsync) on "+dir.fs, load, func() error { return file.Save() }); err != nil {
			return nil, nil, err
		}
		store := records.Store{Dir: filepath.Join(dir.path, "run")}
		rec := &records.Container{ID: "steps", Contract: "bench-clear", Created: time.Now()}
		if err := add("record Save (atomic, no fsync) on "+dir.fs, nil, func() error { return store.Save(rec) }); err != nil {
			return nil, nil, err
		}
		copyPath := filepath.Join(dir.path, "init-copy")
		removeCopy := func() error {
			if err := os.Remove(copyPath); err != nil && !os.IsNotExist(err) {
				return err
			}
			return nil
		}
		name := fmt.Sprintf("copy of oshim-init (%.1f kB) on %s", float64(fileSize(ws.Init))/1e3, dir.fs)
		if err := add(name, removeCopy, func() error { return copyBinary(ws.Init, copyPath) }); err != nil {
			return nil, nil, err
		}
	}
	return items, initArgs, nil
}

// patch is the rewrite of wrapper.rewriteConfig without its writes.
func patch(cfg *config.Config, path, initDir string) (*spec.File, error) {
	f, err := spec.Load(path)
	if err != nil {
		return nil, err
	}
	proc, err := spec.ReadProcess(f.Object, "process")
	if err != nil {
		return nil, err
	}
	var annotations map[string]string
	if _, err := f.Object.Lookup(&annotations, "annotations"); err != nil {
		return nil, err
	}
	c, err := cfg.Set.Select(proc.Args[0], annotations)
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, fmt.Errorf("the contract does not match %s", proc.Args[0])
	}
	pl := rewrite.NewPlan(c, proc)
	if _, err := rewrite.Apply(f.Object, pl, proc.Args, rewrite.Target{InitSource: initDir}); err != nil {
		return nil, err
	}
	return f, nil
}

// copyBinary copies like initdir's copyInit: a new file, io.Copy, close.
func copyBinary(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o555)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}
