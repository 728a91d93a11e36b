package install

import (
	"fmt"
	"path/filepath"
	"sort"
)

// Podman's containers.conf files, in the order it reads them (containers.conf(5)):
// later files override earlier ones key by key, and an array replaces the earlier array.
const (
	usrContainersConf = "/usr/share/containers/containers.conf"
	etcContainersConf = "/etc/containers/containers.conf"
)

// confSource is one place containers.conf settings come from: a file or a drop-in dir.
type confSource struct {
	path string
	dir  bool
}

// confChain returns the containers.conf files that exist, in reading order, with dropIn
// at its place whether it exists or not; dropIn's index is returned too.
func confChain(h Host, sources []confSource, dropIn string) ([]string, int, error) {
	dropInDir := filepath.Dir(dropIn)
	found := false
	for _, s := range sources {
		found = found || (s.dir && s.path == dropInDir)
	}
	if !found {
		sources = append(sources, confSource{path: dropInDir, dir: true})
	}
	var files []string
	self := -1
	for _, s := range sources {
		if !s.dir {
			f, err := h.read(s.path)
			if err != nil {
				return nil, 0, err
			}
			if f.exists {
				files = append(files, s.path)
			}
			continue
		}
		matches, err := h.glob(filepath.Join(s.path, "*.conf"))
		if err != nil {
			return nil, 0, err
		}
		if s.path == dropInDir {
			matches = union(matches, dropIn)
			sort.Strings(matches)
		}
		for _, m := range matches {
			if m == dropIn {
				self = len(files)
			}
			files = append(files, m)
		}
	}
	return files, self, nil
}

// engineList is the value of an [engine] array setting as the files before the drop-in
// leave it, and the files after it that set it again (and so override the drop-in).
type engineList struct {
	value     []string
	from      string // the file that set value; "" when nothing did
	overrides []string
}

// readEngineList reads key from the [engine] table of every file in the chain;
// defaults is Podman's built-in value.
func readEngineList(h Host, files []string, self int, key string, defaults []string) (engineList, error) {
	out := engineList{value: defaults}
	for i, p := range files {
		if i == self {
			continue
		}
		f, err := h.read(p)
		if err != nil || !f.exists {
			return out, err
		}
		m, err := decodeTOML(f.data)
		if err != nil {
			return out, fmt.Errorf("%s: %w", p, err)
		}
		v, ok := table(m, "engine")[key]
		if !ok {
			continue
		}
		if i > self {
			out.overrides = append(out.overrides, p)
			continue
		}
		list, appendMode, err := podmanList(v)
		if err != nil {
			return out, fmt.Errorf("%s: engine.%s: %w", p, key, err)
		}
		if appendMode {
			list = union(out.value, list...)
		}
		out.value, out.from = list, p
	}
	return out, nil
}

// podmanList reads a containers.conf array: strings, with newer Podman's optional
// {append = true} element that appends to the earlier value instead of replacing it.
func podmanList(v any) ([]string, bool, error) {
	arr, ok := v.([]any)
	if !ok {
		return nil, false, fmt.Errorf("not an array")
	}
	var out []string
	appendMode := false
	for _, e := range arr {
		switch e := e.(type) {
		case string:
			out = append(out, e)
		case map[string]any:
			a, _ := e["append"].(bool)
			appendMode = appendMode || a
		default:
			return nil, false, fmt.Errorf("holds a %T", e)
		}
	}
	return out, appendMode, nil
}
