package doctor

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/oshim/oshim/internal/toml"

	"github.com/oshim/oshim/internal/install"
)

// maxEngineConfig bounds an engine config file the doctor reads.
const maxEngineConfig = 4 << 20

// engine is where one engine keeps its config, as host paths.
type engine struct {
	name string
	// files are single files; dirs are drop-in directories read in name order.
	files, dirs []string
	// imports says the engine also reads the globs of a top-level "imports" list,
	// relative to the file holding it (containerd).
	imports bool
	// json says the files are JSON (Docker), not TOML.
	json bool
	// binaryKeys are the keys whose value is a binary the engine runs; a path there
	// that does not exist breaks every container of that handler.
	binaryKeys []string
	install    string
	// optional engines are left out of the report where none of their files exist:
	// the containerd of a distribution, which plain containerd's entry already
	// reports as not configured.
	optional bool
}

// containerd is plain containerd's entry, which each distribution's copies.
func containerd() engine {
	return engine{
		name:       "containerd",
		files:      []string{install.DefaultContainerdConfig},
		imports:    true,
		binaryKeys: []string{"BinaryName"},
		install:    "oshim install containerd",
	}
}

// engineList is the engines, then the containerd of each distribution that oshim
// install knows (k3s, rke2, k0s), read from the config it generates. It builds them
// on each call, not in package variables, which every oshim call would initialise.
func engineList() []engine {
	list := []engine{
		{
			name:  "podman",
			files: []string{"/usr/share/containers/containers.conf", "/etc/containers/containers.conf"},
			dirs:  []string{"/usr/share/containers/containers.conf.d", "/etc/containers/containers.conf.d"},
			// engine.runtimes.NAME = [paths]: podman runs the first one that exists.
			binaryKeys: []string{"engine.runtimes."},
			install:    "oshim install podman",
		},
		containerd(),
		{
			name:       "CRI-O",
			files:      []string{"/etc/crio/crio.conf"},
			dirs:       []string{"/etc/crio/crio.conf.d"},
			binaryKeys: []string{"runtime_path"},
			install:    "oshim install crio",
		},
		{
			name:  "Docker",
			files: []string{"/etc/docker/daemon.json"},
			json:  true,
			// runtimes.NAME.path
			binaryKeys: []string{"path"},
			install:    "oshim install docker",
		},
	}
	for _, l := range install.Layouts {
		path := install.ContainerdConfig(l)
		if path == install.DefaultContainerdConfig {
			continue
		}
		e := containerd()
		e.name = fmt.Sprintf("containerd (%s)", l)
		e.files = []string{path}
		e.install = fmt.Sprintf("oshim install containerd --layout %s", l)
		e.optional = true
		list = append(list, e)
	}
	return list
}

// reference is a config value that mentions oshim.
type reference struct {
	file, key string
	values    []string
}

// checkEngines finds the engines that have oshim registered. Engine config paths are
// read under root, a test's stand-in for "/".
func checkEngines(root string) []Check {
	if root == "" {
		root = "/"
	}
	var checks []Check
	registered := 0
	for _, e := range engineList() {
		cs, n := checkEngine(root, e)
		checks = append(checks, cs...)
		registered += n
	}
	if registered == 0 {
		checks = append(checks, Check{Name: "engines", Status: Warn,
			Detail: "no engine config found runs oshim: containers reach the real runtime without their contracts",
			Fix:    "oshim install podman|containerd|crio|docker (then restart containerd or CRI-O, or reload dockerd)"})
	}
	return checks
}

func checkEngine(root string, e engine) ([]Check, int) {
	name := "engine " + e.name
	files, err := e.configFiles(root)
	if err != nil {
		return []Check{{Name: name, Status: Warn, Detail: err.Error(), Fix: "make the engine's config directory readable"}}, 0
	}
	if len(files) == 0 {
		if e.optional {
			return nil, 0
		}
		return []Check{{Name: name, Status: OK, Detail: "not configured on this host (no " + strings.Join(append(e.files, e.dirs...), ", ") + ")"}}, 0
	}
	var checks []Check
	var refs []reference
	for i := 0; i < len(files); i++ {
		doc, err := readConfig(filepath.Join(root, files[i]), e.json)
		if err != nil {
			checks = append(checks, Check{Name: name, Status: Warn, Detail: fmt.Sprintf("%s: %v", files[i], err), Fix: "correct the file: the engine cannot read it either"})
			continue
		}
		if e.imports {
			more, err := importsOf(root, files[i], doc)
			if err != nil {
				checks = append(checks, Check{Name: name, Status: Warn, Detail: fmt.Sprintf("%s: %v", files[i], err), Fix: "correct the imports list"})
			}
			// A glob may match the importing file or one read already.
			for _, m := range more {
				if !slices.Contains(files, m) {
					files = append(files, m)
				}
			}
		}
		walk(doc, "", func(key string, values []string) {
			var ours []string
			for _, v := range values {
				if strings.Contains(v, "oshim") {
					ours = append(ours, v)
				}
			}
			if len(ours) > 0 {
				refs = append(refs, reference{file: files[i], key: key, values: values})
			}
		})
	}
	if len(refs) == 0 {
		return append(checks, Check{Name: name, Status: OK, Detail: "configured (" + strings.Join(files, ", ") + "), oshim not registered"}), 0
	}
	var found []string
	for _, r := range refs {
		found = append(found, fmt.Sprintf("%s: %s = %s", r.file, r.key, strings.Join(r.values, ", ")))
		if e.isBinaryKey(r.key) && !anyExecutable(root, r.values) {
			checks = append(checks, Check{Name: name, Status: Fail,
				Detail: fmt.Sprintf("%s: %s = %s, but no such executable exists: every container of this runtime handler fails", r.file, r.key, strings.Join(r.values, ", ")),
				Fix:    "install oshim at that path, or run " + e.install + " again"})
		}
	}
	checks = append(checks, Check{Name: name, Status: OK, Detail: "oshim registered: " + strings.Join(found, "; ")})
	return checks, len(refs)
}

func (e engine) isBinaryKey(key string) bool {
	for _, k := range e.binaryKeys {
		if key == k || strings.HasSuffix(key, "."+k) || (strings.HasSuffix(k, ".") && strings.HasPrefix(key, k)) {
			return true
		}
	}
	return false
}

// configFiles lists the engine's config files that exist, in the order it reads them.
func (e engine) configFiles(root string) ([]string, error) {
	var out []string
	for _, f := range e.files {
		if st, err := os.Stat(filepath.Join(root, f)); err == nil && st.Mode().IsRegular() {
			out = append(out, f)
		}
	}
	for _, d := range e.dirs {
		entries, err := os.ReadDir(filepath.Join(root, d))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", d, err)
		}
		for _, de := range entries {
			if de.Type().IsRegular() && strings.HasSuffix(de.Name(), ".conf") {
				out = append(out, filepath.Join(d, de.Name()))
			}
		}
	}
	return out, nil
}

// importsOf resolves containerd's imports: globs, relative to the importing file.
func importsOf(root, file string, doc map[string]any) ([]string, error) {
	raw, ok := doc["imports"].([]any)
	if !ok {
		return nil, nil
	}
	var out []string
	for _, v := range raw {
		pat, ok := v.(string)
		if !ok {
			return out, fmt.Errorf("imports holds %v, not a path", v)
		}
		if !filepath.IsAbs(pat) {
			pat = filepath.Join(filepath.Dir(file), pat)
		}
		matches, err := filepath.Glob(filepath.Join(root, pat))
		if err != nil {
			return out, fmt.Errorf("imports %q: %w", pat, err)
		}
		sort.Strings(matches)
		for _, m := range matches {
			rel, err := filepath.Rel(root, m)
			if err != nil {
				return out, fmt.Errorf("imports %q: %w", pat, err)
			}
			out = append(out, "/"+rel)
		}
	}
	return out, nil
}

// readConfig reads an engine's TOML config, or its JSON one.
func readConfig(path string, isJSON bool) (map[string]any, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Size() > maxEngineConfig {
		return nil, fmt.Errorf("%d bytes is over the %d byte limit", st.Size(), maxEngineConfig)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	doc := map[string]any{}
	if isJSON {
		if err := json.Unmarshal(b, &doc); err != nil {
			return nil, err
		}
		return doc, nil
	}
	parsed, err := toml.Parse(b)
	if err != nil {
		return nil, err
	}
	return parsed.Root, nil
}

// walk calls fn with the dotted key and the string values of every string or array of
// strings in doc, in key order.
func walk(v any, key string, fn func(key string, values []string)) {
	join := func(k string) string {
		if key == "" {
			return k
		}
		return key + "." + k
	}
	switch t := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			walk(t[k], join(k), fn)
		}
	case []any:
		var strs []string
		for i, e := range t {
			if s, ok := e.(string); ok {
				strs = append(strs, s)
			} else {
				walk(e, fmt.Sprintf("%s[%d]", key, i), fn)
			}
		}
		if len(strs) > 0 {
			fn(key, strs)
		}
	case string:
		fn(key, []string{t})
	}
}

// anyExecutable reports whether one of the host paths is an executable file.
func anyExecutable(root string, paths []string) bool {
	for _, p := range paths {
		st, err := os.Stat(filepath.Join(root, p))
		if err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			return true
		}
	}
	return false
}
