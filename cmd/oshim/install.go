//go:build linux

package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/oshim/oshim/internal/config"
	"github.com/oshim/oshim/internal/install"
)

// installOptions are what install and uninstall are given: the options every engine
// shares, and each engine's target.
type installOptions struct {
	dryRun                         bool
	binary, root, adminCfg, states string
	podman                         install.Podman
	containerd                     install.Containerd
	crio                           install.Crio
	docker                         install.Docker
}

func installCommand() *command {
	return installerCommand("install", "register oshim with a container engine (--dry-run prints the files first)",
		`Writes the engine config that makes the engine run oshim, and a default admin config
(the sandbox-supervisor contract) where none exists yet. Writes are atomic, an existing
admin setting is never replaced, and a second install changes nothing. A manifest in
the state directory records what was done (and the original bytes of an edited file)
for 'oshim uninstall'. The engine must be restarted (containerd, CRI-O; Docker reloads
runtimes on SIGHUP) to load the change.`, install.Install)
}

func uninstallCommand() *command {
	return installerCommand("uninstall", "undo what 'oshim install' did (original bytes of edited files restored)",
		`Removes the files install created and restores the files it edited, as its manifest
records. A file changed since install keeps those changes: a created one stays, an edited
one loses only what install added. Give the same options as to install.`, install.Uninstall)
}

// installerCommand is install or uninstall: both take an engine and the same options.
func installerCommand(name, summary, help string, do func(install.Target, install.Options) error) *command {
	o := &installOptions{root: "/", adminCfg: config.DefaultPath}
	o.podman.Mode = install.ModeRuntime
	o.containerd.Handler = "oshim"
	o.crio.Dir, o.crio.Handler = install.DefaultCrioDir, "oshim"
	o.docker.Config, o.docker.Name = install.DefaultDockerConfig, install.DockerRuntimeName
	return &command{
		name: name, summary: summary, help: help,
		options: []option{
			boolOption(&o.dryRun, "dry-run", "print what would be written (paths, contents, diffs) and change nothing"),
			stringOption(&o.binary, "binary", "PATH", "oshim's absolute path to register (default: this executable; required with --root)"),
			stringOption(&o.root, "root", "DIR", "the host's root directory: files are read and written under it, engine configs name host paths"),
			stringOption(&o.adminCfg, "oshim-config", "FILE", `oshim's admin config, written from the preset if missing ("": none)`),
			stringOption(&o.states, "state-dir", "DIR", "where install records what it did (default "+install.DefaultStateDir+", rootless podman: ~/.config/oshim/installed)"),
		},
		variantName: "ENGINE",
		variants: []variant{
			{name: "podman", summary: `a containers.conf drop-in: oshim as the runtime "oshim" (--mode runtime, podman --runtime oshim), or oshim's precreate/poststop hooks (--mode hooks)`, options: []option{
				{name: "mode", arg: "MODE", help: `"runtime" (podman --runtime oshim) or "hooks" (oshim's OCI hooks for every container)`, def: o.podman.Mode, value: (*stringValue)(&o.podman.Mode), complete: install.ModeRuntime + " " + install.ModeHooks},
				boolOption(&o.podman.Rootless, "rootless", "install for the calling user (~/.config/containers/containers.conf.d)"),
				stringOption(&o.podman.ConfigDir, "config-dir", "DIR", "the containers.conf.d directory for the drop-in (default /etc/containers/containers.conf.d)"),
				stringOption(&o.podman.HooksDir, "hooks-dir", "DIR", "a directory only podman reads, for the hooks (default /etc/oshim/hooks.d/podman)"),
			}},
			{name: "containerd", summary: `a CRI runtime handler (default "oshim", for a Kubernetes RuntimeClass), a copy of the default runc handler's settings, where the node's containerd layout keeps it: appended to the config (containerd 1.x), a drop-in plus an imports entry (2.x), the config template (k3s, rke2), a containerd.d drop-in (k0s)`, options: []option{
				stringOption(&o.containerd.Config, "config", "FILE", "the config containerd reads (default: the layout's; "+install.DefaultContainerdConfig+" for plain containerd, whose version then decides 1.x or 2.x)"),
				{name: "layout", arg: "LAYOUT", help: "auto (default: from the files found), " + strings.Join(layoutNames(), ", "), value: (*layoutValue)(&o.containerd.Layout), complete: "auto " + strings.Join(layoutNames(), " ")},
				stringOption(&o.containerd.Handler, "handler", "NAME", "the runtime handler's name (a RuntimeClass's handler)"),
				stringOption(&o.containerd.DropIn, "drop-in", "FILE", "the drop-in for containerd 2.x (default conf.d/50-oshim.toml beside --config) and k0s (containerd.d/50-oshim.toml)"),
			}},
			{name: "crio", aliases: []string{"cri-o"}, summary: "a crio.conf.d drop-in with the runtime handler", options: []option{
				stringOption(&o.crio.Dir, "dir", "DIR", "CRI-O's drop-in directory"),
				stringOption(&o.crio.Handler, "handler", "NAME", "the runtime handler's name (a RuntimeClass's handler)"),
			}},
			{name: "docker", summary: `the runtime "oshim" in daemon.json's "runtimes" (docker run --runtime oshim); every other key, and its order, stays`, options: []option{
				stringOption(&o.docker.Config, "config", "FILE", "dockerd's config file"),
				stringOption(&o.docker.Name, "name", "NAME", "the runtime's name (docker run --runtime NAME)"),
			}},
		},
		run: func(inv invocation) int { return runInstaller(name, o, inv, do) },
	}
}

// runInstaller runs install or uninstall for the engine the invocation names.
func runInstaller(name string, o *installOptions, inv invocation, do func(install.Target, install.Options) error) int {
	if len(inv.args) > 0 {
		return fail(fmt.Errorf("%s: unexpected argument %q", name, inv.args[0]))
	}
	var target install.Target
	switch inv.variant.name {
	case "podman":
		target = &o.podman
	case "containerd":
		target = &o.containerd
	case "crio":
		target = &o.crio
	case "docker":
		target = &o.docker
	}
	path, err := oshimPath(o.binary, o.root)
	if err != nil {
		return fail(err)
	}
	o.podman.Binary, o.containerd.Binary, o.crio.Binary, o.docker.Binary = path, path, path, path
	o.podman.AdminConfig, o.containerd.AdminConfig, o.crio.AdminConfig, o.docker.AdminConfig = o.adminCfg, o.adminCfg, o.adminCfg, o.adminCfg
	opts := install.Options{Host: install.Host{Root: o.root}, StateDir: o.states, DryRun: o.dryRun, Out: os.Stdout}
	if o.podman.Rootless && opts.StateDir == "" {
		home, err := os.UserConfigDir()
		if err != nil {
			return fail(fmt.Errorf("rootless: %w", err))
		}
		opts.StateDir = filepath.Join(home, "oshim", "installed")
	}
	if err := do(target, opts); err != nil {
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

// layoutValue is --layout: a containerd layout, or auto.
type layoutValue install.Layout

func (l *layoutValue) Set(v string) error {
	parsed, err := install.ParseLayout(v)
	*l = layoutValue(parsed)
	return err
}

func (l *layoutValue) String() string { return string(*l) }

func layoutNames() []string {
	names := make([]string, len(install.Layouts))
	for i, l := range install.Layouts {
		names[i] = string(l)
	}
	return names
}
