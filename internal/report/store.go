package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/oshim/oshim/internal/atomicfile"
)

// Store keeps one directory per contracted container under a run directory. Container
// ids are only unique within one runtime root (containerd gives each namespace its own),
// so the root is part of the key.
type Store struct {
	Dir string
}

const recordFile = "container.json"

// ContainerDir is the directory of one container's files.
func (s Store) ContainerDir(root, id string) (string, error) {
	if err := ValidateID(id); err != nil {
		return "", err
	}
	return filepath.Join(s.Dir, rootKey(root), id), nil
}

// rootKey names a runtime root by a short hash: roots are long absolute paths.
func rootKey(root string) string {
	if root == "" {
		return "default"
	}
	sum := sha256.Sum256([]byte(filepath.Clean(root)))
	return hex.EncodeToString(sum[:8])
}

// ValidateID accepts the container ids runc accepts: letters, digits, '_', '+', '-', '.'
// (but not "." or ".."), so an id can never escape the run directory.
func ValidateID(id string) error {
	if id == "" || id == "." || id == ".." || len(id) > 1024 {
		return fmt.Errorf("invalid container id %q", id)
	}
	for _, r := range id {
		ok := r == '_' || r == '+' || r == '-' || r == '.' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
		if !ok {
			return fmt.Errorf("invalid container id %q: only letters, digits and _+-. are allowed", id)
		}
	}
	return nil
}

// Save writes the record atomically, creating the container's directory. It does not
// fsync: a record describes a container that a crash of the machine ends.
func (s Store) Save(c *Container) error {
	dir, err := s.ContainerDir(c.Root, c.ID)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return fmt.Errorf("encode record of %s: %w", c.ID, err)
	}
	return atomicfile.Write(filepath.Join(dir, recordFile), append(data, '\n'), 0o600, atomicfile.Volatile())
}

// Load reads a container's record. found is false when the container has none, which
// means oshim applied no contract to it.
func (s Store) Load(root, id string) (c *Container, found bool, err error) {
	dir, err := s.ContainerDir(root, id)
	if err != nil {
		return nil, false, err
	}
	p := filepath.Join(dir, recordFile)
	data, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read %s: %w", p, err)
	}
	c = &Container{}
	if err := json.Unmarshal(data, c); err != nil {
		return nil, false, fmt.Errorf("decode %s: %w", p, err)
	}
	return c, true, nil
}

// Remove deletes a container's directory and everything in it.
func (s Store) Remove(root, id string) error {
	dir, err := s.ContainerDir(root, id)
	if err != nil {
		return err
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("remove %s: %w", dir, err)
	}
	return nil
}

// InitDir is the directory mounted into a container at the init's mount point: the
// container's own copy of oshim-init and the result FIFO. It is kept apart from the record,
// which the container must not see.
func (s Store) InitDir(root, id string) (string, error) {
	dir, err := s.ContainerDir(root, id)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "init"), nil
}
