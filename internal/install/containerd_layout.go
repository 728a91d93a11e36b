package install

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Layout is where a node keeps containerd's config, which decides how install adds the
// handler: distributions that generate containerd's config at every start lose an edit
// of the generated file, so install writes to the source they generate it from.
type Layout string

const (
	// LayoutDetect finds the layout from the files on the node.
	LayoutDetect Layout = ""
	// LayoutContainerd1 is containerd 1.x: /etc/containerd/config.toml, version 1 or 2,
	// with the handler appended.
	LayoutContainerd1 Layout = "containerd1"
	// LayoutContainerd2 is containerd 2.x: /etc/containerd/config.toml, version 3, with
	// a drop-in and an imports entry.
	LayoutContainerd2 Layout = "containerd2"
	// LayoutK3s is k3s: it generates its containerd config at every start from
	// config.toml.tmpl (config-v3.toml.tmpl for containerd 2.x) beside it.
	LayoutK3s Layout = "k3s"
	// LayoutRKE2 is rke2, which generates its config as k3s does.
	LayoutRKE2 Layout = "rke2"
	// LayoutK0s is k0s: it merges TOML drop-ins in /etc/k0s/containerd.d into the CRI
	// config it generates.
	LayoutK0s Layout = "k0s"
)

// Layouts are the layouts --layout accepts.
var Layouts = []Layout{LayoutContainerd1, LayoutContainerd2, LayoutK3s, LayoutRKE2, LayoutK0s}

// ContainerdConfig is the file containerd reads in layout l (generated, for k3s, rke2
// and k0s, where a handler install added appears once they have regenerated it; the
// handler copies its default runtime's settings); "" for no layout. A switch, not a
// map: every oshim call would build a package-level map at initialisation.
func ContainerdConfig(l Layout) string {
	switch l {
	case LayoutContainerd1, LayoutContainerd2:
		return DefaultContainerdConfig
	case LayoutK3s:
		return "/var/lib/rancher/k3s/agent/etc/containerd/config.toml"
	case LayoutRKE2:
		return "/var/lib/rancher/rke2/agent/etc/containerd/config.toml"
	case LayoutK0s:
		return "/etc/k0s/containerd.toml"
	}
	return ""
}

// layoutRestart says how the layout's containerd is restarted to load the handler.
func layoutRestart(l Layout) string {
	switch l {
	case LayoutK3s:
		return "systemctl restart k3s on a server, k3s-agent on an agent"
	case LayoutRKE2:
		return "systemctl restart rke2-server on a server, rke2-agent on an agent"
	case LayoutK0s:
		return "k0s applies containerd.d drop-ins itself; if the handler does not appear, systemctl restart k0sworker (k0scontroller on a controller)"
	}
	return "systemctl restart containerd"
}

// k0sManaged is the first line of a containerd config k0s generates: only then does k0s
// apply the drop-ins in containerd.d.
const k0sManaged = "# k0s_managed=true"

// k3sBase is the template action that makes k3s and rke2 render their own default
// config: a template that starts with it only adds to that config.
const k3sBase = "{{ template \"base\" . }}\n"

// ParseLayout reads a --layout value; "" and "auto" detect.
func ParseLayout(s string) (Layout, error) {
	if s == "" || s == "auto" {
		return LayoutDetect, nil
	}
	if slices.Contains(Layouts, Layout(s)) {
		return Layout(s), nil
	}
	return "", fmt.Errorf("--layout %q: use auto, %s", s, layoutNames())
}

func layoutNames() string {
	names := make([]string, len(Layouts))
	for i, l := range Layouts {
		names[i] = string(l)
	}
	return strings.Join(names, ", ")
}

// resolve settles the layout before anything is planned or a manifest is looked up:
// the manifest is keyed by the layout's config. An explicit --config without --layout
// is plain containerd, its version deciding 1.x or 2.x.
func (c *Containerd) resolve(h Host) error {
	if c.Layout != LayoutDetect {
		if _, err := ParseLayout(string(c.Layout)); err != nil {
			return err
		}
		c.layout = c.Layout
		return nil
	}
	if c.Config != "" {
		return nil
	}
	l, err := detectLayout(h)
	if err != nil {
		return err
	}
	c.layout = l
	return nil
}

// detectLayout returns the one layout whose files the node has. None, or more than
// one, is an error that names what was found and the flag to choose with.
func detectLayout(h Host) (Layout, error) {
	type hit struct {
		layout Layout
		file   string
	}
	var hits []hit
	if f, err := h.read(DefaultContainerdConfig); err != nil {
		return "", err
	} else if f.exists {
		l := LayoutContainerd1
		if doc, err := decodeTOML(f.data); err == nil {
			if v, err := configVersion(doc); err == nil && v == 3 {
				l = LayoutContainerd2
			}
		}
		hits = append(hits, hit{l, DefaultContainerdConfig})
	}
	for _, l := range []Layout{LayoutK3s, LayoutRKE2} {
		dir := filepath.Dir(ContainerdConfig(l))
		for _, name := range []string{"config.toml", "config.toml.tmpl", "config-v3.toml.tmpl"} {
			if exists(h, filepath.Join(dir, name)) {
				hits = append(hits, hit{l, filepath.Join(dir, name)})
				break
			}
		}
	}
	for _, p := range []string{ContainerdConfig(LayoutK0s), k0sDropInDir(ContainerdConfig(LayoutK0s))} {
		if exists(h, p) {
			hits = append(hits, hit{LayoutK0s, p})
			break
		}
	}
	switch len(hits) {
	case 1:
		return hits[0].layout, nil
	case 0:
		return "", fmt.Errorf("no containerd config found (looked for %s, %s, %s and %s): choose the layout with --layout %s (--layout containerd1 creates %s); nothing was written",
			DefaultContainerdConfig, filepath.Dir(ContainerdConfig(LayoutK3s)), filepath.Dir(ContainerdConfig(LayoutRKE2)), ContainerdConfig(LayoutK0s), layoutNames(), DefaultContainerdConfig)
	}
	var found []string
	for _, x := range hits {
		found = append(found, fmt.Sprintf("%s (%s)", x.file, x.layout))
	}
	return "", fmt.Errorf("more than one containerd layout on this node: %s; choose the one the kubelet uses with --layout %s; nothing was written",
		strings.Join(found, ", "), layoutNames())
}

// exists says whether host path p exists (a file or a directory).
func exists(h Host, p string) bool {
	_, err := os.Stat(h.path(p))
	return err == nil || !errors.Is(err, fs.ErrNotExist)
}

func k0sDropInDir(config string) string {
	return filepath.Join(filepath.Dir(config), "containerd.d")
}

// planTemplate adds the handler to the template k3s or rke2 render containerd's config
// from: the existing template gets it appended, or a new one renders k3s's own config
// ("base") followed by the handler. The generated config is only read, for the default
// runtime's settings; the next start of k3s regenerates it with the handler.
func (c *Containerd) planTemplate(h Host, prev *Manifest, p *plan) error {
	gen := c.config()
	_, doc, version, err := readGenerated(h, gen, c.layout)
	if err != nil {
		return err
	}
	tmpl := templatePath(h, gen, version)
	// The generated config holds the handler once k3s rendered oshim's template: that
	// one is oshim's own, and install writes it anew.
	c.replaceOwn = prev.record(tmpl) != nil
	block, _, err := c.block(h, gen, version, doc, &p.notes)
	if err != nil {
		return err
	}
	if strings.Contains(block, "{{") {
		return fmt.Errorf("the handler's text holds \"{{\", which %s would read as a template action: choose another --binary or --handler", c.layout)
	}
	_, tcur, err := baseContent(h, tmpl, prev)
	if err != nil {
		return err
	}
	p.notes = append(p.notes, fmt.Sprintf("%s regenerates %s from %s at every start: install adds the handler to the template", c.layout, gen, tmpl))
	if !tcur.exists {
		p.wants = append(p.wants, want{path: tmpl, what: string(c.layout) + " containerd template", mode: 0o644, data: []byte(k3sBase + block)})
		return nil
	}
	p.wants = append(p.wants, want{path: tmpl, what: string(c.layout) + " containerd template", edit: &Edit{Kind: EditAppend, Value: block}})
	return nil
}

// readGenerated reads the config a distribution generates (layout names it), which
// must exist: the distribution writes it at its first start.
func readGenerated(h Host, path string, layout Layout) ([]byte, map[string]any, int64, error) {
	cur, err := h.read(path)
	if err != nil {
		return nil, nil, 0, err
	}
	if !cur.exists {
		return nil, nil, 0, fmt.Errorf("%s not found: %s writes it at its first start; start it once, or pass --config with the path of the config it generates", path, layout)
	}
	doc, err := decodeTOML(cur.data)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("%s: %w", path, err)
	}
	version, err := configVersion(doc)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("%s: %w", path, err)
	}
	return cur.data, doc, version, nil
}

// templatePath is the template k3s and rke2 read for a generated config of version:
// config-v3.toml.tmpl for containerd 2.x, which falls back to config.toml.tmpl when only
// that one exists.
func templatePath(h Host, gen string, version int64) string {
	dir := filepath.Dir(gen)
	v2, v3 := filepath.Join(dir, "config.toml.tmpl"), filepath.Join(dir, "config-v3.toml.tmpl")
	if version < 3 || (!exists(h, v3) && exists(h, v2)) {
		return v2
	}
	return v3
}

// planK0s writes the handler as a drop-in in /etc/k0s/containerd.d, which k0s merges
// into the CRI config it generates (k0s 1.27.1 and later).
func (c *Containerd) planK0s(h Host, prev *Manifest, p *plan) error {
	cfgPath := c.config()
	data, doc, version, err := readGenerated(h, cfgPath, c.layout)
	if err != nil {
		return err
	}
	if !strings.HasPrefix(string(data), k0sManaged) {
		return fmt.Errorf("%s does not start with %q, so k0s does not apply the drop-ins in %s: install into it as plain containerd with --layout containerd1 (or containerd2 for version 3) --config %s",
			cfgPath, k0sManaged, k0sDropInDir(cfgPath), cfgPath)
	}
	// k0s merges the drop-in into the CRI config it imports: the handler found there
	// once k0s applied it is oshim's own.
	c.replaceOwn = prev.record(c.dropIn()) != nil
	block, _, err := c.block(h, cfgPath, version, doc, &p.notes)
	if err != nil {
		return err
	}
	p.wants = append(p.wants, want{path: c.dropIn(), what: "k0s containerd drop-in", mode: 0o644, data: fmt.Appendf(nil, "version = %d\n%s", version, block)})
	return nil
}
