package install

import (
	"fmt"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/oshim/oshim/internal/annotation"
)

// DefaultContainerdConfig is containerd's config file.
const DefaultContainerdConfig = "/etc/containerd/config.toml"

// runcShim is the runtime type of runc-compatible runtimes: the shim calls BinaryName.
const runcShim = "io.containerd.runc.v2"

// Containerd installs oshim as a CRI runtime handler of containerd, which a Kubernetes
// RuntimeClass selects by name.
//
// containerd 1.x replaces a whole plugin section with an imported file's
// (github.com/containerd/containerd/issues/5837), so for config versions 1 and 2 the
// handler is appended to the config itself; version 3 (containerd 2.x merges imported tables) gets a drop-in file and an
// imports entry. Either way only text is added: the admin's bytes stay as they are.
type Containerd struct {
	// Config is the containerd config (a host path); DefaultContainerdConfig when empty.
	Config string
	// Handler is the runtime handler's name; "oshim" when empty.
	Handler string
	// DropIn holds the handler for config version 3; conf.d/50-oshim.toml beside Config
	// when empty.
	DropIn string
	// Binary is oshim's absolute host path.
	Binary string
	// AdminConfig is oshim's config, written from the preset when missing (none when empty).
	AdminConfig string
	// Layout is where the node keeps containerd's config; detected when empty (plain
	// containerd, its version deciding, when Config is given).
	Layout Layout

	// layout is Layout, or the one detected; empty for plain containerd by version.
	layout Layout
	// replaceOwn says the handler found in the config containerd reads is the one the
	// previous install wrote (k3s and k0s generate that config from oshim's files).
	replaceOwn bool
}

// Engine implements Target.
func (c *Containerd) Engine() string { return "containerd" }

// Key implements Target.
func (c *Containerd) Key() string { return c.config() }

func (c *Containerd) config() string {
	switch {
	case c.Config != "":
		return c.Config
	case ContainerdConfig(c.layout) != "":
		return ContainerdConfig(c.layout)
	}
	return DefaultContainerdConfig
}

func (c *Containerd) handler() string {
	if c.Handler == "" {
		return "oshim"
	}
	return c.Handler
}

func (c *Containerd) dropIn() string {
	switch {
	case c.DropIn != "":
		return c.DropIn
	case c.layout == LayoutK0s:
		// k0s reads only *.toml files there.
		return filepath.Join(k0sDropInDir(c.config()), "50-oshim.toml")
	}
	return filepath.Join(filepath.Dir(c.config()), "conf.d", "50-oshim.toml")
}

// criPlugin is the table that holds the CRI runtimes in each config version.
func criPlugin(version int64) []string {
	switch version {
	case 1:
		return []string{"plugins", "cri", "containerd"}
	case 2:
		return []string{"plugins", "io.containerd.grpc.v1.cri", "containerd"}
	}
	return []string{"plugins", "io.containerd.cri.v1.runtime", "containerd"}
}

// configVersion reads a containerd config's version; none means 1.
func configVersion(m map[string]any) (int64, error) {
	v, ok := m["version"]
	if !ok {
		return 1, nil
	}
	n, ok := v.(int64)
	if !ok || n < 1 || n > 3 {
		return 0, fmt.Errorf("version = %v: oshim knows containerd config versions 1, 2 and 3", v)
	}
	return n, nil
}

func (c *Containerd) plan(h Host, prev *Manifest) (*plan, error) {
	if err := checkBinary(h, c.Binary); err != nil {
		return nil, err
	}
	if !validName(c.handler()) {
		return nil, fmt.Errorf("handler %q: use letters, digits, '.', '_' and '-'", c.handler())
	}
	cfgPath := c.config()
	p := &plan{binary: c.Binary, next: c.next()}
	p.wants = append(p.wants, adminConfigWants(c.AdminConfig)...)
	if c.layout != LayoutDetect {
		p.notes = append(p.notes, fmt.Sprintf("containerd layout: %s (%s)", c.layout, cfgPath))
	}
	switch c.layout {
	case LayoutK3s, LayoutRKE2:
		return p, c.planTemplate(h, prev, p)
	case LayoutK0s:
		return p, c.planK0s(h, prev, p)
	}
	base, cur, err := baseContent(h, cfgPath, prev)
	if err != nil {
		return nil, err
	}
	if !cur.exists && c.layout == LayoutContainerd2 {
		// containerd 2.x runs on built-in defaults: a config that only imports the drop-in.
		block, _, err := c.block(h, cfgPath, 3, map[string]any{"version": int64(3)}, &p.notes)
		if err != nil {
			return nil, err
		}
		p.wants = append(p.wants,
			want{path: c.dropIn(), what: "containerd drop-in", mode: 0o644, data: []byte("version = 3\n" + block)},
			want{path: cfgPath, what: "containerd config", mode: 0o644, data: []byte("version = 3\nimports = [" + tomlString(c.dropIn()) + "]\n")})
		return p, nil
	}
	if !cur.exists {
		// containerd runs on built-in defaults; version 2 is read by 1.x and migrated by 2.x.
		block, _, err := c.block(h, cfgPath, 2, map[string]any{"version": int64(2)}, &p.notes)
		if err != nil {
			return nil, err
		}
		p.wants = append(p.wants, want{path: cfgPath, what: "containerd config", mode: 0o644, data: []byte("version = 2\n" + block)})
		return p, nil
	}
	doc, err := decodeTOML(base)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cfgPath, err)
	}
	version, err := configVersion(doc)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cfgPath, err)
	}
	switch {
	case c.layout == LayoutContainerd1 && version == 3:
		return nil, fmt.Errorf("%s is config version 3 (containerd 2.x): use --layout containerd2", cfgPath)
	case c.layout == LayoutContainerd2 && version < 3:
		return nil, fmt.Errorf("%s is config version %d (containerd 1.x): use --layout containerd1", cfgPath, version)
	}
	block, added, err := c.block(h, cfgPath, version, doc, &p.notes)
	if err != nil {
		return nil, err
	}
	if version < 3 {
		p.wants = append(p.wants, want{
			path: cfgPath, what: "containerd config", edit: &Edit{Kind: EditAppend, Value: block},
			check: func(out []byte) error { return c.checkEdit(base, out, version, added, nil) },
		})
		return p, nil
	}
	p.wants = append(p.wants, want{path: c.dropIn(), what: "containerd drop-in", mode: 0o644, data: []byte("version = 3\n" + block)})
	imports, err := stringList(doc["imports"], "imports")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cfgPath, err)
	}
	if pattern := matchingImport(cfgPath, imports, c.dropIn()); pattern != "" {
		p.notes = append(p.notes, fmt.Sprintf("%s already imports %s (%q)", cfgPath, c.dropIn(), pattern))
	} else {
		p.wants = append(p.wants, want{
			path: cfgPath, what: "containerd config", edit: &Edit{Kind: EditImports, Value: c.dropIn()},
			check: func(out []byte) error { return c.checkEdit(base, out, version, nil, []string{c.dropIn()}) },
		})
	}
	return p, nil
}

func (c *Containerd) next() string {
	how := layoutRestart(c.layout)
	return fmt.Sprintf("restart containerd to load the runtime handler %q (%s; running containers keep running), then create a RuntimeClass with handler: %s (install/kubernetes/runtimeclass.yaml)", c.handler(), how, c.handler())
}

// block returns the TOML text of the handler and the names of the runtimes it defines.
// doc is the admin's config without oshim's earlier additions.
func (c *Containerd) block(h Host, cfgPath string, version int64, doc map[string]any, notes *[]string) (string, []string, error) {
	cri, err := c.criTables(h, cfgPath, version, doc)
	if err != nil {
		return "", nil, err
	}
	runtimes := table(cri, "runtimes")
	if c.replaceOwn {
		delete(runtimes, c.handler())
	}
	if _, ok := runtimes[c.handler()]; ok {
		return "", nil, fmt.Errorf("%s: a runtime handler %q is already configured: remove it, or pass another --handler", cfgPath, c.handler())
	}
	defName, _ := cri["default_runtime_name"].(string)
	source := table(runtimes, defName)
	legacy := table(cri, "default_runtime")
	switch {
	case defName == "" && legacy != nil && legacy["runtime_type"] != nil && legacy["runtime_type"] != "":
		defName, source = "default_runtime", legacy
	case defName == "":
		defName, source = "runc", table(runtimes, "runc")
	}
	if defName == c.handler() {
		return "", nil, fmt.Errorf("%s: the default runtime is named %q: pass another --handler", cfgPath, defName)
	}
	tables := map[string]map[string]any{}
	var comment strings.Builder
	fmt.Fprintf(&comment, "\n# oshim: the CRI runtime handler %q (a RuntimeClass with handler: %s selects it),\n", c.handler(), c.handler())
	if source == nil && defName != "runc" {
		return "", nil, fmt.Errorf("%s: the default runtime %q is not configured, so containerd cannot load the CRI plugin: fix the config first", cfgPath, defName)
	}
	handler := map[string]any{}
	switch t, _ := source["runtime_type"].(string); {
	case source == nil:
		comment.WriteString("# which runs oshim with the runc shim as containerd's default \"runc\" runs runc.\n")
	case t == "" || t == runcShim:
		handler = copyTable(source)
		fmt.Fprintf(&comment, "# a copy of the default handler %q that runs oshim instead.\n", defName)
	default:
		*notes = append(*notes, fmt.Sprintf("the default handler %q has runtime_type %q, which does not run a runc-compatible binary: nothing of it is copied", defName, t))
		comment.WriteString("# which runs oshim with the runc shim.\n")
	}
	if source == nil {
		// containerd 1.6 replaces its built-in runtimes with the config's as soon as the
		// config names one: without runc spelled out the CRI plugin fails to load
		// ("no corresponding runtime configured ... for default_runtime_name").
		tables["runc"] = map[string]any{"runtime_type": runcShim}
		*notes = append(*notes, fmt.Sprintf("%s names no runtimes, so install also writes out containerd's built-in default handler \"runc\": naming only %q would drop it", cfgPath, c.handler()))
		comment.WriteString("# \"runc\" is containerd's built-in default handler, spelled out because containerd\n# drops its built-in runtimes once a config names any.\n")
	}
	handler["runtime_type"] = runcShim
	opts, _ := handler["options"].(map[string]any)
	if opts == nil {
		opts = map[string]any{}
	}
	if b, _ := opts["BinaryName"].(string); b != "" {
		*notes = append(*notes, fmt.Sprintf("the default handler runs %s; oshim runs the runtime its config names (default: crun or runc on PATH)", b))
	}
	opts["BinaryName"] = c.Binary
	handler["options"] = opts
	for _, key := range []string{"pod_annotations", "container_annotations"} {
		list, err := stringList(handler[key], key)
		if err != nil {
			return "", nil, fmt.Errorf("%s: runtime %q: %w", cfgPath, defName, err)
		}
		handler[key] = toAny(union(list, annotation.Requests...))
	}
	tables[c.handler()] = handler
	fmt.Fprintf(&comment, "# Written by `oshim install containerd`; `oshim uninstall containerd` removes it.\n")
	var b strings.Builder
	b.WriteString(comment.String())
	names := []string{c.handler()}
	if _, ok := tables["runc"]; ok {
		names = append(names, "runc")
	}
	for _, name := range names {
		path := append(criPlugin(version), "runtimes", name)
		if err := writeTable(&b, path, tables[name]); err != nil {
			return "", nil, err
		}
	}
	b.WriteString("# End of oshim's runtime handler.\n")
	return b.String(), names, nil
}

// criTables returns the CRI plugin's containerd table as containerd would see it: the
// config merged with the files it imports (oshim's own drop-in left out).
func (c *Containerd) criTables(h Host, cfgPath string, version int64, doc map[string]any) (map[string]any, error) {
	merged := map[string]any{}
	if t := table(doc, criPlugin(version)...); t != nil {
		mergeTables(merged, t)
	}
	if version == 1 {
		return merged, nil
	}
	imports, err := stringList(doc["imports"], "imports")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cfgPath, err)
	}
	for _, imp := range imports {
		if !filepath.IsAbs(imp) {
			imp = filepath.Join(filepath.Dir(cfgPath), imp)
		}
		paths := []string{imp}
		if strings.Contains(imp, "*") {
			if paths, err = h.glob(imp); err != nil {
				return nil, err
			}
		}
		for _, p := range paths {
			if p == c.dropIn() {
				continue
			}
			f, err := h.read(p)
			if err != nil {
				return nil, err
			}
			if !f.exists {
				continue // containerd itself will say so
			}
			m, err := decodeTOML(f.data)
			if err != nil {
				return nil, fmt.Errorf("%s (imported by %s): %w", p, cfgPath, err)
			}
			v, err := configVersion(m)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", p, err)
			}
			if t := table(m, criPlugin(v)...); t != nil {
				mergeTables(merged, t)
			}
		}
	}
	return merged, nil
}

// checkEdit verifies an edited config: it decodes, every runtime in added has the
// handler's shape, and with install's additions taken away it equals the original.
func (c *Containerd) checkEdit(before, after []byte, version int64, added, imports []string) error {
	old, err := decodeTOML(before)
	if err != nil {
		return err
	}
	got, err := decodeTOML(after)
	if err != nil {
		return err
	}
	if len(added) > 0 {
		runtimes := table(got, append(criPlugin(version), "runtimes")...)
		h := table(runtimes, c.handler())
		if h == nil || h["runtime_type"] != runcShim || table(h, "options")["BinaryName"] != c.Binary {
			return fmt.Errorf("the handler %q is not there as written", c.handler())
		}
		for _, name := range added {
			delete(runtimes, name)
		}
		pruneEmpty(got)
	}
	if len(imports) > 0 {
		list, err := stringList(got["imports"], "imports")
		if err != nil {
			return err
		}
		var rest []any
		for _, s := range list {
			if s != imports[0] {
				rest = append(rest, s)
			}
		}
		if _, had := old["imports"]; had || len(rest) > 0 {
			got["imports"] = append([]any{}, rest...)
		} else {
			delete(got, "imports")
		}
		if len(rest) == len(list) {
			return fmt.Errorf("imports does not hold %s", imports[0])
		}
	}
	pruneEmpty(old)
	if !reflect.DeepEqual(old, got) {
		return fmt.Errorf("the edit changed more than it should have")
	}
	return nil
}

// pruneEmpty removes tables that became empty: appending a handler to a config that
// had no plugins table creates its parents.
func pruneEmpty(m map[string]any) {
	for k, v := range m {
		if t, ok := v.(map[string]any); ok {
			pruneEmpty(t)
			if len(t) == 0 {
				delete(m, k)
			}
		}
	}
}

// matchingImport returns the import pattern that already covers path, if any.
func matchingImport(cfgPath string, imports []string, path string) string {
	for _, imp := range imports {
		pattern := imp
		if !filepath.IsAbs(pattern) {
			pattern = filepath.Join(filepath.Dir(cfgPath), pattern)
		}
		if ok, _ := filepath.Match(pattern, path); ok {
			return imp
		}
	}
	return ""
}
