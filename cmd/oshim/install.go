package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/oshim/oshim/internal/config"
	"github.com/oshim/oshim/internal/install"
)

func init() {
	register("install", &command{
		usage:   "install podman|containerd|crio [--dry-run] [options]",
		summary: "register oshim with a container engine (--dry-run prints the files first)",
		help: `Writes the engine config that makes the engine run oshim, and a default admin config
(the sandbox-supervisor contract) where none exists yet:
  podman      a containers.conf drop-in: oshim as the runtime "oshim" (--mode runtime,
              podman --runtime oshim), or oshim's precreate/poststop hooks (--mode hooks)
  containerd  a CRI runtime handler (default "oshim", for a Kubernetes RuntimeClass), a
              copy of the default runc handler's settings, where the node's layout
              needs it (--layout, detected from the files found): appended to the
              config (containerd 1.x), a drop-in plus an imports entry (2.x), the
              template k3s and rke2 generate their config from, a k0s drop-in
  crio        a crio.conf.d drop-in with the runtime handler
Writes are atomic, an existing admin setting is never replaced, and a second install
changes nothing. A manifest in the state directory records what was done (and the
original bytes of an edited file) for 'oshim uninstall'. The engine must be restarted
(containerd, CRI-O) to load the change.`,
		run: func(args []string) int { return runInstaller("install", args, install.Install) },
	})
	register("uninstall", &command{
		usage:   "uninstall podman|containerd|crio [--dry-run] [options]",
		summary: "undo what 'oshim install' did (original bytes of edited files restored)",
		help: `Removes the files install created and restores the files it edited, as its manifest
records. A file changed since install keeps those changes: a created one stays, an edited
one loses only what install added. Give the same options as to install.`,
		run: func(args []string) int { return runInstaller("uninstall", args, install.Uninstall) },
	})
}

// runInstaller parses `ENGINE [options]` and runs install or uninstall.
func runInstaller(name string, args []string, do func(install.Target, install.Options) error) int {
	fs := newFlags(name)
	if len(args) == 0 || args[0] == "" || args[0][0] == '-' {
		if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fs.Usage()
		return 2
	}
	engine := args[0]
	var (
		o          install.Options
		binary     = fs.String("binary", "", "oshim's absolute path to register (default: this executable; required with --root)")
		root       = fs.String("root", "/", "the host's root directory: files are read and written under it, engine configs name host paths")
		adminCfg   = fs.String("oshim-config", config.DefaultPath, "oshim's admin config, written from the preset if missing (\"\": none)")
		stateDir   = fs.String("state-dir", "", "where install records what it did (default "+install.DefaultStateDir+", rootless podman: ~/.config/oshim/installed)")
		podman     install.Podman
		containerd install.Containerd
		crio       install.Crio
		target     install.Target
	)
	fs.BoolVar(&o.DryRun, "dry-run", false, "print what would be written (paths, contents, diffs) and change nothing")
	switch engine {
	case "podman":
		fs.StringVar(&podman.Mode, "mode", install.ModeRuntime, "\"runtime\" (podman --runtime oshim) or \"hooks\" (oshim's OCI hooks for every container)")
		fs.BoolVar(&podman.Rootless, "rootless", false, "install for the calling user (~/.config/containers/containers.conf.d)")
		fs.StringVar(&podman.ConfigDir, "config-dir", "", "the containers.conf.d directory for the drop-in (default /etc/containers/containers.conf.d)")
		fs.StringVar(&podman.HooksDir, "hooks-dir", "", "a directory only podman reads, for the hooks (default /etc/oshim/hooks.d/podman)")
		target = &podman
	case "containerd":
		fs.StringVar(&containerd.Config, "config", "", "the config containerd reads (default: the layout's, "+install.DefaultContainerdConfig+" for plain containerd, whose version then decides 1.x or 2.x)")
		fs.Func("layout", "auto (default: from the files found), containerd1, containerd2, k3s, rke2 or k0s", func(s string) (err error) {
			containerd.Layout, err = install.ParseLayout(s)
			return err
		})
		fs.StringVar(&containerd.Handler, "handler", "oshim", "the runtime handler's name (a RuntimeClass's handler)")
		fs.StringVar(&containerd.DropIn, "drop-in", "", "the drop-in for containerd 2.x (default conf.d/50-oshim.toml beside --config) and k0s (containerd.d/50-oshim.toml)")
		target = &containerd
	case "crio", "cri-o":
		fs.StringVar(&crio.Dir, "dir", install.DefaultCrioDir, "CRI-O's drop-in directory")
		fs.StringVar(&crio.Handler, "handler", "oshim", "the runtime handler's name (a RuntimeClass's handler)")
		target = &crio
	default:
		return fail(fmt.Errorf("%s: unknown engine %q: use podman, containerd or crio", name, engine))
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		return fail(fmt.Errorf("%s: unexpected argument %q", name, fs.Arg(0)))
	}
	path, err := oshimPath(*binary, *root)
	if err != nil {
		return fail(err)
	}
	podman.Binary, containerd.Binary, crio.Binary = path, path, path
	podman.AdminConfig, containerd.AdminConfig, crio.AdminConfig = *adminCfg, *adminCfg, *adminCfg
	o.Host = install.Host{Root: *root}
	o.StateDir = *stateDir
	if podman.Rootless && o.StateDir == "" {
		home, err := os.UserConfigDir()
		if err != nil {
			return fail(fmt.Errorf("rootless: %w", err))
		}
		o.StateDir = filepath.Join(home, "oshim", "installed")
	}
	o.Out = os.Stdout
	if err := do(target, o); err != nil {
		return fail(err)
	}
	return 0
}

// oshimPath is the path engines will run: --binary, else this executable's resolved
// absolute path (which means nothing on the host when --root is given).
func oshimPath(flagValue, root string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if root != "/" && root != "" {
		return "", errors.New("--binary is required with --root: give oshim's path on the host")
	}
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("find oshim's own path (give --binary): %w", err)
	}
	if exe, err = filepath.EvalSymlinks(exe); err != nil {
		return "", fmt.Errorf("resolve %s: %w", exe, err)
	}
	return filepath.Abs(exe)
}
