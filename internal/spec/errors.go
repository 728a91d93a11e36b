package spec

import (
	"errors"
	"fmt"
)

// ErrNotFound reports that a value a caller requires is absent (or null).
var ErrNotFound = errors.New("not found")

// SyntaxError describes input that is not one well-formed JSON object.
type SyntaxError struct {
	// Offset is the byte offset in the input where the problem was found.
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at byte offset %d: %s", e.Offset, e.Msg)
}

// DuplicateKeyError reports a key that appears twice in one object. Parsers disagree on
// which of the two values wins, so such a file could mean different things to oshim and
// to the runtime.
type DuplicateKeyError struct {
	// Path names the duplicated key, e.g. `mounts[2].options` or `annotations."a.b"`.
	Path string
	// Offset is the byte offset of the second occurrence.
	Offset int
}

func (e *DuplicateKeyError) Error() string {
	return fmt.Sprintf("duplicate key %s at byte offset %d", e.Path, e.Offset)
}
