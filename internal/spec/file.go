package spec

import (
	"fmt"
	"os"

	"github.com/oshim/oshim/internal/atomicfile"
	"github.com/oshim/oshim/internal/smallfile"
	"golang.org/x/sys/unix"
)

// MaxSize is the largest file Load accepts. Real config.json files are a few KiB; the
// limit keeps a corrupt or hostile file from exhausting oshim's memory.
const MaxSize = 16 << 20

// File is a JSON file loaded for patching and written back atomically.
type File struct {
	// Path is the file's path as given to Load; Save replaces this name.
	Path string
	// Mode holds the permission bits Save gives the new file (those of the loaded one).
	Mode os.FileMode
	// Object is the file's content.
	Object *Object

	// owner is the loaded file's owner, restored by Save; nil for a File not made by Load.
	owner *unix.Stat_t
	// loaded is the Object Load parsed, to notice when a caller replaced it.
	loaded *Object
}

// Load reads and parses the JSON object in path, following symlinks as the runtimes
// do. It rejects anything but a regular file (directories, FIFOs, devices, sockets), a
// file larger than MaxSize, and content ParseObject rejects. Errors name the path.
func Load(path string) (*File, error) {
	data, st, err := smallfile.Read(path, MaxSize)
	if err != nil {
		return nil, err
	}
	obj, err := parseObject(data)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	return &File{Path: path, Mode: os.FileMode(st.Mode & 0o777), Object: obj, loaded: obj, owner: st}, nil
}

// Changed reports whether the content may differ from what was loaded or last saved:
// a Set or Delete altered a value, or Object was replaced. A Set that writes a value
// equal to the old one apart from whitespace is not a change.
func (f *File) Changed() bool {
	return f.Object != f.loaded || f.Object.changed
}

// Save writes Object to Path atomically: a temporary file in the same directory, given
// Mode and the loaded file's owner, is renamed over Path, so no reader ever sees a mix
// of old and new, and the temporary file is removed on any failure. Nothing is synced
// (about 0.5 ms per container on ext4): a spec lives as long as the container it
// describes, which a crash of the machine ends; engines keep bundles on a tmpfs or
// write them anew for each start, and oshim rewrites whatever spec the next create
// finds, as the runtime, which copies the spec into its state unsynced, reads it. A
// symlink at Path is replaced by a regular file; its target is left as it was.
func (f *File) Save() error {
	if f.Object == nil {
		return fmt.Errorf("save %s: no object", f.Path)
	}
	data, err := f.Object.Marshal()
	if err != nil {
		return fmt.Errorf("save %s: %w", f.Path, err)
	}
	opts := []atomicfile.Option{atomicfile.Volatile()}
	if f.owner != nil {
		opts = append(opts, atomicfile.Owner(f.owner.Uid, f.owner.Gid))
	}
	if err := atomicfile.Write(f.Path, data, f.Mode, opts...); err != nil {
		return fmt.Errorf("save %s: %w", f.Path, err)
	}
	f.loaded = f.Object
	f.Object.changed = false
	return nil
}
