package rewrite

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/oshim/oshim/internal/annotation"
	"github.com/oshim/oshim/internal/spec"
)

// Scrub removes from a spec's annotations every io.oshim.* key a container may not set
// itself: what oshim writes there is its word about the container, and a value it did
// not write must never be read as that. It returns the keys removed.
func Scrub(o *spec.Object) ([]string, error) {
	var all map[string]json.RawMessage
	if _, err := o.Lookup(&all, "annotations"); err != nil {
		return nil, fmt.Errorf("annotations: %w", err)
	}
	var forged []string
	for k := range all {
		if annotation.IsOshim(k) && !annotation.IsRequest(k) {
			forged = append(forged, k)
		}
	}
	sort.Strings(forged)
	for _, k := range forged {
		if err := o.Delete("annotations", k); err != nil {
			return nil, fmt.Errorf("remove annotation %s: %w", k, err)
		}
	}
	return forged, nil
}
