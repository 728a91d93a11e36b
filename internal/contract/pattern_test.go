package contract

import (
	"regexp"
	"testing"
)

func TestPattern(t *testing.T) {
	tests := []struct {
		src     string
		literal bool
		match   []string
		miss    []string
	}{
		{`^/usr/bin/agent$`, true, []string{"/usr/bin/agent"}, []string{"/usr/bin/agent2", "x/usr/bin/agent", "/usr/bin/agent\n", ""}},
		{`^$`, true, []string{""}, []string{"a", "\n"}},
		{`^/opt/my-app_1 2$`, true, []string{"/opt/my-app_1 2"}, []string{"/opt/my-app_1  2"}},
		{`^é$`, true, []string{"é"}, []string{"e", "\xc3"}},
		{`^/usr/bin/agent.v2$`, false, []string{"/usr/bin/agent.v2", "/usr/bin/agentxv2"}, []string{"/usr/bin/agent"}},
		{`^/opt/.*/agent$`, false, []string{"/opt/a/agent"}, []string{"/opt/agent"}},
		{`(?i)^/usr/bin/agent$`, false, []string{"/USR/BIN/AGENT"}, []string{"/usr/bin/agents"}},
		{`^/usr/bin/agent`, false, []string{"/usr/bin/agent", "/usr/bin/agent2"}, []string{"/bin/agent"}},
		{`/usr/bin/agent$`, false, []string{"/usr/bin/agent", "x/usr/bin/agent"}, []string{"/usr/bin/agent2"}},
		{`^\x2fbin$`, false, []string{"/bin"}, []string{`\x2fbin`}},
		{"^\ufffd$", false, []string{"\ufffd", "\xff"}, []string{"a"}},
		{`^a$|^b$`, false, []string{"a", "b"}, []string{"ab"}},
		{`^`, false, []string{"", "x"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			p := MustPattern(tt.src)
			if p.literal != tt.literal {
				t.Errorf("literal = %v, want %v", p.literal, tt.literal)
			}
			if p.String() != tt.src {
				t.Errorf("String() = %q", p.String())
			}
			for _, s := range tt.match {
				if !p.MatchString(s) {
					t.Errorf("%q does not match", s)
				}
			}
			for _, s := range tt.miss {
				if p.MatchString(s) {
					t.Errorf("%q matches", s)
				}
			}
		})
	}
}

func TestPatternErrors(t *testing.T) {
	for _, src := range []string{`^(unclosed$`, `^[a-$`, "^\xff$", `*`} {
		var p Pattern
		if err := p.UnmarshalText([]byte(src)); err == nil {
			t.Errorf("%q accepted", src)
		}
	}
	if (Pattern{}).MatchString("") {
		t.Error("the zero Pattern matches")
	}
}

// FuzzPatternMatchesAsRegexp: a pattern kept as a literal accepts and matches exactly
// what the regexp it stands for does.
func FuzzPatternMatchesAsRegexp(f *testing.F) {
	f.Add(`^/usr/bin/agent$`, "/usr/bin/agent")
	f.Add(`^/usr/bin/agent$`, "/usr/bin/agent\n")
	f.Add("^\ufffd$", "\xff")
	f.Add(`^é$`, "e\u0301")
	f.Add(`^a.b$`, "axb")
	f.Fuzz(func(t *testing.T, src, subject string) {
		re, reErr := regexp.Compile(src)
		var p Pattern
		err := p.UnmarshalText([]byte(src))
		if (err == nil) != (reErr == nil) {
			t.Fatalf("%q: UnmarshalText error %v, regexp.Compile error %v", src, err, reErr)
		}
		if err != nil {
			return
		}
		if got, want := p.MatchString(subject), re.MatchString(subject); got != want {
			t.Fatalf("%q (literal %v) on %q: %v, regexp says %v", src, p.literal, subject, got, want)
		}
	})
}
