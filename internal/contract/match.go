package contract

import (
	"fmt"
	"sort"
	"strings"

	"github.com/oshim/oshim/internal/annotation"
	"github.com/oshim/oshim/internal/pattern"
)

// Match selects containers. Every condition given must hold.
type Match struct {
	// All matches every container; it cannot be combined with other conditions.
	All bool
	// Commands are regexps on process.args[0]; one of them must match.
	Commands []Pattern
	// Annotations maps a key regexp to a value regexp; for every pair some annotation
	// must match both.
	Annotations map[string]Pattern

	keys []annotationRule
}

type annotationRule struct {
	key, value Pattern
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
		var key Pattern
		if err := key.UnmarshalText([]byte(k)); err != nil {
			return fmt.Errorf("match.annotations key: %w", err)
		}
		m.keys = append(m.keys, annotationRule{key: key, value: m.Annotations[k]})
	}
	return nil
}

// Matches reports whether a container with this args[0] and these annotations is selected.
func (m *Match) Matches(arg0 string, annotations map[string]string) bool {
	return m.evaluate(arg0, annotations, nil)
}

// Explain is Matches, condition by condition: the reasons the rules hold, or the
// reasons they do not, with annotations considered in sorted order.
func (m *Match) Explain(arg0 string, annotations map[string]string) (bool, []string) {
	var why []string
	ok := m.evaluate(arg0, annotations, func(w string) { why = append(why, w) })
	return ok, why
}

// evaluate checks every condition; why, when not nil, gets one line per condition.
// Without why it stops at the first condition that fails.
func (m *Match) evaluate(arg0 string, annotations map[string]string, why func(string)) bool {
	if m.empty() {
		if why != nil {
			why("it has no match rules: only the annotation " + annotation.Contract + " selects it (selectable = true)")
		}
		return false
	}
	if m.All {
		if why != nil {
			why("match.all = true matches every container")
		}
		return true
	}
	ok := true
	if len(m.Commands) > 0 {
		hit, found := m.commandHit(arg0)
		switch {
		case found && why != nil:
			why(fmt.Sprintf("match.commands '%s' matches args[0] %q", hit, arg0))
		case !found && why != nil:
			pats := make([]string, len(m.Commands))
			for i, p := range m.Commands {
				pats[i] = "'" + p.String() + "'"
			}
			why(fmt.Sprintf("args[0] %q matches none of match.commands %s", arg0, strings.Join(pats, ", ")))
		case !found:
			return false
		}
		ok = ok && found
	}
	var order []string
	if why != nil {
		order = sortedKeys(annotations)
	}
	for _, r := range m.keys {
		key, found := r.hit(annotations, order)
		switch {
		case found && why != nil:
			why(fmt.Sprintf("match.annotations '%s' = '%s' matches annotation %s=%q", r.key, r.value, key, annotations[key]))
		case !found && why != nil:
			why(fmt.Sprintf("no annotation matches match.annotations '%s' = '%s'", r.key, r.value))
		case !found:
			return false
		}
		ok = ok && found
	}
	return ok
}

// commandHit is the first of match.commands that matches arg0.
func (m *Match) commandHit(arg0 string) (string, bool) {
	for _, p := range m.Commands {
		if p.MatchString(arg0) {
			return p.String(), true
		}
	}
	return "", false
}

// hit is an annotation whose key and value match the rule, looked for in order when
// order is given, else in the map's order.
func (r annotationRule) hit(annotations map[string]string, order []string) (string, bool) {
	if order == nil {
		for k, v := range annotations {
			if r.key.MatchString(k) && r.value.MatchString(v) {
				return k, true
			}
		}
		return "", false
	}
	for _, k := range order {
		if r.key.MatchString(k) && r.value.MatchString(annotations[k]) {
			return k, true
		}
	}
	return "", false
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
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

// Pattern is a pattern (internal/pattern: Go's regexp syntax, less what it lists)
// compiled when the config is decoded, so a bad one is reported with its line. One
// that can only match a few strings ('^/usr/bin/agent$' or
// '^/usr/bin/(agent|supervisor)$', as most contracts name their workloads), or a
// prefix and a suffix ('^/opt/agent/bin/.*$'), is compared, not run.
type Pattern struct {
	p *pattern.Pattern
}

// UnmarshalText compiles the pattern.
func (p *Pattern) UnmarshalText(b []byte) error {
	c, err := pattern.Compile(string(b))
	if err != nil {
		return fmt.Errorf("invalid regexp %q: %w", b, err)
	}
	p.p = c
	return nil
}

// MustPattern compiles a pattern for code and tests that build contracts directly.
func MustPattern(s string) Pattern {
	var p Pattern
	if err := p.UnmarshalText([]byte(s)); err != nil {
		panic(err)
	}
	return p
}

// MatchString reports whether s matches the pattern.
func (p Pattern) MatchString(s string) bool { return p.p.MatchString(s) }

func (p Pattern) String() string { return p.p.String() }
