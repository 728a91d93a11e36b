package contract

import (
	"fmt"
	"regexp"
	"sort"
)

// Match selects containers. Every condition given must hold.
type Match struct {
	// All matches every container; it cannot be combined with other conditions.
	All bool `toml:"all"`
	// Commands are regexps on process.args[0]; one of them must match.
	Commands []Pattern `toml:"commands"`
	// Annotations maps a key regexp to a value regexp; for every pair some annotation
	// must match both.
	Annotations map[string]Pattern `toml:"annotations"`

	keys []annotationRule
}

type annotationRule struct {
	key, value *regexp.Regexp
}

func (m *Match) empty() bool {
	return !m.All && len(m.Commands) == 0 && len(m.Annotations) == 0
}

// compile turns the annotation keys (TOML map keys, which are plain strings) into regexps.
func (m *Match) compile() error {
	if m.All && (len(m.Commands) > 0 || len(m.Annotations) > 0) {
		return fmt.Errorf("match.all = true cannot be combined with other match conditions")
	}
	keys := make([]string, 0, len(m.Annotations))
	for k := range m.Annotations {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	m.keys = m.keys[:0]
	for _, k := range keys {
		re, err := regexp.Compile(k)
		if err != nil {
			return fmt.Errorf("match.annotations key %q: %w", k, err)
		}
		m.keys = append(m.keys, annotationRule{key: re, value: m.Annotations[k].re})
	}
	return nil
}

// Matches reports whether a container with this args[0] and these annotations is selected.
func (m *Match) Matches(arg0 string, annotations map[string]string) bool {
	if m.empty() {
		return false
	}
	if m.All {
		return true
	}
	if len(m.Commands) > 0 && !m.matchesCommand(arg0) {
		return false
	}
	for _, r := range m.keys {
		if !r.matchesAny(annotations) {
			return false
		}
	}
	return true
}

func (m *Match) matchesCommand(arg0 string) bool {
	for _, p := range m.Commands {
		if p.re.MatchString(arg0) {
			return true
		}
	}
	return false
}

func (r annotationRule) matchesAny(annotations map[string]string) bool {
	for k, v := range annotations {
		if r.key.MatchString(k) && r.value.MatchString(v) {
			return true
		}
	}
	return false
}

// unanchored lists the patterns that are not anchored at both ends: "sandbox" also
// matches "/tmp/not-the-sandbox-at-all", which an admin rarely means.
func (m *Match) unanchored() []string {
	var out []string
	check := func(s string) {
		if len(s) < 2 || s[0] != '^' || s[len(s)-1] != '$' {
			out = append(out, s)
		}
	}
	for _, p := range m.Commands {
		check(p.String())
	}
	for k, v := range m.Annotations {
		check(k)
		check(v.String())
	}
	sort.Strings(out)
	return out
}

// Pattern is a regexp compiled when the config is decoded, so a bad one is reported
// with its line.
type Pattern struct{ re *regexp.Regexp }

// UnmarshalText compiles the regexp.
func (p *Pattern) UnmarshalText(b []byte) error {
	re, err := regexp.Compile(string(b))
	if err != nil {
		return fmt.Errorf("invalid regexp %q: %w", b, err)
	}
	p.re = re
	return nil
}

// MustPattern compiles a pattern for code and tests that build contracts directly.
func MustPattern(s string) Pattern { return Pattern{re: regexp.MustCompile(s)} }

func (p Pattern) String() string {
	if p.re == nil {
		return ""
	}
	return p.re.String()
}
