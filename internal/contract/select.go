package contract

import (
	"fmt"
	"sort"
	"strings"

	"github.com/oshim/oshim/internal/annotation"
)

// InvalidError is a contract the config cannot hold, by its place in the file.
type InvalidError struct {
	// Index counts the [[contract]] tables from 0.
	Index int
	Err   error
}

func (e *InvalidError) Error() string { return fmt.Sprintf("contract #%d: %v", e.Index+1, e.Err) }

func (e *InvalidError) Unwrap() error { return e.Err }

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
			return nil, nil, &InvalidError{Index: i, Err: err}
		}
		if seen[c.Name] {
			return nil, nil, &InvalidError{Index: i, Err: fmt.Errorf("name %q is used twice", c.Name)}
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
	if name, ok := annotations[annotation.Contract]; ok {
		picked, found := s.Lookup(name)
		switch {
		case !found:
			return nil, fmt.Errorf("annotation %s=%q names no contract in the node's config (known: %s)", annotation.Contract, name, strings.Join(s.names(), ", "))
		case matched != nil && matched != picked:
			return nil, fmt.Errorf("annotation %s=%q cannot replace contract %q, which the node's match rules apply to this container", annotation.Contract, name, matched.Name)
		case matched == nil && !picked.Selectable:
			return nil, fmt.Errorf("annotation %s=%q: that contract is not selectable by annotation (the admin must set selectable = true)", annotation.Contract, name)
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

// narrow applies the annotations that may only make a contract stricter. The result
// must still be a contract the admin could have written: report mode observes only, so
// it never meets a bounding set the contract clears.
func (c *Contract) narrow(annotations map[string]string) error {
	if v, ok := annotations[annotation.OnSkew]; ok {
		var o OnSkew
		if err := o.UnmarshalText([]byte(v)); err != nil {
			return fmt.Errorf("annotation %s: %w", annotation.OnSkew, err)
		}
		if o.strictness() < c.OnSkew.strictness() {
			return fmt.Errorf("annotation %s=%s would loosen on_skew = %q; annotations may only make a contract stricter", annotation.OnSkew, v, c.OnSkew)
		}
		c.OnSkew = o
	}
	if v, ok := annotations[annotation.Bounding]; ok {
		var b Bounding
		if err := b.UnmarshalText([]byte(v)); err != nil {
			return fmt.Errorf("annotation %s: %w", annotation.Bounding, err)
		}
		if b == BoundingSpec && c.Bounding == BoundingClear {
			return fmt.Errorf("annotation %s=spec would keep the bounding set that the contract clears; annotations may only make a contract stricter", annotation.Bounding)
		}
		if b == BoundingClear && !c.WantsInit() {
			return fmt.Errorf("annotation %s=clear needs the in-container init, which this contract disables (init = false)", annotation.Bounding)
		}
		c.Bounding = b
	}
	if c.Bounding == BoundingClear && c.OnSkew == Report {
		return fmt.Errorf("annotations ask for on_skew = \"report\" with bounding = \"clear\": report mode only observes, so it cannot clear the bounding set; ask for %s=deny instead", annotation.OnSkew)
	}
	return nil
}

// Explain is Select with the reasons: for each contract in file order up to the one
// chosen, why its match rules hold or not, then how annotations chose or narrowed it.
func (s *Set) Explain(arg0 string, annotations map[string]string) (*Contract, []string, error) {
	c, err := s.Select(arg0, annotations)
	if err != nil {
		return nil, nil, err
	}
	var why []string
	for i := range s.list {
		k := &s.list[i]
		ok, reasons := k.Match.Explain(arg0, annotations)
		for _, w := range reasons {
			why = append(why, fmt.Sprintf("contract %q: %s", k.Name, w))
		}
		if c != nil && k.Name == c.Name {
			if !ok {
				why = append(why, fmt.Sprintf("contract %q: chosen by annotation %s (selectable = true)", k.Name, annotation.Contract))
			}
			break
		}
	}
	if c != nil {
		for _, key := range annotation.Requests {
			if v, ok := annotations[key]; ok {
				why = append(why, fmt.Sprintf("narrowed by annotation %s=%q", key, v))
			}
		}
	}
	return c, why, nil
}

func (s *Set) names() []string {
	out := make([]string, 0, len(s.list))
	for _, c := range s.list {
		out = append(out, c.Name)
	}
	sort.Strings(out)
	return out
}
