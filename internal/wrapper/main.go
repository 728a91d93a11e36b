package wrapper

import (
	"fmt"
	"io"
	"os"

	"github.com/oshim/oshim/internal/config"
	"github.com/oshim/oshim/internal/host"
	"github.com/oshim/oshim/internal/logging"
	"github.com/oshim/oshim/internal/ociruntime"
	"github.com/oshim/oshim/internal/runtimeargs"
)

// Main handles a call made as if to crun or runc (args without the program name) and
// returns the exit status, unless the runtime replaced the process. usage prints
// oshim's own help, for a call with no subcommand; version and commit are oshim's
// (commit is asked for only by --version: reading the build info costs every call).
func Main(args []string, version string, commit func() string, usage func(io.Writer)) int {
	// The arguments are read by the rules of the runtime that will get them, which the
	// config names; a broken config is reported where the engine reads errors, so the
	// log options are parsed first either way. The contracts are decoded only by the
	// calls that apply them.
	cfg, cfgErr := config.Locate("").LoadSettings()
	var rt ociruntime.Runtime
	if cfgErr == nil {
		rt, cfgErr = ociruntime.Resolve(cfg.Runtime)
	}
	dialect := runtimeargs.DialectOf(rt.Path)
	inv, err := runtimeargs.Parse(args, "", dialect)
	if err != nil {
		return fail(err)
	}
	if inv.Command == "" && (inv.Global.Help || len(args) == 0) {
		usage(os.Stdout)
		return 0
	}
	log, closeLog, err := logging.New(logging.Options{File: inv.Global.Log, Format: inv.Global.LogFormat, Level: inv.Global.LogLevel, Debug: inv.Global.Debug})
	if err != nil {
		return fail(err)
	}
	defer closeLog()
	if cfgErr != nil {
		log.Error(cfgErr)
		return 1
	}
	if inv.Command == "" && inv.Global.Version {
		return printVersion(rt, version, commit())
	}
	w, err := New(args, inv, dialect, rt, cfg, host.Detect(), log, version)
	if err != nil {
		log.Error(err)
		return 1
	}
	code, err := w.Run()
	if err != nil {
		log.Error(err)
	}
	return code
}

// printVersion prints oshim's version, then the runtime's.
func printVersion(rt ociruntime.Runtime, version, commit string) int {
	fmt.Printf("oshim version %s\ncommit: %s\nruntime: %s\n", version, commit, rt.Path)
	out, err := rt.Output("--version")
	os.Stdout.Write(out)
	if err != nil {
		return fail(err)
	}
	return 0
}

// fail reports an error before a logger exists.
func fail(err error) int {
	fmt.Fprintf(os.Stderr, "oshim: %v\n", err)
	return 1
}
