package hook

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"

	"github.com/oshim/oshim/internal/records"
)

// State is the container state a standard-stage hook reads on stdin (runtime-spec
// "State"): only what the hooks use.
type State struct {
	ID     string `json:"id"`
	Bundle string `json:"bundle"`
}

// ReadState decodes the state on r and checks what the hooks rely on: a valid id (it
// names a record directory) and an absolute bundle path.
func ReadState(r io.Reader) (*State, error) {
	data, err := readLimited(r, maxState, "container state")
	if err != nil {
		return nil, err
	}
	var s State
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("decode container state: %w", err)
	}
	if err := records.ValidateID(s.ID); err != nil {
		return nil, fmt.Errorf("container state: %w", err)
	}
	if !filepath.IsAbs(s.Bundle) {
		return nil, fmt.Errorf("container state of %s: bundle %q is not an absolute path", s.ID, s.Bundle)
	}
	return &s, nil
}

// configPath is the bundle's config.json.
func (s *State) configPath() string { return filepath.Join(filepath.Clean(s.Bundle), "config.json") }
