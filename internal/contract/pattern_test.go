package contract

import (
	"strings"
	"testing"
)

// TestPattern: the contracts' patterns are internal/pattern's (tested there against
// regexp); what this package adds is the error's wording and the zero value.
func TestPattern(t *testing.T) {
	p := MustPattern(`^/usr/local/bin/foo-[0-9]+$`)
	if !p.MatchString("/usr/local/bin/foo-12") || p.MatchString("/usr/local/bin/foo-") {
		t.Error("pattern does not match as written")
	}
	if p.String() != `^/usr/local/bin/foo-[0-9]+$` {
		t.Errorf("String() = %q", p.String())
	}
	var bad Pattern
	err := bad.UnmarshalText([]byte(`^\pL$`))
	if err == nil || !strings.Contains(err.Error(), `invalid regexp "^\\pL$": unsupported escape`) {
		t.Errorf("error %v", err)
	}
	if (Pattern{}).MatchString("") || (Pattern{}).String() != "" {
		t.Error("the zero Pattern matches or has a text")
	}
}
