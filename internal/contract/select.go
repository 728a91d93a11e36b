package contract

import (
	"fmt"
	"sort"
	"strings"
)

// Annotations a container may carry to choose or narrow its contract. They can never
// widen one: the people who write pod specs are not the people who write node config.
const (
	AnnotationName     = "io.oshim.contract"
	AnnotationOnSkew   = "io.oshim.on-skew"
	AnnotationBounding = "io.oshim.bounding"
)

// Set is the admin's validated contracts, in file order.
type Set struct {
	list []Contract
}

// NewSet validates the contracts and returns warnings for things that work but are
// probably not what the admin meant.
func NewSet(list []Contract) (*Set, []string, error) {
	seen := map[string]bool{}
	var warnings []string
	for i := range list {
		c := &list[i]
		if err := c.Validate(); err != nil {
			return nil, nil, fmt.Errorf("contract #%d: %w", i+1, err)
		}
		if seen[c.Name] {
			return nil, nil, fmt.Errorf("contract #%d: name %q is used twice", i+1, c.Name)
		}
		seen[c.Name] = true
		if err := c.Match.compile(); err != nil {
			return nil, nil, fmt.Errorf("contract %q: %w", c.Name, err)
		}
		if c.Bounding == "" {
			c.Bounding = BoundingSpec
		}
		if c.OnSkew == "" {
			c.OnSkew = Repair
		}
		if un := c.Match.unanchored(); len(un) > 0 {
			warnings = append(warnings, fmt.Sprintf("contract %q: patterns not anchored with ^...$ match substrings: %s", c.Name, strings.Join(un, ", ")))
		}
	}
	return &Set{list: list}, warnings, nil
}

// Len is the number of contracts.
func (s *Set) Len() int {
	if s == nil {
		return 0
	}
	return len(s.list)
}

// Lookup returns the contract with this name.
func (s *Set) Lookup(name string) (*Contract, bool) {
	for i := range s.list {
		if s.list[i].Name == name {
			return &s.list[i], true
		}
	}
	return nil, false
}

// Select returns the contract that applies to a container, narrowed by its annotations,
// or nil when none applies. The result is a copy the caller may keep.
func (s *Set) Select(arg0 string, annotations map[string]string) (*Contract, error) {
	if s.Len() == 0 {
		return nil, nil
	}
	var matched *Contract
	for i := range s.list {
		if s.list[i].Match.Matches(arg0, annotations) {
			matched = &s.list[i]
			break
		}
	}
	chosen := matched
	if name, ok := annotations[AnnotationName]; ok {
		picked, found := s.Lookup(name)
		switch {
		case !found:
			return nil, fmt.Errorf("annotation %s=%q names no contract in the node's config (known: %s)", AnnotationName, name, strings.Join(s.names(), ", "))
		case matched != nil && matched != picked:
			return nil, fmt.Errorf("annotation %s=%q cannot replace contract %q, which the node's match rules apply to this container", AnnotationName, name, matched.Name)
		case matched == nil && !picked.Selectable:
			return nil, fmt.Errorf("annotation %s=%q: that contract is not selectable by annotation (the admin must set selectable = true)", AnnotationName, name)
		}
		chosen = picked
	}
	if chosen == nil {
		return nil, nil
	}
	c := *chosen
	if err := c.narrow(annotations); err != nil {
		return nil, fmt.Errorf("contract %q: %w", c.Name, err)
	}
	return &c, nil
}

// narrow applies the annotations that may only make a contract stricter.
func (c *Contract) narrow(annotations map[string]string) error {
	if v, ok := annotations[AnnotationOnSkew]; ok {
		var o OnSkew
		if err := o.UnmarshalText([]byte(v)); err != nil {
			return fmt.Errorf("annotation %s: %w", AnnotationOnSkew, err)
		}
		if o.strictness() < c.OnSkew.strictness() {
			return fmt.Errorf("annotation %s=%s would loosen on_skew = %q; annotations may only make a contract stricter", AnnotationOnSkew, v, c.OnSkew)
		}
		c.OnSkew = o
	}
	if v, ok := annotations[AnnotationBounding]; ok {
		var b Bounding
		if err := b.UnmarshalText([]byte(v)); err != nil {
			return fmt.Errorf("annotation %s: %w", AnnotationBounding, err)
		}
		if b == BoundingSpec && c.Bounding == BoundingClear {
			return fmt.Errorf("annotation %s=spec would keep the bounding set that the contract clears; annotations may only make a contract stricter", AnnotationBounding)
		}
		if b == BoundingClear && !c.WantsInit() {
			return fmt.Errorf("annotation %s=clear needs the in-container init, which this contract disables (init = false)", AnnotationBounding)
		}
		c.Bounding = b
	}
	return nil
}

func (s *Set) names() []string {
	out := make([]string, 0, len(s.list))
	for _, c := range s.list {
		out = append(out, c.Name)
	}
	sort.Strings(out)
	return out
}
