package pattern

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Pattern is a compiled pattern. The zero Pattern matches nothing.
type Pattern struct {
	src string
	// names is set for a pattern that matches the strings it lists and nothing else,
	// as contracts usually name their workloads ("^/usr/bin/agent$",
	// "^/usr/bin/(agent|supervisor)$"): a subject is compared with them, and no
	// automaton is built or run, whose code and allocations a process pays the first
	// time.
	names []string
	// gap is set for "^P.*S$", P and S plain text (a contract that names every binary
	// of a directory, "^/opt/agent/bin/.*$"): a subject matches when it starts with
	// prefix P and ends with suffix S, apart, and holds no newline between them.
	gap            bool
	prefix, suffix string
	prog           []inst
}

// Compile parses src. A pattern that names a few strings is kept as those strings, and
// one of plain text around one .* as its prefix and suffix.
func Compile(src string) (*Pattern, error) {
	if names, ok := namesOf(src); ok {
		return &Pattern{src: src, names: names}, nil
	}
	if prefix, suffix, ok := gapOf(src); ok {
		return &Pattern{src: src, gap: true, prefix: prefix, suffix: suffix}, nil
	}
	n, err := parse(src)
	if err != nil {
		return nil, err
	}
	c := &compiler{}
	c.emit(inst{op: iMatch})
	start := c.compile(n, 0)
	if len(c.prog) > maxInsts {
		return nil, &Error{Offset: -1, Problem: fmt.Sprintf("pattern too large: over %d steps once its repetitions are spelled out", maxInsts)}
	}
	c.prog = append(c.prog, inst{op: iNop, out: start})
	return &Pattern{src: src, prog: c.prog}, nil
}

// maxNames bounds how many strings namesOf spells out (groups multiply them); a
// pattern that names more is compiled.
const maxNames = 64

// metachars are the characters with a meaning of their own in a pattern; inside a
// group of alternatives namesOf accepts all but |.
const (
	metachars      = `\.+*?()|[]{}^$`
	groupMetachars = `\.+*?()[]{}^$`
)

// namesOf returns the strings src matches when src is "^TEXT$", TEXT being plain text
// and groups of plain alternatives, "(a|b)" or "(?:a|b)", none nested and none
// followed by a repetition (a metacharacter, which ends the scan): ^ and $ match only
// at the ends of the subject, so src matches those strings and nothing else. Plain
// text holds no metacharacter but escaped punctuation outside groups.
func namesOf(src string) ([]string, bool) {
	text, ok := anchored(src)
	if !ok {
		return nil, false
	}
	names := []string{""}
	for text != "" {
		var alts []string
		if text[0] == '(' {
			group, rest, ok := strings.Cut(strings.TrimPrefix(text[1:], "?:"), ")")
			if !ok || strings.ContainsAny(group, groupMetachars) {
				return nil, false
			}
			alts, text = strings.Split(group, "|"), rest
		} else {
			var lit string
			if lit, text = plain(text); lit == "" {
				return nil, false
			}
			alts = []string{lit}
		}
		if len(names)*len(alts) > maxNames {
			return nil, false
		}
		product := make([]string, 0, len(names)*len(alts))
		for _, n := range names {
			for _, a := range alts {
				product = append(product, n+a)
			}
		}
		names = product
	}
	return names, true
}

// gapOf returns P and S when src is "^P.*S$", P and S plain text as namesOf reads it:
// `.` matches any rune but a newline, an invalid byte included (as U+FFFD), and P and S,
// valid UTF-8, start and end on the subject's rune boundaries, so comparing bytes
// decides the match.
func gapOf(src string) (prefix, suffix string, ok bool) {
	text, ok := anchored(src)
	if !ok {
		return "", "", false
	}
	prefix, rest := plain(text)
	if !strings.HasPrefix(rest, ".*") {
		return "", "", false
	}
	suffix, rest = plain(rest[2:])
	return prefix, suffix, rest == ""
}

// anchored returns TEXT when src is "^TEXT$" and TEXT is valid UTF-8 without U+FFFD,
// which a pattern matches against any invalid byte of the subject.
func anchored(src string) (string, bool) {
	if len(src) < 2 || src[0] != '^' || src[len(src)-1] != '$' {
		return "", false
	}
	text := src[1 : len(src)-1]
	return text, utf8.ValidString(text) && !strings.ContainsRune(text, utf8.RuneError)
}

// plain reads text up to its first metacharacter, taking a backslash before an ASCII
// character that is neither a letter nor a digit as that character (`\.` is a dot, as
// the parser and regexp read it), and returns what it read unescaped.
func plain(text string) (lit, rest string) {
	var b strings.Builder
	for {
		i := strings.IndexAny(text, metachars)
		if i < 0 {
			b.WriteString(text)
			return b.String(), ""
		}
		b.WriteString(text[:i])
		if text[i] != '\\' || i+1 == len(text) || text[i+1] >= utf8.RuneSelf || isAlnum(text[i+1]) {
			return b.String(), text[i:]
		}
		b.WriteByte(text[i+1])
		text = text[i+2:]
	}
}

func (p *Pattern) String() string {
	if p == nil {
		return ""
	}
	return p.src
}

type instOp uint8

const (
	iMatch instOp = iota
	iClass        // a rune in ranges, then out
	iAny          // a rune but \n, then out
	iSplit        // out and out1
	iNop          // out
	iBegin        // at the start of the text, out
	iEnd          // at the end of the text, out
)

type inst struct {
	op     instOp
	out    int
	out1   int
	ranges []rune
}

type compiler struct {
	prog []inst
}

func (c *compiler) emit(i inst) int {
	c.prog = append(c.prog, i)
	return len(c.prog) - 1
}

// compile emits n so that it continues at next, and returns where it starts. It
// stops emitting past maxInsts; Compile then refuses the pattern.
func (c *compiler) compile(n *node, next int) int {
	if len(c.prog) > maxInsts {
		return next
	}
	switch n.op {
	case opClass:
		return c.emit(inst{op: iClass, ranges: n.ranges, out: next})
	case opAny:
		return c.emit(inst{op: iAny, out: next})
	case opBegin:
		return c.emit(inst{op: iBegin, out: next})
	case opEnd:
		return c.emit(inst{op: iEnd, out: next})
	case opConcat:
		for i := len(n.subs) - 1; i >= 0; i-- {
			next = c.compile(n.subs[i], next)
		}
		return next
	case opAlt:
		start := c.compile(n.subs[len(n.subs)-1], next)
		for i := len(n.subs) - 2; i >= 0; i-- {
			start = c.emit(inst{op: iSplit, out: c.compile(n.subs[i], next), out1: start})
		}
		return start
	case opRepeat:
		sub := n.subs[0]
		tail := next
		if n.max < 0 {
			loop := c.emit(inst{op: iSplit, out1: next})
			body := c.compile(sub, loop)
			c.prog[loop].out = body
			tail = loop
		} else {
			for i := n.min; i < n.max; i++ {
				tail = c.emit(inst{op: iSplit, out: c.compile(sub, tail), out1: next})
			}
		}
		for i := 0; i < n.min; i++ {
			tail = c.compile(sub, tail)
		}
		return tail
	}
	return next
}

// MatchString reports whether s holds a match of the pattern anywhere, as
// regexp.MatchString does: the pattern's automaton run over s's runes in one pass
// (an invalid byte is one U+FFFD, as regexp decodes it), its time linear in s.
func (p *Pattern) MatchString(s string) bool {
	if p == nil {
		return false
	}
	if p.names != nil {
		for _, n := range p.names {
			if s == n {
				return true
			}
		}
		return false
	}
	if p.gap {
		return len(s) >= len(p.prefix)+len(p.suffix) && strings.HasPrefix(s, p.prefix) && strings.HasSuffix(s, p.suffix) &&
			!strings.Contains(s[len(p.prefix):len(s)-len(p.suffix)], "\n")
	}
	if len(p.prog) == 0 {
		return false
	}
	m := matcher{prog: p.prog, seen: make([]int, len(p.prog)), end: len(s)}
	start := len(p.prog) - 1
	cur, next := make([]int, 0, len(p.prog)), make([]int, 0, len(p.prog))
	for pos := 0; ; {
		m.gen++
		cur = m.add(cur[:0], start, pos)
		for _, pc := range next {
			cur = m.add(cur, pc, pos)
		}
		if m.matched {
			return true
		}
		if pos >= len(s) {
			return false
		}
		r, size := utf8.DecodeRuneInString(s[pos:])
		next = next[:0]
		for _, pc := range cur {
			if in := &p.prog[pc]; in.op == iAny && r != '\n' || in.op == iClass && inRanges(in.ranges, r) {
				next = append(next, in.out)
			}
		}
		pos += size
	}
}

type matcher struct {
	prog    []inst
	seen    []int
	stack   []int
	gen     int
	end     int
	matched bool
}

// add appends to list the rune-reading instructions reachable from pc at pos
// without reading, each once per position.
func (m *matcher) add(list []int, pc, pos int) []int {
	m.stack = append(m.stack[:0], pc)
	for len(m.stack) > 0 {
		pc := m.stack[len(m.stack)-1]
		m.stack = m.stack[:len(m.stack)-1]
		if m.seen[pc] == m.gen {
			continue
		}
		m.seen[pc] = m.gen
		switch in := &m.prog[pc]; in.op {
		case iMatch:
			m.matched = true
		case iClass, iAny:
			list = append(list, pc)
		case iSplit:
			m.stack = append(m.stack, in.out1, in.out)
		case iNop:
			m.stack = append(m.stack, in.out)
		case iBegin:
			if pos == 0 {
				m.stack = append(m.stack, in.out)
			}
		case iEnd:
			if pos == m.end {
				m.stack = append(m.stack, in.out)
			}
		}
	}
	return list
}

func inRanges(ranges []rune, r rune) bool {
	for i := 0; i < len(ranges); i += 2 {
		if r < ranges[i] {
			return false
		}
		if r <= ranges[i+1] {
			return true
		}
	}
	return false
}

// normalize sorts rune ranges (pairs lo, hi) and merges those that overlap or touch.
func normalize(r []rune) []rune {
	pairs := make([][2]rune, 0, len(r)/2)
	for i := 0; i+1 < len(r); i += 2 {
		pairs = append(pairs, [2]rune{r[i], r[i+1]})
	}
	slices.SortFunc(pairs, func(a, b [2]rune) int { return int(a[0] - b[0]) })
	out := make([]rune, 0, len(r))
	for _, p := range pairs {
		if n := len(out); n > 0 && p[0] <= out[n-1]+1 {
			out[n-1] = max(out[n-1], p[1])
			continue
		}
		out = append(out, p[0], p[1])
	}
	return out
}

// complement is every rune not in the normalized ranges r.
func complement(r []rune) []rune {
	r = normalize(r)
	out := make([]rune, 0, len(r)+2)
	next := rune(0)
	for i := 0; i < len(r); i += 2 {
		if r[i] > next {
			out = append(out, next, r[i]-1)
		}
		next = r[i+1] + 1
	}
	if next <= unicode.MaxRune {
		out = append(out, next, unicode.MaxRune)
	}
	return out
}

// foldOrbit is r and every rune simple case folding makes of it, as ranges.
func foldOrbit(r rune) []rune {
	out := []rune{r, r}
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		out = append(out, f, f)
	}
	return out
}
