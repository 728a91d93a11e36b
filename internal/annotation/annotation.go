// Package annotation is oshim's annotation namespace: every io.oshim.* key, which of
// them a container may set, and the rule that removes what oshim did not write.
//
// oshim owns the prefix. A container may set only the keys that choose or narrow its
// contract; every other io.oshim.* key is oshim's word about the container (what it
// found, what it changed, what the init measured), so a value that did not come from
// oshim must never be read as one.
package annotation

import "strings"

// Prefix starts every key oshim reads or writes.
const Prefix = "io.oshim."

// Keys a container may set. They can only choose a selectable contract or make the
// contract stricter; the node's admin config decides everything else.
const (
	// Contract names a selectable contract; oshim also writes it, with the name of the
	// contract that applied.
	Contract = Prefix + "contract"
	// OnSkew asks for a stricter on_skew ("report" or "deny").
	OnSkew = Prefix + "on-skew"
	// Bounding asks for bounding = "clear".
	Bounding = Prefix + "bounding"
)

// Keys only oshim writes.
const (
	// Skew is "missing=CAP_A,CAP_B" or "none".
	Skew = Prefix + "skew"
	// Repair says what the rewrite changed, or "none".
	Repair = Prefix + "repair"
	// Result is the init's measured outcome, added to `oshim state` output.
	Result = Prefix + "result"
	// Record names hook mode's record of a container (its id is unknown at precreate).
	Record = Prefix + "record"
)

// Requests are the keys a container may set, for engines that pass annotations through
// only when they are listed (containerd's pod_annotations, CRI-O's allowed_annotations).
var Requests = []string{Contract, OnSkew, Bounding}

// IsOshim reports whether key is in oshim's namespace.
func IsOshim(key string) bool { return strings.HasPrefix(key, Prefix) }

// IsRequest reports whether a container may set key itself.
func IsRequest(key string) bool {
	return key == Contract || key == OnSkew || key == Bounding
}
