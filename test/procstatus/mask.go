package procstatus

import (
	"fmt"
	"math/bits"
	"strconv"
)

// Mask is one capability set as the kernel prints it in /proc/<pid>/status:
// bit n stands for capability number n (bit 8 is CAP_SETPCAP).
type Mask uint64

// Has reports whether capability number c is in the set.
func (m Mask) Has(c int) bool {
	return c >= 0 && c < 64 && m&(1<<c) != 0
}

// Bits lists the capability numbers in the set, ascending, so that a
// failing test can show "[5 8 10]" instead of a hex mask.
func (m Mask) Bits() []int {
	out := []int{}
	for v := uint64(m); v != 0; v &= v - 1 {
		out = append(out, bits.TrailingZeros64(v))
	}
	return out
}

// String formats the set like the kernel does: 16 hex digits.
func (m Mask) String() string {
	return fmt.Sprintf("%016x", uint64(m))
}

// MarshalText encodes the set as 16 hex digits, so capdump's JSON carries
// the same text as /proc/<pid>/status.
func (m Mask) MarshalText() ([]byte, error) {
	return []byte(m.String()), nil
}

// UnmarshalText parses 1 to 16 hex digits without prefix or sign.
func (m *Mask) UnmarshalText(text []byte) error {
	if len(text) == 0 || len(text) > 16 {
		return fmt.Errorf("capability mask %q: want 1 to 16 hex digits", text)
	}
	v, err := strconv.ParseUint(string(text), 16, 64)
	if err != nil {
		return fmt.Errorf("capability mask %q: %w", text, err)
	}
	*m = Mask(v)
	return nil
}
