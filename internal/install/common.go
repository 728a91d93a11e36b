package install

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/oshim/oshim/install/presets"
)

// checkBinary makes sure the path registered with an engine is oshim's absolute path and
// exists: an engine given a wrong path fails every container.
func checkBinary(h Host, binary string) error {
	if binary == "" || !filepath.IsAbs(binary) {
		return fmt.Errorf("oshim's path %q must be absolute", binary)
	}
	st, err := os.Stat(h.path(binary))
	if err != nil {
		return fmt.Errorf("oshim binary: %w", err)
	}
	if !st.Mode().IsRegular() || st.Mode()&0o111 == 0 {
		return fmt.Errorf("oshim binary %s is not executable", h.path(binary))
	}
	return nil
}

// adminConfigWants returns the preset admin config for path, if a path is given. It is
// written only where no config exists.
func adminConfigWants(path string) []want {
	if path == "" {
		return nil
	}
	return []want{{path: path, what: "oshim admin config, sandbox-supervisor preset", mode: 0o644, data: presets.Config, keepExisting: true}}
}

// baseContent returns a file as found, and its content without what the previous
// install added to it.
func baseContent(h Host, path string, prev *Manifest) ([]byte, file, error) {
	cur, err := h.read(path)
	if err != nil {
		return nil, cur, err
	}
	rec := prev.record(path)
	if rec != nil && rec.Action == Created && cur.exists && contentSHA256(cur.data) == rec.SHA256 {
		// The previous install wrote the whole file: without it there is nothing.
		return nil, file{}, nil
	}
	if rec == nil || rec.Edit == nil || !cur.exists {
		return cur.data, cur, nil
	}
	base, err := rec.Edit.revert(cur.data)
	if err != nil {
		return nil, cur, fmt.Errorf("%s: undo the previous install: %w", path, err)
	}
	return base, cur, nil
}

// validName accepts names that are safe as TOML keys, file names and Kubernetes handlers.
func validName(s string) bool {
	if s == "" || len(s) > 63 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isBare(s[i]) && s[i] != '.' {
			return false
		}
	}
	return true
}
