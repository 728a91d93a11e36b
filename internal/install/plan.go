package install

import (
	"bytes"
	"fmt"
	"io/fs"
)

// Target is one engine config that oshim can be installed into: Podman, Containerd
// and Crio.
type Target interface {
	// Engine names the engine: "podman", "containerd" or "crio".
	Engine() string
	// Key is the engine config the install is about; it names the manifest.
	Key() string
	// plan returns the files the install wants, given the previous install's record.
	plan(h Host, prev *Manifest) (*plan, error)
}

// resolver is a Target that reads the host to settle what it is about (containerd's
// layout) before its manifest is looked up.
type resolver interface {
	resolve(h Host) error
}

func resolveTarget(t Target, h Host) error {
	if r, ok := t.(resolver); ok {
		return r.resolve(h)
	}
	return nil
}

// plan is what one install wants on disk.
type plan struct {
	binary string
	wants  []want
	notes  []string
	// next tells the admin what to do after the files are written.
	next string
}

// want is one file an install wants: its whole content, or an edit of an admin's file.
type want struct {
	path string
	what string // for the output: "containerd config", "Podman drop-in", ...
	mode fs.FileMode
	data []byte
	edit *Edit
	// keepExisting marks a file that, once present, is the admin's: never replaced.
	keepExisting bool
	// check validates an edited file's new content before anything is written.
	check func([]byte) error
	// backup names the copy of an edited file's original; path+backupSuffix when empty.
	backup string
}

// change is one write or removal that install or uninstall will make.
type change struct {
	path   string
	what   string
	old    file
	data   []byte
	mode   fs.FileMode
	remove bool
	backup string // for an edit: where the original was saved
}

// backupSuffix names the copy of an edited file's original next to it.
const backupSuffix = ".oshim-backup"

// build turns a plan into the changes it needs and the manifest that records them.
func (p *plan) build(h Host, t Target, prev *Manifest) ([]change, *Manifest, []string, error) {
	next := &Manifest{Engine: t.Engine(), Target: t.Key(), Binary: p.binary}
	notes := append([]string(nil), p.notes...)
	var changes []change
	wanted := map[string]bool{}
	addFile := func(w want) error {
		wanted[w.path] = true
		cur, err := h.read(w.path)
		if err != nil {
			return err
		}
		rec := prev.record(w.path)
		ours := rec != nil && rec.Action == Created && rec.SHA256 == contentSHA256(cur.data)
		switch {
		case !cur.exists || ours:
		case w.keepExisting:
			notes = append(notes, fmt.Sprintf("kept the existing %s %s", w.what, w.path))
			return nil
		case rec != nil:
			return fmt.Errorf("%s was changed since oshim installed it: move it away (or restore it) and run install again", w.path)
		case bytes.Equal(cur.data, w.data):
			notes = append(notes, fmt.Sprintf("%s already held what install writes: it is now recorded as oshim's", w.path))
		default:
			return fmt.Errorf("%s exists and was not written by oshim install: move it away first", w.path)
		}
		next.Files = append(next.Files, Record{Path: w.path, Action: Created, SHA256: contentSHA256(w.data)})
		if !bytes.Equal(cur.data, w.data) || !cur.exists {
			changes = append(changes, change{path: w.path, what: w.what, old: cur, data: w.data, mode: w.mode})
		}
		return nil
	}
	for _, w := range p.wants {
		if w.edit == nil {
			if err := addFile(w); err != nil {
				return nil, nil, nil, err
			}
			continue
		}
		wanted[w.path] = true
		cur, err := h.read(w.path)
		if err != nil {
			return nil, nil, nil, err
		}
		base, original := cur.data, cur.data
		rec := prev.record(w.path)
		if rec != nil && rec.Edit != nil {
			if base, err = rec.Edit.revert(cur.data); err != nil {
				return nil, nil, nil, fmt.Errorf("%s: undo the previous install: %w", w.path, err)
			}
			// Unchanged since: the recorded bytes are exact. Changed by others since: their
			// changes are part of what uninstall must give back.
			original = base
			if contentSHA256(cur.data) == rec.SHA256 {
				original = rec.Original
			}
		}
		out, done, err := w.edit.apply(base)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("edit %s: %w", w.path, err)
		}
		if w.check != nil {
			if err := w.check(out); err != nil {
				return nil, nil, nil, fmt.Errorf("edit %s: the result would be wrong, so nothing was written: %w", w.path, err)
			}
		}
		if done == nil {
			continue
		}
		var backup string
		if cur.exists {
			backup = w.backup
			if backup == "" {
				backup = w.path + backupSuffix
			}
			b := want{path: backup, what: "copy of the original", mode: cur.mode, data: original}
			if err := addFile(b); err != nil {
				return nil, nil, nil, err
			}
		}
		next.Files = append(next.Files, Record{Path: w.path, Action: Edited, SHA256: contentSHA256(out), Original: original, Edit: done})
		if !bytes.Equal(out, cur.data) {
			changes = append(changes, change{path: w.path, what: w.what, old: cur, data: out, mode: modeOr(cur, w.mode), backup: backup})
		}
	}
	if prev != nil {
		for i := len(prev.Files) - 1; i >= 0; i-- {
			if wanted[prev.Files[i].Path] {
				continue
			}
			c, note, err := undo(h, prev.Files[i], nil)
			if err != nil {
				return nil, nil, nil, err
			}
			if note != "" {
				notes = append(notes, note)
			}
			if c != nil {
				changes = append(changes, *c)
			}
		}
	}
	return changes, next, notes, nil
}

// undo returns the change that removes what rec says install did, if any. shared
// lists paths that another install still uses: those stay.
func undo(h Host, rec Record, shared map[string]bool) (*change, string, error) {
	cur, err := h.read(rec.Path)
	if err != nil || !cur.exists {
		return nil, "", err
	}
	switch rec.Action {
	case Created:
		switch {
		case contentSHA256(cur.data) != rec.SHA256:
			return nil, fmt.Sprintf("kept %s: it was changed since oshim wrote it", rec.Path), nil
		case shared[rec.Path]:
			return nil, fmt.Sprintf("kept %s: another oshim install uses it", rec.Path), nil
		}
		return &change{path: rec.Path, old: cur, remove: true}, "", nil
	case Edited:
		data := rec.Original
		if contentSHA256(cur.data) != rec.SHA256 {
			if rec.Edit == nil {
				return nil, "", fmt.Errorf("%s: no record of the edit to undo", rec.Path)
			}
			if data, err = rec.Edit.revert(cur.data); err != nil {
				return nil, "", fmt.Errorf("%s: %w", rec.Path, err)
			}
			if rec.Edit.equivalent(data, rec.Original) {
				data = rec.Original
			}
		}
		if bytes.Equal(data, cur.data) {
			return nil, "", nil
		}
		return &change{path: rec.Path, old: cur, data: data, mode: cur.mode}, "", nil
	}
	return nil, "", fmt.Errorf("%s: unknown action %q in the manifest", rec.Path, rec.Action)
}

func modeOr(f file, mode fs.FileMode) fs.FileMode {
	if f.exists {
		return f.mode
	}
	return mode
}
