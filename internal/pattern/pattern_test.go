package pattern

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

func TestMatch(t *testing.T) {
	tests := []struct {
		src         string
		path        string // names (compared with the subject), gap (prefix and suffix) or automaton
		match, miss []string
	}{
		{`^/usr/bin/agent$`, "names", []string{"/usr/bin/agent"}, []string{"/usr/bin/agent2", "x/usr/bin/agent", "/usr/bin/agent\n", ""}},
		{`^$`, "names", []string{""}, []string{"a", "\n"}},
		{`^é$`, "names", []string{"é"}, []string{"e", "\xc3"}},
		{`^/usr/bin/agent.v2$`, "automaton", []string{"/usr/bin/agent.v2", "/usr/bin/agentxv2"}, []string{"/usr/bin/agent", "/usr/bin/agent\nv2"}},
		{`^/opt/.*/agent$`, "gap", []string{"/opt/a/agent", "/opt//agent"}, []string{"/opt/agent", "/opt/a\n/agent"}},
		{`(?i)^/usr/bin/agent$`, "automaton", []string{"/USR/BIN/AGENT"}, []string{"/usr/bin/agents"}},
		{`(?i)^k8s$`, "automaton", []string{"K8S", "\u212a8s"}, []string{"k8"}},
		{`^/usr/bin/agent`, "automaton", []string{"/usr/bin/agent", "/usr/bin/agent2"}, []string{"/bin/agent"}},
		{`/usr/bin/agent$`, "automaton", []string{"/usr/bin/agent", "x/usr/bin/agent"}, []string{"/usr/bin/agent2"}},
		{`^\x2fbin$`, "automaton", []string{"/bin"}, []string{`\x2fbin`}},
		{`^\x{1F600}$`, "automaton", []string{"\U0001F600"}, []string{"x"}},
		{"^\ufffd$", "automaton", []string{"\ufffd", "\xff"}, []string{"a", "\xff\xff"}},
		{`^a$|^b$`, "automaton", []string{"a", "b"}, []string{"ab", ""}},
		{`^`, "automaton", []string{"", "x"}, nil},
		{`^(gold|silver)$`, "names", []string{"gold", "silver"}, []string{"goldsilver", "gol", "gold\n"}},
		{`^/bin/(true|sleep)$`, "names", []string{"/bin/true", "/bin/sleep"}, []string{"/bin/", "/bin/truesleep", "/bin/(true|sleep)"}},
		{`^(?:a|)b(c|d)(|x)$`, "names", []string{"abc", "bd", "bcx", "abdx"}, []string{"b", "abcd", "bx"}},
		{`^.*$`, "gap", []string{"", "x", "\xff"}, []string{"\n", "a\nb"}},
		{`^ab.*ba$`, "gap", []string{"abba", "ab\xffba"}, []string{"aba", "ab\nba", "abb"}},
		{`^\.d/.*\.conf$`, "gap", []string{".d/x.conf"}, []string{"xd/x.conf", ".d/xxconf"}},
		{`^a.*b.*c$`, "automaton", []string{"abc"}, []string{"ab"}},
		{`^a.*?$`, "automaton", []string{"a"}, []string{"b"}},
		{`^a.+$`, "automaton", []string{"ab"}, []string{"a"}},
		{`^(a|b).*$`, "automaton", []string{"ax"}, []string{"c"}},
		{`^()$`, "names", []string{""}, []string{"()", "x"}},
		{`^io\.kubernetes\.pod\.namespace$`, "names", []string{"io.kubernetes.pod.namespace"}, []string{"ioxkubernetes.pod.namespace", `io\.kubernetes\.pod\.namespace`}},
		{`^/opt/\(x\)/(a|b)\.conf$`, "names", []string{"/opt/(x)/a.conf"}, []string{"/opt/x/a.conf", "/opt/(x)/axconf"}},
		{`^a\\$`, "names", []string{`a\`}, []string{"a", `a\\`}},
		{`^\_\ \$$`, "names", []string{"_ $"}, []string{"_ ", `\_\ \$`}},
		{`^a\$`, "automaton", []string{"a$", "a$b"}, []string{"a"}},
		{`^a\\\$`, "automaton", []string{`a\$`}, []string{`a\`}},
		{`^(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)$`, "automaton", []string{"abababa"}, []string{"ababab"}},
		{`^(a|b)?$`, "automaton", []string{"", "a"}, []string{"ab"}},
		{`^((a|b))$`, "automaton", []string{"a"}, []string{"ab"}},
		{`^(a|b){2}$`, "automaton", []string{"ab"}, []string{"a"}},
		{`^(a.|b)$`, "automaton", []string{"ax", "b"}, []string{"a"}},
		{`(?i)^(a|b)$`, "automaton", []string{"A", "b"}, []string{"c"}},
		{`^(a|b)c+$`, "automaton", []string{"acc"}, []string{"a"}},
		{"^(a|\ufffd)$", "automaton", []string{"a", "\xff"}, []string{"b"}},
		{`^/usr/local/bin/foo-[0-9]+$`, "automaton", []string{"/usr/local/bin/foo-1", "/usr/local/bin/foo-123"}, []string{"/usr/local/bin/foo-", "/usr/local/bin/foo-1a"}},
		{`^registry\.example\.com/openshell/sandbox:.*$`, "gap", []string{"registry.example.com/openshell/sandbox:1"}, []string{"registryxexample.com/openshell/sandbox:1"}},
		{`^[^/]+$`, "automaton", []string{"a", "\n", "\xff"}, []string{"", "a/b"}},
		{`^[]a-]+$`, "automaton", []string{"]", "a-]"}, []string{"b"}},
		{`^[\d\s]{2,3}$`, "automaton", []string{"1 ", "\t9\n"}, []string{"1", "1234", "\v1"}},
		{`^\w\W\D\S$`, "automaton", []string{"_.a."}, []string{"_.1."}},
		{`^(a{2}){0,2}$`, "automaton", []string{"", "aa", "aaaa"}, []string{"a", "aaa", "aaaaaa"}},
		{`^(?:a|)*b?$`, "automaton", []string{"", "aaa", "ab", "b"}, []string{"ba"}},
		{`\Aa\z`, "automaton", []string{"a"}, []string{"a\n", "ba"}},
		{`^x{0}$`, "automaton", []string{""}, []string{"x"}},
		{`^a{1,}?$`, "automaton", []string{"a", "aa"}, []string{""}},
		{`^}]$`, "automaton", []string{"}]"}, nil},
		{`^[^\x00-\x{10FFFF}]$`, "automaton", nil, []string{"", "a", "\xff"}},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			p, err := Compile(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			path := "automaton"
			switch {
			case p.names != nil:
				path = "names"
			case p.gap:
				path = "gap"
			}
			if path != tt.path || p.String() != tt.src {
				t.Errorf("matched by %s, want %s; String() = %q", path, tt.path, p.String())
			}
			re := regexp.MustCompile(tt.src)
			for _, s := range tt.match {
				if !p.MatchString(s) || !re.MatchString(s) {
					t.Errorf("%q: match %v, regexp %v, want both true", s, p.MatchString(s), re.MatchString(s))
				}
			}
			for _, s := range tt.miss {
				if p.MatchString(s) || re.MatchString(s) {
					t.Errorf("%q: match %v, regexp %v, want both false", s, p.MatchString(s), re.MatchString(s))
				}
			}
		})
	}
	var zero *Pattern
	if zero.MatchString("") || (&Pattern{}).MatchString("") {
		t.Error("a zero Pattern matches")
	}
}

// TestRefused: what is refused says what and where; regexp refuses the first group
// too, and accepts the second, which this package leaves out.
func TestRefused(t *testing.T) {
	tests := []struct {
		src, problem string
		regexpOK     bool
	}{
		{`^(unclosed$`, "missing closing )", false},
		{`^[a-`, "missing closing ]", false},
		{"^\xff$", "invalid UTF-8", false},
		{`*`, "missing argument", false},
		{`a|*`, "missing argument", false},
		{`a**`, "nested repetition", false},
		{`a{2}{3}`, "nested repetition", false},
		{`a{1001}`, "invalid repeat count", false},
		{`a{3,2}`, "invalid repeat count", false},
		{`(a{100}){11}`, "multiply past 1000", false},
		{`[z-a]`, "invalid class range", false},
		{`a)`, "unopened )", false},
		{`\`, "trailing", false},
		{`\xg0`, "invalid escape", false},
		{`\x{110000}`, "invalid escape", false},
		{`\q`, "unsupported escape", false},
		{`\pL`, "unsupported escape", true},
		{`\bword`, "unsupported escape", true},
		{`\1`, "unsupported escape", false},
		{`\Qa.b\E`, "unsupported escape", true},
		{`[[:alpha:]]`, "POSIX class", true},
		{`(?P<n>a)`, "unsupported group", true},
		{`a(?i)b`, "unsupported group", true},
		{`(?s).`, "unsupported group", true},
		{`(?i)[a-z]`, "class under (?i)", true},
		{`(?i)\w`, "class under (?i)", true},
		{`a{`, "not a repetition", true},
		{`a{01}`, "not a repetition", true},
		{`{`, "nothing to repeat", true},
		{`^*`, "repetition of an anchor", true},
		{strings.Repeat("(", 101) + strings.Repeat(")", 101), "nested deeper", true},
		{`(aaaaaaaaaaaaaaaaaaaa){1000}`, "too large", true},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			_, err := Compile(tt.src)
			if err == nil || !strings.Contains(err.Error(), tt.problem) {
				t.Errorf("error %v, want one saying %q", err, tt.problem)
			}
			if _, reErr := regexp.Compile(tt.src); (reErr == nil) != tt.regexpOK {
				t.Errorf("regexp.Compile error %v, want accepted %v", reErr, tt.regexpOK)
			}
		})
	}
}

// same checks that a pattern this package accepts is one regexp accepts and matches
// the same subjects.
func same(t *testing.T, src string, subjects ...string) {
	t.Helper()
	p, err := Compile(src)
	if err != nil {
		return
	}
	re, reErr := regexp.Compile(src)
	if reErr != nil {
		t.Fatalf("%q accepted, regexp refuses it: %v", src, reErr)
	}
	for _, s := range subjects {
		if got, want := p.MatchString(s), re.MatchString(s); got != want {
			t.Fatalf("%q on %q: %v, regexp says %v", src, s, got, want)
		}
	}
}

// TestAgainstRegexp runs patterns built from every construct this package accepts
// (and some it refuses) against subjects built from the same alphabet, which holds
// case orbits of three runes (K k U+212A, S s U+017F, Σ σ ς) for (?i), invalid bytes
// and the ends of the rune range.
func TestAgainstRegexp(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	atoms := []string{"a", "b", "é", "\u212a", "k", ".", "\\.", "/", "-", "\\n", "\\x61", "\\x{e9}", "[ab]", "[^a]", "[a-c]", "[]b]", "[-a]", "[a-]",
		"\\d", "\\w", "\\s", "\\W", "[\\d.]", "σ", "ſ", "S", "ß", "[^\\n]", "\\S", "\\D", "\\x{10FFFF}", "[\\x00-\\x{7f}]", "(?:)", "^", "$", "\\A", "\\z", "}", "]", "\ufffd", " "}
	ops := []string{"", "", "", "*", "+", "?", "*?", "{2}", "{0,2}", "{1,}", "{0}", "??"}
	letters := []string{"Σ", "σ", "ς", "s", "S", "ſ", "ß", "\U0010FFFF", "\x00", "a", "b", "c", "é", "k", "K", "\u212a", ".", "/", "-", "\n", "1", "_", " ", "\xff", "\xc3", "}", "]"}
	var gen func(depth int) string
	gen = func(depth int) string {
		var b strings.Builder
		for n := rng.IntN(4) + 1; n > 0; n-- {
			switch {
			case depth < 3 && rng.IntN(5) == 0:
				open := "("
				if rng.IntN(2) == 0 {
					open = "(?:"
				}
				b.WriteString(open + gen(depth+1))
				if rng.IntN(3) == 0 {
					b.WriteString("|" + gen(depth+1))
				}
				b.WriteString(")")
			default:
				b.WriteString(atoms[rng.IntN(len(atoms))])
			}
			b.WriteString(ops[rng.IntN(len(ops))])
		}
		return b.String()
	}
	accepted := 0
	for i := 0; i < 20000; i++ {
		src := gen(0)
		if rng.IntN(4) == 0 {
			src = "(?i)" + src
		}
		if rng.IntN(5) == 0 {
			src += "|" + gen(0)
		}
		subjects := make([]string, 12)
		for j := range subjects {
			var s strings.Builder
			for n := rng.IntN(7); n > 0; n-- {
				s.WriteString(letters[rng.IntN(len(letters))])
			}
			subjects[j] = s.String()
		}
		if _, err := Compile(src); err == nil {
			accepted++
		}
		same(t, src, subjects...)
	}
	if accepted < 10000 {
		t.Errorf("only %d of 20000 generated patterns accepted: the generator tests too little", accepted)
	}
}

// TestNamesAgainstRegexp runs patterns of the shape that is compared rather than
// compiled, "^TEXT$" of plain text and groups of alternatives, against subjects made
// of their own pieces, so that most of them match one of the names; a piece that is
// not plain text sends the pattern to the automaton, which must agree too.
func TestNamesAgainstRegexp(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	pieces := []string{"a", "b", "/bin/", "é", "", "k", "\u212a", ".", "a*", "\\.", "\ufffd", "\\$", "\\\\", "\\(", "\\_", "\\", "\\x2e", "\\é", ".*"}
	compared := 0
	for i := 0; i < 10000; i++ {
		var src, subj strings.Builder
		src.WriteString("^")
		for n := rng.IntN(4) + 1; n > 0; n-- {
			if rng.IntN(2) == 0 {
				p := pieces[rng.IntN(len(pieces))]
				src.WriteString(p)
				subj.WriteString(p)
				continue
			}
			open := "("
			if rng.IntN(2) == 0 {
				open = "(?:"
			}
			alts := make([]string, rng.IntN(3)+1)
			for j := range alts {
				alts[j] = pieces[rng.IntN(len(pieces))]
			}
			src.WriteString(open + strings.Join(alts, "|") + ")")
			subj.WriteString(alts[rng.IntN(len(alts))])
		}
		src.WriteString("$")
		if p, err := Compile(src.String()); err == nil && p.names != nil {
			compared++
		}
		s := subj.String()
		same(t, src.String(), s, s+"\n", s+"a", "b"+s, s[:len(s)/2], "\xff", "")
	}
	if compared < 1500 {
		t.Errorf("only %d of 10000 patterns were compared: the generator tests too little", compared)
	}
}

// TestGapAgainstRegexp runs patterns of the shape "^P.*S$" against subjects that put
// newlines, invalid bytes and runes cut in half between, around and inside P and S.
func TestGapAgainstRegexp(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	pieces := []string{"", "a", "ab", "é", "\u212a", "/", "\\.", "\\$", "\\\\", "a*", ".", "(a|b)"}
	fill := []string{"", "x", "\n", "\xff", "\xc3", "\xa9", "é", "a", "b", "ab", ".", "$", `\`}
	gaps := 0
	for i := 0; i < 10000; i++ {
		p, q := pieces[rng.IntN(len(pieces))]+pieces[rng.IntN(len(pieces))], pieces[rng.IntN(len(pieces))]
		src := "^" + p + ".*" + q + "$"
		if c, err := Compile(src); err == nil && c.gap {
			gaps++
		}
		subjects := make([]string, 8)
		for j := range subjects {
			var b strings.Builder
			for n := rng.IntN(5); n > 0; n-- {
				b.WriteString(fill[rng.IntN(len(fill))])
			}
			subjects[j] = strings.NewReplacer(`\.`, ".", `\$`, "$", `\\`, `\`).Replace(p) + b.String() + strings.NewReplacer(`\.`, ".", `\$`, "$", `\\`, `\`).Replace(q)
		}
		same(t, src, subjects...)
	}
	if gaps < 3000 {
		t.Errorf("only %d of 10000 patterns matched by prefix and suffix: the generator tests too little", gaps)
	}
}

func FuzzAgainstRegexp(f *testing.F) {
	for _, seed := range [][2]string{
		{`^/usr/bin/agent$`, "/usr/bin/agent"},
		{`^/opt/.*/agent$`, "/opt/x/agent\n"},
		{"^\ufffd$", "\xff"},
		{`(?i)^k$`, "\u212a"},
		{`^[^a-z]{1,3}$`, "A\n"},
		{`(a|b*)*c?$`, "abba"},
		{`a{2,}[\d\W]`, "aaa%"},
		{`\A(?:x|)\z`, ""},
		{`[]-]`, "-"},
		{`a{1,05}`, "a{1,05}"},
		{`^/bin/(true|sleep)$`, "/bin/sleep"},
		{`^/opt/.*/agent$`, "/opt/\n/agent"},
		{`^(?:a|)b(c|d)$`, "bd"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, src, subject string) {
		// Both matchers take time in proportion to the pattern's size times the
		// subject's length; long inputs only slow the search down.
		if len(src) > 256 || len(subject) > 1024 {
			return
		}
		same(t, src, subject, "", subject+"\n", "\n"+subject)
	})
}

// TestLinear: a pattern that makes a backtracking matcher take exponential time
// runs in one pass here.
func TestLinear(t *testing.T) {
	p, err := Compile(`^(a|aa|a?)*(a*)*b$`)
	if err != nil {
		t.Fatal(err)
	}
	if p.MatchString(strings.Repeat("a", 5000)) {
		t.Error("matched")
	}
}
