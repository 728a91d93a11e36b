package install

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/oshim/oshim/internal/digest"
)

// DefaultStateDir is where install keeps its manifests (a host path).
const DefaultStateDir = "/etc/oshim/installed"

// manifestMode keeps manifests to root: they hold the original bytes of the engine
// configs install edited, which can carry secrets (registry credentials in a 0600
// containerd config).
const manifestMode = 0o600

// Manifest is what one install did, so that a later install or uninstall knows which
// files are oshim's and what an edited file held before.
type Manifest struct {
	// Engine is "podman", "containerd" or "crio".
	Engine string `json:"engine"`
	// Target is the engine config this install is about (the manifest's key).
	Target string `json:"target"`
	// Binary is the oshim path that was registered.
	Binary string `json:"binary"`
	// Files are in the order they were written; uninstall goes backwards.
	Files []Record `json:"files"`
	// Dirs are the directories install created for its files and manifests; uninstall
	// removes those that end up empty.
	Dirs []string `json:"dirs,omitempty"`
}

// Action says how install touched a file.
type Action string

const (
	// Created: install wrote the whole file, which did not exist.
	Created Action = "create"
	// Edited: install changed part of an admin's file.
	Edited Action = "edit"
)

// Record is one file install wrote or edited.
type Record struct {
	Path   string `json:"path"`
	Action Action `json:"action"`
	// SHA256 is the content install left, to tell whether someone changed it since.
	SHA256 string `json:"sha256"`
	// Original is an edited file's content before the first install (base64 in JSON).
	Original []byte `json:"original,omitempty"`
	// Edit is the change made to an edited file, to undo it after later changes by others.
	Edit *Edit `json:"edit,omitempty"`
}

// manifestPath names the manifest of one engine config: the target's hash keeps two
// installs (say, two containerd configs) apart.
func manifestPath(stateDir, engine, target string) string {
	sum := digest.Sum256([]byte(target))
	return filepath.Join(stateDir, engine+"-"+hex.EncodeToString(sum[:6])+".json")
}

func loadManifest(h Host, path string) (*Manifest, error) {
	f, err := h.read(path)
	if err != nil || !f.exists {
		return nil, err
	}
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(f.data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("manifest %s: %w", path, err)
	}
	return &m, nil
}

func (m *Manifest) encode() []byte {
	data, _ := json.MarshalIndent(m, "", "  ") // only strings, bytes and slices: cannot fail
	return append(data, '\n')
}

// record returns the record for path, or nil.
func (m *Manifest) record(path string) *Record {
	if m == nil {
		return nil
	}
	for i := range m.Files {
		if m.Files[i].Path == path {
			return &m.Files[i]
		}
	}
	return nil
}

func contentSHA256(data []byte) string {
	sum := digest.Sum256(data)
	return hex.EncodeToString(sum[:])
}
