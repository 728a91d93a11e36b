// Package contract holds the admin's capability contracts: which containers they apply
// to, what the workload must hold when it starts, and what to do when the spec disagrees.
package contract

import (
	"fmt"
	"strings"

	"github.com/oshim/oshim/internal/caps"
)

// Contract is one [[contract]] table of the admin config.
type Contract struct {
	Name  string
	Match Match
	// Require lists the caps the workload itself must hold when it starts.
	Require []CapName
	// Bounding says what bounding set the workload starts with.
	Bounding Bounding
	// OnSkew says what happens when the spec withholds a required cap.
	OnSkew OnSkew
	// Selectable lets a container pick this contract with the io.oshim.contract annotation.
	Selectable bool
	// Init injects oshim's in-container init, which verifies the capability state from
	// inside the container before the workload runs. nil means true.
	Init *bool
	// NoNewPrivs makes the rewrite set process.noNewPrivileges.
	NoNewPrivs bool
}

// WantsInit reports whether the in-container init is injected for this contract.
func (c *Contract) WantsInit() bool { return c.Init == nil || *c.Init }

// Required returns the required caps as a set.
func (c *Contract) Required() caps.Set {
	var s caps.Set
	for _, n := range c.Require {
		s = s.Add(caps.Cap(n))
	}
	return s
}

// grants reports whether the contract adds capabilities to a spec that withholds them.
// An unset on_skew means repair.
func (c *Contract) grants() bool {
	return len(c.Require) > 0 && (c.OnSkew == Repair || c.OnSkew == "")
}

// Validate checks what the field types cannot check alone. Errors name the contract.
func (c *Contract) Validate() error {
	if c.Name == "" {
		return fmt.Errorf("name is empty: every contract needs a unique name")
	}
	if !validName(c.Name) {
		return fmt.Errorf("contract %q: name may hold only letters, digits, '.', '_' and '-' (it is written into annotations)", c.Name)
	}
	if c.Bounding == BoundingClear && !c.WantsInit() {
		return fmt.Errorf("contract %q: bounding = \"clear\" needs the in-container init; remove init = false", c.Name)
	}
	if c.Bounding == BoundingClear && c.OnSkew == Report {
		return fmt.Errorf("contract %q: on_skew = \"report\" only observes (it lends, grants and refuses nothing), so it cannot clear the bounding set: use on_skew = \"repair\" or \"deny\" with bounding = \"clear\", or keep bounding = \"spec\"", c.Name)
	}
	if c.Selectable && c.grants() {
		return fmt.Errorf("contract %q: selectable = true with on_skew = \"repair\" and a require list would let any container gain %s by annotation; a contract that containers may pick must not grant: set on_skew = \"deny\" or \"report\", or remove selectable", c.Name, strings.Join(c.Required().Names(), ", "))
	}
	if c.Match.empty() && !c.Selectable {
		return fmt.Errorf("contract %q: it can never apply: give match.commands or match.annotations, match.all = true, or selectable = true", c.Name)
	}
	return nil
}

func validName(s string) bool {
	for _, r := range s {
		ok := r == '.' || r == '_' || r == '-' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
		if !ok {
			return false
		}
	}
	return len(s) <= 63
}

// CapName is a capability named in the config; it rejects unknown names when decoded.
type CapName caps.Cap

// UnmarshalText accepts "CAP_SETPCAP" (and "SETPCAP", any case).
func (n *CapName) UnmarshalText(b []byte) error {
	c, err := caps.Parse(string(b))
	if err != nil {
		return err
	}
	*n = CapName(c)
	return nil
}

// Bounding is the bounding set a contract gives the workload.
type Bounding string

const (
	// BoundingSpec keeps the spec's bounding set.
	BoundingSpec Bounding = "spec"
	// BoundingClear empties it, with CAP_SETPCAP lent to the init.
	BoundingClear Bounding = "clear"
)

// UnmarshalText accepts "spec" and "clear".
func (b *Bounding) UnmarshalText(t []byte) error {
	switch v := Bounding(t); v {
	case BoundingSpec, BoundingClear:
		*b = v
		return nil
	}
	return fmt.Errorf("bounding = %q: want \"spec\" or \"clear\"", t)
}

// OnSkew is what a contract does when the spec withholds a required cap.
type OnSkew string

const (
	// Repair adds the missing caps to the sets the workload needs them in.
	Repair OnSkew = "repair"
	// Report records the skew and changes nothing.
	Report OnSkew = "report"
	// Deny refuses to create the container.
	Deny OnSkew = "deny"
)

// strictness orders the modes by how little they grant: an annotation may only move a
// contract to a stricter mode.
func (o OnSkew) strictness() int {
	switch o {
	case Report:
		return 1
	case Deny:
		return 2
	}
	return 0
}

// UnmarshalText accepts "repair", "report" and "deny".
func (o *OnSkew) UnmarshalText(t []byte) error {
	switch v := OnSkew(t); v {
	case Repair, Report, Deny:
		*o = v
		return nil
	}
	return fmt.Errorf("on_skew = %q: want \"repair\", \"deny\" or \"report\"", t)
}
