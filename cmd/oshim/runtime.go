package main

import (
	"fmt"
	"os"

	"github.com/oshim/oshim/internal/config"
	"github.com/oshim/oshim/internal/logging"
	"github.com/oshim/oshim/internal/ociruntime"
	"github.com/oshim/oshim/internal/runtimeargs"
	"github.com/oshim/oshim/internal/wrapper"
)

// runtimeMode handles a call made as if to crun or runc.
func runtimeMode(args []string) int {
	cwd, err := os.Getwd()
	if err != nil {
		return fail(fmt.Errorf("working directory: %w", err))
	}
	inv, err := runtimeargs.Parse(args, cwd)
	if err != nil {
		return fail(err)
	}
	if inv.Command == "" && (inv.Global.Help || len(args) == 0) {
		printUsage(os.Stdout)
		return 0
	}
	log, closeLog, err := logging.New(logging.Options{File: inv.Global.Log, Format: inv.Global.LogFormat, Level: inv.Global.LogLevel, Debug: inv.Global.Debug})
	if err != nil {
		return fail(err)
	}
	defer closeLog()
	cfg, err := config.Locate("").Load()
	if err != nil {
		log.Error(err)
		return 1
	}
	for _, w := range cfg.Warnings {
		log.Warn(w)
	}
	w, err := wrapper.New(args, inv, cfg, log)
	if err != nil {
		log.Error(err)
		return 1
	}
	w.Version = version
	if inv.Command == "" && inv.Global.Version {
		return printVersion(w.Runtime)
	}
	code, err := w.Run()
	if err != nil {
		log.Error(err)
	}
	return code
}

func printVersion(runtime string) int {
	fmt.Printf("oshim version %s\ncommit: %s\nruntime: %s\n", version, commit(), runtime)
	out, err := ociruntime.Output(runtime, "--version")
	os.Stdout.Write(out)
	if err != nil {
		return fail(err)
	}
	return 0
}
