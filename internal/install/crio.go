package install

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/oshim/oshim/internal/annotation"
	"github.com/oshim/oshim/internal/ociruntime"
)

// DefaultCrioDir is CRI-O's drop-in directory.
const DefaultCrioDir = "/etc/crio/crio.conf.d"

// crioConf is CRI-O's main config, read before the drop-ins.
const crioConf = "/etc/crio/crio.conf"

// CrioRuntimeRoot is the --root CRI-O passes oshim: its own, so that oshim's containers
// never share state with the real runtime's own.
const CrioRuntimeRoot = "/run/oshim-runtime-root"

// Crio installs oshim as a CRI-O runtime handler with a crio.conf.d drop-in.
type Crio struct {
	// Dir is CRI-O's drop-in directory (a host path); DefaultCrioDir when empty.
	Dir string
	// Handler is the runtime handler's name; "oshim" when empty.
	Handler string
	// Binary is oshim's absolute host path.
	Binary string
	// AdminConfig is oshim's config, written from the preset when missing (none when empty).
	AdminConfig string
}

// Engine implements Target.
func (c *Crio) Engine() string { return "crio" }

// Key implements Target.
func (c *Crio) Key() string { return c.dir() }

func (c *Crio) dir() string {
	if c.Dir == "" {
		return DefaultCrioDir
	}
	return c.Dir
}

func (c *Crio) handler() string {
	if c.Handler == "" {
		return "oshim"
	}
	return c.Handler
}

func (c *Crio) plan(h Host, prev *Manifest) (*plan, error) {
	if err := checkBinary(h, c.Binary); err != nil {
		return nil, err
	}
	if !validName(c.handler()) {
		return nil, fmt.Errorf("handler %q: use letters, digits, '.', '_' and '-'", c.handler())
	}
	dropIn := filepath.Join(c.dir(), "50-oshim.conf")
	// CRI-O reads every file of its drop-in directory, whatever its name.
	files, err := h.glob(filepath.Join(c.dir(), "*"))
	if err != nil {
		return nil, err
	}
	// CRI-O's default runtime, to tell the admin which runtime oshim's config should name.
	defRuntime, runtimePaths := "", map[string]string{}
	for _, f := range append([]string{crioConf}, files...) {
		if f == dropIn && prev.record(f) != nil {
			continue
		}
		data, err := h.read(f)
		if err != nil {
			return nil, err
		}
		if !data.exists {
			continue
		}
		m, err := decodeTOML(data.data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		if table(m, "crio", "runtime", "runtimes", c.handler()) != nil {
			return nil, fmt.Errorf("%s already configures the runtime handler %q: remove it, or pass another --handler", f, c.handler())
		}
		if d, ok := table(m, "crio", "runtime")["default_runtime"].(string); ok {
			defRuntime = d
		}
		for name, v := range table(m, "crio", "runtime", "runtimes") {
			if rt, ok := v.(map[string]any); ok {
				if rp, ok := rt["runtime_path"].(string); ok {
					runtimePaths[name] = rp
				}
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# oshim: the CRI-O runtime handler %q (a RuntimeClass with handler: %s selects it).\n", c.handler(), c.handler())
	b.WriteString("# Written by `oshim install crio`; `oshim uninstall crio` removes it.\n")
	b.WriteString("# runtime_root is oshim's own state directory for the real runtime (its --root).\n")
	b.WriteString("# allowed_annotations lets pods pass the annotations that can only make oshim's\n# contracts stricter (or pick one that says selectable = true).\n")
	runtime := map[string]any{
		"runtime_path":        c.Binary,
		"runtime_type":        "oci",
		"runtime_root":        CrioRuntimeRoot,
		"allowed_annotations": toAny(annotation.Requests),
	}
	if err := writeTable(&b, []string{"crio", "runtime", "runtimes", c.handler()}, runtime); err != nil {
		return nil, err
	}
	p := &plan{binary: c.Binary}
	if defRuntime != "" && runtimePaths[defRuntime] != "" {
		p.notes = append(p.notes, fmt.Sprintf("CRI-O's default runtime %q runs %s; oshim runs the runtime its config names (runtime = ...), else the first of crun and runc on PATH, then in %s", defRuntime, runtimePaths[defRuntime], strings.Join(ociruntime.PackagedDirs(), ", ")))
	}
	p.wants = append(adminConfigWants(c.AdminConfig), want{path: dropIn, what: "CRI-O drop-in", mode: 0o644, data: []byte(b.String())})
	p.next = fmt.Sprintf("restart CRI-O to load the runtime handler %q (systemctl restart crio), then create a RuntimeClass with handler: %s (install/kubernetes/runtimeclass.yaml)", c.handler(), c.handler())
	return p, nil
}
