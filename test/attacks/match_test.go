package attacks

// Matching: a contract's pattern that names a few strings is compared; any other runs
// through oshim's own matcher. An image that runs the same binary under another
// spelling of its path, or a pod whose annotations only look like the ones a contract
// names, matches neither, and gets nothing the contract grants.

import (
	"fmt"
	"strings"
	"testing"

	"github.com/oshim/oshim/test/procstatus"
)

// grantContract grants CAP_SETPCAP to capdump, named by a pattern.
func grantContract(pattern string) string {
	return `[[contract]]
name = "grant"
require = ["CAP_SETPCAP"]
on_skew = "repair"
init = false
[contract.match]
commands = ['` + pattern + `']
`
}

// grantPatterns name capdump as one string, as one of a few, by prefix, and as
// patterns the matcher runs.
var grantPatterns = []string{
	`^/usr/local/bin/capdump$`,
	`^/usr/local/(bin|sbin)/(capdump|capdumpd)$`,
	`^/usr/local/bin/cap.*$`,
	`^/usr/local/bin/(capdump|capdump-[0-9]+)$`,
	`\A/usr/local/[a-z]{3}/capdump\z`,
}

// TestLookalikeCommandGetsNoGrant: the exact path gets the grant (the match works at
// all); paths that reach the same binary through other spellings run with the spec's
// capabilities only, read from /proc, whichever way the contract names it.
func TestLookalikeCommandGetsNoGrant(t *testing.T) {
	spellings := map[string]bool{
		capdumpPath: true,
		strings.Replace(capdumpPath, "/capdump", "//capdump", 1): false,
		strings.Replace(capdumpPath, "/bin/", "/bin/./", 1):      false,
		strings.Replace(capdumpPath, "/usr/", "/usr//", 1):       false,
	}
	for _, rt := range runtimes {
		for i, pattern := range grantPatterns {
			for arg0, granted := range spellings {
				t.Run(fmt.Sprintf("%s/pattern%d%s", rt, i, arg0), func(t *testing.T) {
					t.Parallel()
					b := capdumpBundle(t, rt)
					b.SetArgs(t, arg0, "-hold")
					env, _ := env(t, b, grantContract(pattern))
					_, st := started(t, env, b)
					checkGrant(t, "args[0] "+arg0, st, granted)
				})
			}
		}
	}
}

// TestLookalikeAnnotationGetsNoGrant: a contract that grants by annotation, its key and
// value each named by a pattern that is compared (escaped dots, a group of
// alternatives), grants to the annotation it names and to nothing that only looks
// like it: a dot read as any character, a case, a suffix or a second value.
func TestLookalikeAnnotationGetsNoGrant(t *testing.T) {
	contract := `[[contract]]
name = "grant"
require = ["CAP_SETPCAP"]
on_skew = "repair"
init = false
[contract.match]
annotations = { '^io\.example\.role$' = '^(supervisor|agent)$' }
`
	annotations := map[string]bool{
		`{"io.example.role": "supervisor"}`:      true,
		`{"io.example.role": "agent"}`:           true,
		`{"ioxexample.role": "supervisor"}`:      false,
		`{"io.example.role": "Supervisor"}`:      false,
		`{"io.example.roles": "agent"}`:          false,
		`{"io.example.role": "agent\n"}`:         false,
		`{"io.example.role": "supervisoragent"}`: false,
	}
	for _, rt := range runtimes {
		for ann, granted := range annotations {
			t.Run(rt+"/"+ann, func(t *testing.T) {
				t.Parallel()
				b := capdumpBundle(t, rt)
				b.Jq(t, ".annotations += "+ann)
				env, _ := env(t, b, contract)
				_, st := started(t, env, b)
				checkGrant(t, "annotations "+ann, st, granted)
			})
		}
	}
}

// checkGrant fails t unless the workload holds CAP_SETPCAP exactly when the contract
// granted it, and nothing beyond the spec's capabilities and that grant.
func checkGrant(t *testing.T, what string, st procstatus.Status, granted bool) {
	t.Helper()
	if got := st.Eff&setpcap != 0; got != granted {
		t.Errorf("%s: CapEff %v, CAP_SETPCAP held %v, want %v", what, st.Eff, got, granted)
	}
	limit := procstatus.Status{Eff: specCaps | setpcap, Prm: specCaps | setpcap, Inh: specCaps | setpcap, Bnd: specCaps | setpcap, Amb: specCaps | setpcap}
	if !granted {
		limit = procstatus.Status{Eff: specCaps, Prm: specCaps, Inh: specCaps, Bnd: specCaps, Amb: specCaps}
	}
	if extra := st.Beyond(limit); len(extra) > 0 {
		t.Errorf("%s: holds %v beyond %v", what, extra, limit)
	}
}
