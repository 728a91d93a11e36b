// Command restorespec stands between the runtime-tools validation programs and oshim
// when oshim injects its init, and puts the engine's config.json back once create has
// returned.
//
// The suite's bundles use the bundle directory itself as the container's root, and
// runtimetest, inside the container, reads /config.json to learn what to check. After
// oshim's rewrite that file is the spec oshim handed to the runtime (the init's argv,
// oshim's mount, its annotations), so runtimetest would compare the workload with the
// init's command line instead of the engine's. The runtime reads the spec at create and
// never again (runtime-spec: changes to config.json after create do not affect the
// container; the suite's config_updates_without_affect checks exactly that), so putting
// the engine's file back changes nothing the container runs with, and lets runtimetest
// check the workload against what the engine asked for: the init must be invisible.
//
// Usage: RESTORESPEC_RUNTIME=/path/to/oshim restorespec [runtime arguments...]
package main

import (
	"fmt"
	"os"

	"github.com/oshim/oshim/internal/atomicfile"
	"github.com/oshim/oshim/internal/ociruntime"
	"github.com/oshim/oshim/internal/runtimeargs"
)

func main() {
	os.Exit(run(os.Getenv("RESTORESPEC_RUNTIME"), os.Args[1:]))
}

func run(runtime string, args []string) int {
	if runtime == "" {
		fmt.Fprintln(os.Stderr, "restorespec: set RESTORESPEC_RUNTIME to the runtime (oshim) to call")
		return 2
	}
	cwd, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(os.Stderr, "restorespec: %v\n", err)
		return 2
	}
	rt := ociruntime.Runtime{Path: runtime}
	inv, err := runtimeargs.Parse(args, cwd, runtimeargs.Crun)
	if err != nil || inv.Command != "create" {
		// Not a create (or not one restorespec understands): the runtime decides.
		if err := rt.Exec(args); err != nil {
			fmt.Fprintf(os.Stderr, "restorespec: %v\n", err)
		}
		return 2
	}
	info, err := os.Stat(inv.ConfigFile)
	if err != nil {
		fmt.Fprintf(os.Stderr, "restorespec: %v\n", err)
		return 2
	}
	engine, err := os.ReadFile(inv.ConfigFile)
	if err != nil {
		fmt.Fprintf(os.Stderr, "restorespec: %v\n", err)
		return 2
	}
	code, err := rt.Run(args, ociruntime.Relay)
	if err != nil {
		fmt.Fprintf(os.Stderr, "restorespec: %v\n", err)
		return 2
	}
	if code == 0 {
		if err := atomicfile.Write(inv.ConfigFile, engine, info.Mode().Perm()); err != nil {
			fmt.Fprintf(os.Stderr, "restorespec: put back %s: %v\n", inv.ConfigFile, err)
			return 2
		}
	}
	return code
}
