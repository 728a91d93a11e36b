// Package pattern is the pattern language of the contracts' match rules: a subset of
// Go's regexp syntax (RE2), matched as Go's regexp.MatchString matches, by a small
// automaton of its own. Go's regexp package, linked into a binary, makes every process
// of it initialise the Unicode tables and the parser's tables before main, which a
// runtime call pays whether or not it matches anything; this package needs no tables.
//
// What it accepts, it matches exactly as regexp does (a differential fuzz test holds
// it to regexp); what regexp accepts and it does not, it refuses, naming the construct
// and its offset: Unicode classes (\pL), POSIX classes ([[:alpha:]]), word
// boundaries (\b), flags other than a leading (?i), named groups ((?P<name>...)),
// octal escapes and \Q...\E.
package pattern

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Limits that keep every accepted pattern within what regexp accepts, and its
// automaton small: regexp refuses a counted repetition over 1000, and nested ones
// whose counts multiply past 1000.
const (
	maxRepeat = 1000
	maxDepth  = 100
	maxInsts  = 10000
)

type op uint8

const (
	opEmpty  op = iota
	opClass     // one rune from ranges
	opAny       // any rune but \n
	opBegin     // the start of the text
	opEnd       // the end of the text
	opConcat    // subs in order
	opAlt       // one of subs
	opRepeat    // sub, min to max times (max -1: no bound)
)

type node struct {
	op       op
	ranges   []rune // opClass: sorted, merged pairs lo, hi
	min, max int
	counted  bool // opRepeat written as {n,m}, which regexp's size rule covers
	subs     []*node
}

// Error says what in a pattern is not accepted, and where (Offset -1: the pattern as
// a whole). The caller names the pattern.
type Error struct {
	Offset  int
	Problem string
}

func (e *Error) Error() string {
	if e.Offset < 0 {
		return e.Problem
	}
	return fmt.Sprintf("%s at offset %d", e.Problem, e.Offset)
}

type parser struct {
	src   string
	pos   int
	fold  bool
	depth int
}

func (p *parser) fail(at int, format string, args ...any) error {
	return &Error{Offset: at, Problem: fmt.Sprintf(format, args...)}
}

func parse(src string) (*node, error) {
	p := &parser{src: src}
	if !utf8.ValidString(src) {
		return nil, p.fail(0, "invalid UTF-8")
	}
	if strings.HasPrefix(src, "(?i)") {
		p.fold, p.pos = true, 4
	}
	n, err := p.alternation()
	if err != nil {
		return nil, err
	}
	if p.pos < len(src) {
		return nil, p.fail(p.pos, "unopened )")
	}
	return n, nil
}

// alternation parses up to an unmatched ) or the end.
func (p *parser) alternation() (*node, error) {
	var alts []*node
	for {
		c, err := p.concatenation()
		if err != nil {
			return nil, err
		}
		alts = append(alts, c)
		if p.pos < len(p.src) && p.src[p.pos] == '|' {
			p.pos++
			continue
		}
		if len(alts) == 1 {
			return alts[0], nil
		}
		return &node{op: opAlt, subs: alts}, nil
	}
}

func (p *parser) concatenation() (*node, error) {
	var items []*node
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if c == '|' || c == ')' {
			break
		}
		start := p.pos
		atom, err := p.atom()
		if err != nil {
			return nil, err
		}
		if atom == nil {
			return nil, p.fail(start, "missing argument to repetition operator `%s`", p.src[start:start+1])
		}
		if atom, err = p.repetitions(atom); err != nil {
			return nil, err
		}
		items = append(items, atom)
	}
	switch len(items) {
	case 0:
		return &node{op: opEmpty}, nil
	case 1:
		return items[0], nil
	}
	return &node{op: opConcat, subs: items}, nil
}

// repetitions applies the repetition operators after an atom: one, which a ? may
// make non-greedy (the same match for a yes or no answer); a second is an error in
// regexp too.
func (p *parser) repetitions(atom *node) (*node, error) {
	start := p.pos
	min, max, counted, ok, err := p.repeatOp()
	if err != nil || !ok {
		return atom, err
	}
	if atom.op == opBegin || atom.op == opEnd {
		return nil, p.fail(start, "repetition of an anchor")
	}
	if p.pos < len(p.src) && p.src[p.pos] == '?' {
		p.pos++
	}
	if _, _, _, again, _ := p.repeatOp(); again {
		return nil, p.fail(start, "invalid nested repetition operator `%s`", p.src[start:p.pos])
	}
	n := &node{op: opRepeat, min: min, max: max, counted: counted, subs: []*node{atom}}
	if counted && !countsFit(n, maxRepeat) {
		return nil, p.fail(start, "repetition counts multiply past %d", maxRepeat)
	}
	return n, nil
}

// repeatOp reads one repetition operator at the position, if there is one.
func (p *parser) repeatOp() (min, max int, counted, ok bool, err error) {
	if p.pos >= len(p.src) {
		return 0, 0, false, false, nil
	}
	switch p.src[p.pos] {
	case '*':
		p.pos++
		return 0, -1, false, true, nil
	case '+':
		p.pos++
		return 1, -1, false, true, nil
	case '?':
		p.pos++
		return 0, 1, false, true, nil
	case '{':
		start := p.pos
		min, max, end, ok := countedRepeat(p.src[p.pos:])
		if !ok {
			return 0, 0, false, false, p.fail(start, "{ that is not a repetition {n}, {n,} or {n,m}: write \\{ for the character")
		}
		if min > maxRepeat || max > maxRepeat || (max >= 0 && min > max) {
			return 0, 0, false, false, p.fail(start, "invalid repeat count `%s`", p.src[start:start+end])
		}
		p.pos += end
		return min, max, true, true, nil
	}
	return 0, 0, false, false, nil
}

// countedRepeat parses {n}, {n,} or {n,m} at the start of s. regexp reads a count
// with a leading zero as no count at all.
func countedRepeat(s string) (min, max, end int, ok bool) {
	i := 1
	num := func() (v, digits int) {
		for j := i; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			if v <= maxRepeat {
				v = v*10 + int(s[i]-'0')
			}
			digits = i - j + 1
		}
		return v, digits
	}
	valid := func(digits int) bool { return digits == 1 || digits > 1 && s[i-digits] != '0' }
	min, digits := num()
	if !valid(digits) || i >= len(s) {
		return 0, 0, 0, false
	}
	max = min
	if s[i] == ',' {
		i++
		if max, digits = num(); digits == 0 {
			max = -1
		} else if !valid(digits) {
			return 0, 0, 0, false
		}
	}
	if i >= len(s) || s[i] != '}' {
		return 0, 0, 0, false
	}
	return min, max, i + 1, true
}

// countsFit is regexp's rule for nested counted repetitions: the counts, each its
// maximum (or its minimum when unbounded), multiplied from the outside in, stay
// within n.
func countsFit(n *node, limit int) bool {
	if n.op == opRepeat && n.counted {
		m := n.max
		if m == 0 {
			return true
		}
		if m < 0 {
			m = n.min
		}
		if m > limit {
			return false
		}
		if m > 0 {
			limit /= m
		}
	}
	for _, s := range n.subs {
		if !countsFit(s, limit) {
			return false
		}
	}
	return true
}

// atom parses one atom; nil for a repetition operator with nothing before it.
func (p *parser) atom() (*node, error) {
	start := p.pos
	switch c := p.src[p.pos]; c {
	case '*', '+', '?':
		return nil, nil
	case '{':
		return nil, p.fail(start, "{ with nothing to repeat: write \\{ for the character")
	case '(':
		return p.group()
	case '[':
		return p.class()
	case '.':
		p.pos++
		return &node{op: opAny}, nil
	case '^':
		p.pos++
		return &node{op: opBegin}, nil
	case '$':
		p.pos++
		return &node{op: opEnd}, nil
	case '\\':
		if p.pos+1 < len(p.src) {
			switch p.src[p.pos+1] {
			case 'A':
				p.pos += 2
				return &node{op: opBegin}, nil
			case 'z':
				p.pos += 2
				return &node{op: opEnd}, nil
			}
		}
		if ranges, ok := p.perlClass(); ok {
			return p.classNode(start, ranges)
		}
		r, err := p.escape()
		if err != nil {
			return nil, err
		}
		return p.literal(r), nil
	}
	r, size := utf8.DecodeRuneInString(p.src[p.pos:])
	p.pos += size
	return p.literal(r), nil
}

// literal is a node for rune r, with every case of it under (?i): regexp folds a
// literal to the runes of its simple case-folding orbit.
func (p *parser) literal(r rune) *node {
	if !p.fold {
		return &node{op: opClass, ranges: []rune{r, r}}
	}
	return &node{op: opClass, ranges: normalize(foldOrbit(r))}
}

func (p *parser) group() (*node, error) {
	start := p.pos
	p.pos++
	if strings.HasPrefix(p.src[p.pos:], "?:") {
		p.pos += 2
	} else if p.pos < len(p.src) && p.src[p.pos] == '?' {
		return nil, p.fail(start, "unsupported group or flags `%s`: only (...), (?:...) and a leading (?i) are accepted", clip(p.src[start:]))
	}
	if p.depth++; p.depth > maxDepth {
		return nil, p.fail(start, "groups nested deeper than %d", maxDepth)
	}
	n, err := p.alternation()
	if err != nil {
		return nil, err
	}
	p.depth--
	if p.pos >= len(p.src) || p.src[p.pos] != ')' {
		return nil, p.fail(start, "missing closing )")
	}
	p.pos++
	return n, nil
}

// class parses [...] and [^...]. A ] right after the opening (and its ^) is the
// character, as is a - that does not sit between two characters.
func (p *parser) class() (*node, error) {
	start := p.pos
	p.pos++
	negate := false
	if p.pos < len(p.src) && p.src[p.pos] == '^' {
		negate = true
		p.pos++
	}
	var ranges []rune
	first := true
	for {
		if p.pos >= len(p.src) {
			return nil, p.fail(start, "missing closing ]")
		}
		if p.src[p.pos] == ']' && !first {
			p.pos++
			break
		}
		first = false
		if p.src[p.pos] == '[' {
			return nil, p.fail(p.pos, "[ inside a class (a POSIX class like [:alpha:] is not accepted): write \\[ for the character")
		}
		if perl, ok := p.perlClass(); ok {
			ranges = append(ranges, perl...)
			continue
		}
		lo, err := p.classChar(start)
		if err != nil {
			return nil, err
		}
		hi := lo
		if p.pos+1 < len(p.src) && p.src[p.pos] == '-' && p.src[p.pos+1] != ']' {
			p.pos++
			if hi, err = p.classChar(start); err != nil {
				return nil, err
			}
			if hi < lo {
				return nil, p.fail(start, "invalid class range `%s`", clip(p.src[start:p.pos]))
			}
		}
		ranges = append(ranges, lo, hi)
	}
	ranges = normalize(ranges)
	if negate {
		ranges = complement(ranges)
	}
	return p.classNode(start, ranges)
}

// classNode refuses a class under (?i), whose folding this package leaves out.
func (p *parser) classNode(start int, ranges []rune) (*node, error) {
	if p.fold {
		return nil, p.fail(start, "character class under (?i): spell out the cases, as [Aa], without (?i)")
	}
	return &node{op: opClass, ranges: ranges}, nil
}

func (p *parser) classChar(start int) (rune, error) {
	if p.pos >= len(p.src) {
		return 0, p.fail(start, "missing closing ]")
	}
	if p.src[p.pos] == '\\' {
		return p.escape()
	}
	r, size := utf8.DecodeRuneInString(p.src[p.pos:])
	p.pos += size
	return r, nil
}

// perlClass reads \d, \s, \w or their negations, ASCII-only in regexp as here.
func (p *parser) perlClass() ([]rune, bool) {
	if p.pos+1 >= len(p.src) || p.src[p.pos] != '\\' {
		return nil, false
	}
	var r []rune
	switch p.src[p.pos+1] | 0x20 {
	case 'd':
		r = []rune{'0', '9'}
	case 's':
		r = []rune{'\t', '\n', '\f', '\r', ' ', ' '}
	case 'w':
		r = []rune{'0', '9', 'A', 'Z', '_', '_', 'a', 'z'}
	default:
		return nil, false
	}
	if c := p.src[p.pos+1]; c >= 'A' && c <= 'Z' {
		r = complement(r)
	}
	p.pos += 2
	return r, true
}

// escape reads a backslash escape that stands for one character.
func (p *parser) escape() (rune, error) {
	start := p.pos
	p.pos++
	if p.pos >= len(p.src) {
		return 0, p.fail(start, "trailing \\")
	}
	c := p.src[p.pos]
	p.pos++
	switch c {
	case 'a':
		return '\a', nil
	case 'f':
		return '\f', nil
	case 'n':
		return '\n', nil
	case 'r':
		return '\r', nil
	case 't':
		return '\t', nil
	case 'v':
		return '\v', nil
	case 'x':
		return p.hexEscape(start)
	}
	if c < utf8.RuneSelf && !isAlnum(c) {
		return rune(c), nil
	}
	return 0, p.fail(start, "unsupported escape `%s` (Unicode classes \\p, \\b, octal escapes and \\Q are not accepted; a punctuation character escapes as \\.)", p.src[start:p.pos])
}

// hexEscape reads the rest of \xHH or \x{H...}.
func (p *parser) hexEscape(start int) (rune, error) {
	bad := func() (rune, error) {
		return 0, p.fail(start, "invalid escape `%s`: write \\xHH or \\x{H...}", clip(p.src[start:]))
	}
	digits := p.src[p.pos:]
	braced := strings.HasPrefix(digits, "{")
	if braced {
		end := strings.IndexByte(digits, '}')
		if end < 2 {
			return bad()
		}
		digits = digits[1:end]
	} else if len(digits) < 2 {
		return bad()
	} else {
		digits = digits[:2]
	}
	var r rune
	for i := 0; i < len(digits); i++ {
		d := hexValue(digits[i])
		if d < 0 || r > utf8.MaxRune {
			return bad()
		}
		r = r*16 + rune(d)
	}
	if r > utf8.MaxRune {
		return bad()
	}
	p.pos += len(digits)
	if braced {
		p.pos += 2
	}
	return r, nil
}

func hexValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

// clip keeps an error's quote of the pattern short.
func clip(s string) string {
	if len(s) > 12 {
		for i := 12; i > 0; i-- {
			if utf8.RuneStart(s[i]) {
				return s[:i] + "..."
			}
		}
	}
	return s
}
