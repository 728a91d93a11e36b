package main

import (
	"strconv"
	"strings"
)

// Outcome is what a TAP test point says.
type Outcome string

// Outcomes of a test point. A "not ok" marked TODO is a known gap of the suite, not a
// failure; an "ok" marked TODO counts as a pass.
const (
	Pass Outcome = "pass"
	Fail Outcome = "fail"
	Skip Outcome = "skip"
	Todo Outcome = "todo"
)

// Point is one test point of a TAP stream.
type Point struct {
	Num     int     `json:"num"`
	Outcome Outcome `json:"outcome"`
	Desc    string  `json:"desc"`
	// Reason is the text of a SKIP or TODO directive.
	Reason string `json:"reason,omitempty"`
	// YAML is the diagnostic block that followed the point, as written.
	YAML string `json:"yaml,omitempty"`
}

// TAP is a parsed TAP stream. Lines TAP does not define are ignored, as TAP consumers
// must.
type TAP struct {
	Points []Point `json:"points"`
	// Plan is the N of a "1..N" line; -1 when there was none.
	Plan    int    `json:"plan"`
	BailOut string `json:"bail_out,omitempty"`
}

// ParseTAP reads a TAP stream (version 12 or 13). It never fails: a malformed line is
// not a test point, and the comparison notices missing points.
func ParseTAP(text string) *TAP {
	t := &TAP{Plan: -1}
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		line := strings.TrimRight(lines[i], "\r")
		switch {
		case strings.HasPrefix(line, "ok") || strings.HasPrefix(line, "not ok"):
			p, ok := parsePoint(line)
			if !ok {
				continue
			}
			p.YAML, i = readYAML(lines, i+1)
			t.Points = append(t.Points, p)
		case strings.HasPrefix(line, "1.."):
			if n, err := strconv.Atoi(leadingDigits(line[3:])); err == nil {
				t.Plan = n
			}
		case strings.HasPrefix(line, "Bail out!"):
			t.BailOut = strings.TrimSpace(strings.TrimPrefix(line, "Bail out!"))
		}
	}
	return t
}

// parsePoint reads "ok|not ok [N] [- ]description [# SKIP|TODO reason]".
func parsePoint(line string) (Point, bool) {
	var p Point
	rest, passed := line, true
	switch {
	case strings.HasPrefix(line, "not ok"):
		rest, passed = line[len("not ok"):], false
	case strings.HasPrefix(line, "ok"):
		rest = line[len("ok"):]
	}
	// "okay" or "ok1" is no point: the keyword ends at a space or the line's end.
	if rest != "" && rest[0] != ' ' {
		return Point{}, false
	}
	rest = strings.TrimLeft(rest, " ")
	if end := strings.IndexByte(rest, ' '); end != 0 {
		word := rest
		if end > 0 {
			word = rest[:end]
		}
		if n, err := strconv.Atoi(word); err == nil && n >= 0 {
			p.Num = n
			rest = strings.TrimLeft(rest[len(word):], " ")
		}
	}
	rest = strings.TrimPrefix(rest, "- ")
	desc, directive, hasDirective := strings.Cut(rest, "#")
	p.Desc = strings.TrimSpace(desc)
	p.Outcome = Pass
	if !passed {
		p.Outcome = Fail
	}
	if hasDirective {
		d := strings.TrimSpace(directive)
		word, reason, _ := strings.Cut(d, " ")
		switch strings.ToUpper(word) {
		case "SKIP", "SKIPPED":
			p.Outcome, p.Reason = Skip, strings.TrimSpace(reason)
		case "TODO":
			p.Reason = strings.TrimSpace(reason)
			if !passed {
				p.Outcome = Todo
			}
		default:
			// A '#' that starts no directive belongs to the description.
			p.Desc = strings.TrimSpace(rest)
		}
	}
	return p, true
}

// readYAML returns the indented "---" ... "..." block starting at lines[i], if any,
// and the index of the last line it consumed.
func readYAML(lines []string, i int) (string, int) {
	if i >= len(lines) || strings.TrimSpace(lines[i]) != "---" || !strings.HasPrefix(lines[i], " ") {
		return "", i - 1
	}
	var b strings.Builder
	for j := i + 1; j < len(lines); j++ {
		line := strings.TrimRight(lines[j], "\r")
		if strings.TrimSpace(line) == "..." {
			return b.String(), j
		}
		b.WriteString(strings.TrimSpace(line))
		b.WriteByte('\n')
	}
	// An unterminated block swallows nothing: its lines may hold points.
	return "", i - 1
}

// leadingDigits is the decimal number s starts with ("" for none): a program's next
// output may follow its plan on the same line.
func leadingDigits(s string) string {
	end := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	if end < 0 {
		return s
	}
	return s[:end]
}
