package install

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/oshim/oshim/internal/atomicfile"
)

// Options are what every install and uninstall share.
type Options struct {
	// Host is the file system to work on.
	Host Host
	// StateDir holds the manifests (a host path); DefaultStateDir when empty.
	StateDir string
	// DryRun prints what would be written and changes nothing.
	DryRun bool
	// Out receives the report of what was (or would be) done.
	Out io.Writer
}

func (o Options) stateDir() string {
	if o.StateDir == "" {
		return DefaultStateDir
	}
	return o.StateDir
}

// Install registers oshim with the target's engine. Run twice, the second run changes
// nothing and says so.
func Install(t Target, o Options) error {
	if err := resolveTarget(t, o.Host); err != nil {
		return err
	}
	mpath := manifestPath(o.stateDir(), t.Engine(), t.Key())
	prev, err := loadManifest(o.Host, mpath)
	if err != nil {
		return err
	}
	p, err := t.plan(o.Host, prev)
	if err != nil {
		return err
	}
	changes, next, notes, err := p.build(o.Host, t, prev)
	if err != nil {
		return err
	}
	mcur, err := o.Host.read(mpath)
	if err != nil {
		return err
	}
	next.Dirs = newDirs(o.Host, prev, append(changes, change{path: mpath}))
	mdata := next.encode()
	if len(next.Files) == 0 {
		mdata = nil
	}
	manifestChanged := string(mcur.data) != string(mdata) || mcur.exists != (mdata != nil)
	if len(changes) == 0 && !manifestChanged {
		printNotes(o.Out, notes)
		fmt.Fprintf(o.Out, "oshim is already installed for %s (%s): nothing changed\n", t.Engine(), t.Key())
		return nil
	}
	if o.DryRun {
		fmt.Fprintf(o.Out, "dry run: nothing is written\n")
		describe(o.Out, changes)
		if manifestChanged {
			fmt.Fprintf(o.Out, "--- would record the install in %s\n", mpath)
		}
		printNotes(o.Out, notes)
		return nil
	}
	// The manifest goes first: a crash half-way leaves a record that covers every file
	// written, and running install again completes the job.
	if manifestChanged {
		mc := change{path: mpath, old: mcur, data: mdata, mode: manifestMode, remove: mdata == nil}
		if err := apply(o.Host, mc); err != nil {
			return err
		}
	}
	for _, c := range changes {
		if err := apply(o.Host, c); err != nil {
			return err
		}
		report(o.Out, c)
	}
	printNotes(o.Out, notes)
	if p.next != "" {
		fmt.Fprintln(o.Out, p.next)
	}
	return nil
}

// Uninstall undoes what Install did for the target: files it created go (unless changed
// since), files it edited get their original bytes back (or, when changed since, lose
// just what install added).
func Uninstall(t Target, o Options) error {
	if err := resolveTarget(t, o.Host); err != nil {
		return err
	}
	mpath := manifestPath(o.stateDir(), t.Engine(), t.Key())
	m, err := loadManifest(o.Host, mpath)
	if err != nil {
		return err
	}
	if m == nil {
		fmt.Fprintf(o.Out, "oshim is not installed for %s (%s): nothing to do\n", t.Engine(), t.Key())
		return nil
	}
	shared, err := sharedPaths(o.Host, o.stateDir(), mpath)
	if err != nil {
		return err
	}
	var changes []change
	var notes []string
	var problems []error
	var left []Record
	for i := len(m.Files) - 1; i >= 0; i-- {
		c, note, err := undo(o.Host, m.Files[i], shared)
		switch {
		case err != nil:
			problems = append(problems, err)
			left = append([]Record{m.Files[i]}, left...)
		case c != nil:
			changes = append(changes, *c)
		}
		if note != "" {
			notes = append(notes, note)
		}
	}
	if o.DryRun {
		fmt.Fprintf(o.Out, "dry run: nothing is written\n")
		describe(o.Out, changes)
		printNotes(o.Out, notes)
		return errors.Join(problems...)
	}
	for _, c := range changes {
		if err := apply(o.Host, c); err != nil {
			return err
		}
		report(o.Out, c)
	}
	mc := change{path: mpath, remove: true}
	if len(left) > 0 {
		rest := *m
		rest.Files = left
		mc = change{path: mpath, data: rest.encode(), mode: manifestMode}
	}
	if err := apply(o.Host, mc); err != nil {
		return err
	}
	if len(left) == 0 {
		removeEmptyDirs(o.Host, o.Out, m.Dirs)
	}
	printNotes(o.Out, notes)
	if len(problems) > 0 {
		return fmt.Errorf("uninstall %s left some changes in place (kept in %s): %w", t.Engine(), mpath, errors.Join(problems...))
	}
	fmt.Fprintf(o.Out, "oshim is uninstalled from %s (%s)\n", t.Engine(), t.Key())
	return nil
}

// sharedPaths returns the files other installs' manifests record: the admin config is
// written by whichever install comes first and used by all.
func sharedPaths(h Host, stateDir, self string) (map[string]bool, error) {
	paths, err := h.glob(filepath.Join(stateDir, "*.json"))
	if err != nil {
		return nil, err
	}
	shared := map[string]bool{}
	for _, p := range paths {
		if p == self {
			continue
		}
		m, err := loadManifest(h, p)
		if err != nil {
			return nil, err
		}
		for _, r := range m.Files {
			shared[r.Path] = true
		}
	}
	return shared, nil
}

func apply(h Host, c change) error {
	p := h.path(c.path)
	if c.remove {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove %s: %w", c.path, err)
		}
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("create the directory of %s: %w", c.path, err)
	}
	return atomicfile.Write(p, c.data, c.mode)
}

func report(w io.Writer, c change) {
	switch {
	case c.remove:
		fmt.Fprintf(w, "removed %s\n", c.path)
	case !c.old.exists:
		fmt.Fprintf(w, "created %s (%s)\n", c.path, c.what)
	case c.backup != "":
		fmt.Fprintf(w, "edited %s (%s; the original is in %s)\n", c.path, c.what, c.backup)
	case c.what == "":
		fmt.Fprintf(w, "restored %s\n", c.path)
	default:
		fmt.Fprintf(w, "updated %s (%s)\n", c.path, c.what)
	}
}

// describe prints the changes of a dry run: new files in full, edits as a diff.
func describe(w io.Writer, changes []change) {
	for _, c := range changes {
		switch {
		case c.remove:
			fmt.Fprintf(w, "--- would remove %s\n", c.path)
		case !c.old.exists:
			fmt.Fprintf(w, "--- would create %s (%s), mode %04o:\n%s", c.path, c.what, c.mode.Perm(), withNewline(c.data))
		default:
			fmt.Fprintf(w, "--- would change %s:\n", c.path)
			if d, ok := unifiedDiff(string(c.old.data), string(c.data)); ok {
				fmt.Fprint(w, d)
			} else {
				fmt.Fprintf(w, "(too large to diff; the new content:)\n%s", withNewline(c.data))
			}
		}
	}
}

func withNewline(b []byte) string {
	s := string(b)
	if !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return s
}

func printNotes(w io.Writer, notes []string) {
	for _, n := range notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
}

// newDirs lists the directories install creates for changes, after those an earlier
// install (prev) created: every missing ancestor of a file it writes.
func newDirs(h Host, prev *Manifest, changes []change) []string {
	var dirs []string
	seen := map[string]bool{}
	if prev != nil {
		for _, d := range prev.Dirs {
			dirs, seen[d] = append(dirs, d), true
		}
	}
	for _, c := range changes {
		if c.remove {
			continue
		}
		for d := filepath.Dir(c.path); d != "/" && d != "." && !seen[d]; d = filepath.Dir(d) {
			if _, err := os.Lstat(h.path(d)); err == nil {
				break
			}
			dirs, seen[d] = append(dirs, d), true
		}
	}
	return dirs
}

// removeEmptyDirs removes the directories install created, deepest first, where
// nothing else has been put since: another install's files, or the admin's, keep
// theirs.
func removeEmptyDirs(h Host, out io.Writer, dirs []string) {
	sorted := slices.Clone(dirs)
	slices.SortFunc(sorted, func(a, b string) int { return strings.Count(b, "/") - strings.Count(a, "/") })
	for _, d := range sorted {
		if err := os.Remove(h.path(d)); err == nil {
			fmt.Fprintf(out, "removed %s/\n", d)
		}
	}
}
