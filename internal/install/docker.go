package install

import (
	"fmt"

	"github.com/oshim/oshim/internal/config"
)

// DefaultDockerConfig is dockerd's config file (its --config-file).
const DefaultDockerConfig = "/etc/docker/daemon.json"

// DockerRuntimeName is the name oshim is registered under in daemon.json's runtimes:
// `docker run --runtime oshim`.
const DockerRuntimeName = "oshim"

// dockerReserved are runtime names dockerd refuses in daemon.json: its own.
var dockerReserved = []string{"runc", "io.containerd.runc.v2", "io.containerd.runtime.v1.linux"}

// Docker installs oshim as a runtime of dockerd: an entry in daemon.json's "runtimes",
// which `docker run --runtime NAME` selects. Only that entry is added: every other key
// keeps its value and its place (the file is re-indented), and uninstall gives the file
// its original bytes back.
type Docker struct {
	// Config is dockerd's config file (a host path); DefaultDockerConfig when empty.
	Config string
	// Name is the runtime's name; DockerRuntimeName when empty.
	Name string
	// Binary is oshim's absolute host path.
	Binary string
	// AdminConfig is oshim's config, written from the preset when missing (none when empty).
	AdminConfig string
}

// Engine implements Target.
func (d *Docker) Engine() string { return "docker" }

// Key implements Target. The runtime's name is part of it: several runtimes, each
// running oshim with another admin config, are separate installs into one file.
func (d *Docker) Key() string { return d.config() + " runtimes." + d.name() }

func (d *Docker) config() string {
	if d.Config == "" {
		return DefaultDockerConfig
	}
	return d.Config
}

func (d *Docker) name() string {
	if d.Name == "" {
		return DockerRuntimeName
	}
	return d.Name
}

func (d *Docker) plan(h Host, prev *Manifest) (*plan, error) {
	if err := checkBinary(h, d.Binary); err != nil {
		return nil, err
	}
	name := d.name()
	if !validName(name) {
		return nil, fmt.Errorf("runtime name %q: use letters, digits, '.', '_' and '-'", name)
	}
	for _, r := range dockerReserved {
		if name == r {
			return nil, fmt.Errorf("runtime name %q is dockerd's own: pass another --name", name)
		}
	}
	edit := &Edit{Kind: EditDockerRuntime, Value: name, Entry: dockerEntry(d.Binary)}
	path := d.config()
	p := &plan{binary: d.Binary}
	p.wants = append(p.wants, adminConfigWants(d.AdminConfig)...)
	base, cur, err := baseContent(h, path, prev)
	if err != nil {
		return nil, err
	}
	if rec := prev.record(path); cur.exists && (rec == nil || rec.Action != Created) {
		if _, err := parseDaemonJSON(base); err != nil {
			return nil, fmt.Errorf("%s: %w; dockerd cannot read it either: correct it first", path, err)
		}
		w := want{path: path, what: "dockerd config", edit: edit, check: edit.checkDocker}
		if name != DockerRuntimeName {
			// Each runtime is an install of its own, with a copy of the file it edited.
			w.backup = path + "." + name + backupSuffix
		}
		p.wants = append(p.wants, w)
	} else {
		// No daemon.json (or the one oshim wrote): dockerd runs on its defaults, and the
		// file is oshim's alone.
		data, _, err := edit.apply(nil)
		if err != nil {
			return nil, err
		}
		p.wants = append(p.wants, want{path: path, what: "dockerd config", mode: 0o644, data: data})
	}
	if d.AdminConfig != "" && d.AdminConfig != config.DefaultPath {
		p.notes = append(p.notes, fmt.Sprintf("dockerd runs oshim with its own environment, so oshim reads %s (or OSHIM_CONFIG set for dockerd), not %s", config.DefaultPath, d.AdminConfig))
	}
	p.next = fmt.Sprintf("reload dockerd to load the runtime %q (kill -HUP the dockerd process, or systemctl reload docker), then: docker run --runtime %s ...", name, name)
	return p, nil
}
