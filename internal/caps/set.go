package caps

import (
	"fmt"
	"math/bits"
	"strings"
)

// Set is a capability set as the kernel stores it: bit n stands for Cap n.
// Numbers outside 0..63 cannot be members; operations ignore them.
type Set uint64

// maxCap is the highest capability number a Set can hold.
const maxCap Cap = 63

// NewSet returns the set holding cs.
func NewSet(cs ...Cap) Set {
	return Set(0).Add(cs...)
}

// FullSet returns the set of capabilities 0..last, the kernel's full set when
// last is LastCap().
func FullSet(last Cap) Set {
	switch {
	case last < 0:
		return 0
	case last >= maxCap:
		return ^Set(0)
	}
	return Set(1)<<(uint(last)+1) - 1
}

// Has reports whether c is in s.
func (s Set) Has(c Cap) bool {
	return s&bit(c) != 0
}

// Add returns s with cs added.
func (s Set) Add(cs ...Cap) Set {
	for _, c := range cs {
		s |= bit(c)
	}
	return s
}

// Remove returns s without cs.
func (s Set) Remove(cs ...Cap) Set {
	for _, c := range cs {
		s &^= bit(c)
	}
	return s
}

// Union returns the capabilities in s or o.
func (s Set) Union(o Set) Set { return s | o }

// Intersect returns the capabilities in both s and o.
func (s Set) Intersect(o Set) Set { return s & o }

// Minus returns the capabilities in s but not in o.
func (s Set) Minus(o Set) Set { return s &^ o }

// IsEmpty reports whether s holds no capability.
func (s Set) IsEmpty() bool { return s == 0 }

// Caps returns the members of s, ascending.
func (s Set) Caps() []Cap {
	cs := make([]Cap, 0, bits.OnesCount64(uint64(s)))
	for v := uint64(s); v != 0; v &= v - 1 {
		cs = append(cs, Cap(bits.TrailingZeros64(v)))
	}
	return cs
}

// Names returns the canonical names of the members of s, ascending; an empty
// set gives an empty, non-nil slice.
func (s Set) Names() []string {
	cs := s.Caps()
	ns := make([]string, len(cs))
	for i, c := range cs {
		ns[i] = c.String()
	}
	return ns
}

// String returns the members as "CAP_A,CAP_B", or "none" for an empty set.
func (s Set) String() string {
	if s == 0 {
		return "none"
	}
	return strings.Join(s.Names(), ",")
}

// ParseNames reads a capability list such as a spec's. Known names go into the
// set; unknown ones are returned as given, in input order and with repeats, so
// callers can write them back untouched. Only an empty name is an error.
// Duplicates are accepted.
func ParseNames(names []string) (Set, []string, error) {
	var s Set
	var unknown []string
	for i, n := range names {
		if n == "" {
			return 0, nil, fmt.Errorf("capability list entry %d: %w", i, errEmptyName)
		}
		c, err := Parse(n)
		if err != nil {
			unknown = append(unknown, n)
			continue
		}
		s = s.Add(c)
	}
	return s, unknown, nil
}

// bit returns c's bit, or 0 for numbers a Set cannot hold (a negative shift
// count would panic).
func bit(c Cap) Set {
	if c < 0 || c > maxCap {
		return 0
	}
	return Set(1) << uint(c)
}
