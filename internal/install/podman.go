package install

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/oshim/oshim/internal/config"
)

// Podman modes.
const (
	// ModeRuntime registers oshim as a runtime: `podman --runtime oshim`.
	ModeRuntime = "runtime"
	// ModeHooks registers `oshim hook` as precreate and poststop OCI hooks, for every
	// container podman creates with its usual runtime.
	ModeHooks = "hooks"
)

// PodmanRuntimeName is the name oshim is registered under in [engine.runtimes].
const PodmanRuntimeName = "oshim"

// podmanJSONRuntimes is podman's default runtime_supports_json across 4.x and 5.x
// (containers/common's defaults): a drop-in's list replaces the default, so it must
// repeat them.
var podmanJSONRuntimes = []string{"crun", "crun-wasm", "runc", "kata", "runsc", "youki", "krun", "ocijail"}

// podmanHooksDirs is where podman looks for hooks when hooks_dir is unset (podman(1),
// --hooks-dir): a drop-in's hooks_dir replaces them, so it must repeat them.
var podmanHooksDirs = []string{"/usr/share/containers/oci/hooks.d", "/etc/containers/oci/hooks.d"}

// Podman installs oshim into Podman's containers.conf with a drop-in file.
type Podman struct {
	// Mode is ModeRuntime (the default) or ModeHooks.
	Mode string
	// Rootless installs for the calling user: the drop-in and hooks go under ConfigHome.
	Rootless bool
	// ConfigHome is the user's config directory for Rootless; $XDG_CONFIG_HOME or
	// ~/.config when empty.
	ConfigHome string
	// ConfigDir is the containers.conf.d directory for the drop-in (a host path);
	// /etc/containers/containers.conf.d, or under ConfigHome when Rootless, when empty.
	ConfigDir string
	// HooksDir holds the hook definitions in ModeHooks. It must be a directory only
	// Podman reads: CRI-O rejects the precreate stage. /etc/oshim/hooks.d/podman (under
	// ConfigHome when Rootless) when empty.
	HooksDir string
	// Binary is oshim's absolute host path.
	Binary string
	// AdminConfig is oshim's config, written from the preset when missing (none when empty).
	AdminConfig string
}

// Engine implements Target.
func (p *Podman) Engine() string { return "podman" }

// Key implements Target.
func (p *Podman) Key() string { return p.configDir() }

func (p *Podman) configHome() string {
	if p.ConfigHome != "" {
		return p.ConfigHome
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "/nonexistent"
	}
	return dir
}

func (p *Podman) configDir() string {
	switch {
	case p.ConfigDir != "":
		return p.ConfigDir
	case p.Rootless:
		return filepath.Join(p.configHome(), "containers", "containers.conf.d")
	}
	return "/etc/containers/containers.conf.d"
}

func (p *Podman) hooksDir() string {
	switch {
	case p.HooksDir != "":
		return p.HooksDir
	case p.Rootless:
		return filepath.Join(p.configHome(), "oshim", "hooks.d", "podman")
	}
	return "/etc/oshim/hooks.d/podman"
}

func (p *Podman) sources() []confSource {
	s := []confSource{
		{path: usrContainersConf}, {path: usrContainersConf + ".d", dir: true},
		{path: etcContainersConf}, {path: etcContainersConf + ".d", dir: true},
	}
	if p.Rootless {
		home := filepath.Join(p.configHome(), "containers", "containers.conf")
		s = append(s, confSource{path: home}, confSource{path: home + ".d", dir: true})
	}
	return s
}

func (p *Podman) plan(h Host, _ *Manifest) (*plan, error) {
	if err := checkBinary(h, p.Binary); err != nil {
		return nil, err
	}
	mode := p.Mode
	if mode == "" {
		mode = ModeRuntime
	}
	dropIn := filepath.Join(p.configDir(), "50-oshim.conf")
	files, self, err := confChain(h, p.sources(), dropIn)
	if err != nil {
		return nil, err
	}
	pl := &plan{binary: p.Binary}
	var text strings.Builder
	fmt.Fprintf(&text, "# oshim for podman (%s mode). Written by `oshim install podman`;\n# `oshim uninstall podman` removes it.\n", mode)
	text.WriteString("# In containers.conf drop-ins an array replaces the earlier value, so every list\n# below repeats what podman had and adds oshim's entry.\n[engine]\n")
	var key string
	switch mode {
	case ModeRuntime:
		key = "runtime_supports_json"
		cur, err := readEngineList(h, files, self, key, podmanJSONRuntimes)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&text, "# With oshim listed, podman passes it --log FILE --log-format=json and shows\n# the errors it writes there, as for crun and runc. %s.\n", origin(cur, "podman's defaults"))
		fmt.Fprintf(&text, "%s = %s\n", key, tomlStrings(union(cur.value, PodmanRuntimeName)))
		text.WriteString("# runtime_supports_nocgroups is left alone: oshim may hand over to runc, which\n# cannot run containers without cgroups.\n\n")
		fmt.Fprintf(&text, "[engine.runtimes]\n%s = %s\n", PodmanRuntimeName, tomlStrings([]string{p.Binary}))
		pl.notes = append(pl.notes, overrideNotes(cur, key, PodmanRuntimeName)...)
		if p.AdminConfig != "" && p.AdminConfig != config.DefaultPath {
			pl.notes = append(pl.notes, fmt.Sprintf("podman passes runtimes no environment, so oshim run by podman reads %s, not %s", config.DefaultPath, p.AdminConfig))
		}
		pl.next = fmt.Sprintf("run containers with oshim: podman --runtime %s run ... (or set runtime = %q in [engine])", PodmanRuntimeName, PodmanRuntimeName)
	case ModeHooks:
		key = "hooks_dir"
		cur, err := readEngineList(h, files, self, key, podmanHooksDirs)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&text, "# %s is read by podman only: CRI-O refuses hooks with the precreate stage.\n# %s.\n", p.hooksDir(), origin(cur, "podman's default directories"))
		fmt.Fprintf(&text, "%s = %s\n", key, tomlStrings(union(cur.value, p.hooksDir())))
		pl.notes = append(pl.notes, overrideNotes(cur, key, p.hooksDir())...)
		var env []string
		if p.AdminConfig != "" && p.AdminConfig != config.DefaultPath {
			env = []string{"OSHIM_CONFIG=" + p.AdminConfig}
		}
		for _, stage := range HookStages {
			pl.wants = append(pl.wants, want{path: filepath.Join(p.hooksDir(), hookFile(stage)), what: "OCI hook, stage " + stage, mode: 0o644, data: HookJSON(p.Binary, stage, env)})
		}
		pl.notes = append(pl.notes, "hooks cover the containers podman creates, not `podman exec` sessions (they start from process.json, past any hook): runtime mode covers both")
		pl.next = "podman runs oshim's hooks for every new container; a podman --hooks-dir flag replaces the configured directories"
	default:
		return nil, fmt.Errorf("mode %q: use %q or %q", mode, ModeRuntime, ModeHooks)
	}
	pl.wants = append(pl.wants, want{path: dropIn, what: "containers.conf drop-in", mode: 0o644, data: []byte(text.String())})
	if p.Rootless {
		pl.notes = append(pl.notes, fmt.Sprintf("oshim reads its contracts from %s for every user; rootless install leaves it to root", config.DefaultPath))
	} else {
		pl.wants = append(adminConfigWants(p.AdminConfig), pl.wants...)
	}
	return pl, nil
}

func origin(l engineList, defaults string) string {
	if l.from == "" {
		return "The list is " + defaults
	}
	return "The list is the one in " + l.from
}

func overrideNotes(l engineList, key, entry string) []string {
	var notes []string
	for _, f := range l.overrides {
		notes = append(notes, fmt.Sprintf("%s sets engine.%s too and is read after oshim's drop-in, so it replaces oshim's list: add %q there", f, key, entry))
	}
	return notes
}

func tomlStrings(list []string) string {
	parts := make([]string, len(list))
	for i, s := range list {
		parts[i] = tomlString(s)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
