package attacks

// Matching: a contract's pattern that names a few strings is compared; any other runs
// through oshim's own matcher. An image that runs the same binary under another
// spelling of its path matches neither, and gets nothing the contract grants.

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

// grantPatterns name capdump as one string, as one of a few, and as patterns the
// matcher runs.
var grantPatterns = []string{
	`^/usr/local/bin/capdump$`,
	`^/usr/local/(bin|sbin)/(capdump|capdumpd)$`,
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
					if got := st.Eff&setpcap != 0; got != granted {
						t.Errorf("args[0] %q: CapEff %v, CAP_SETPCAP held %v, want %v", arg0, st.Eff, got, granted)
					}
					limit := procstatus.Status{Eff: specCaps | setpcap, Prm: specCaps | setpcap, Inh: specCaps | setpcap, Bnd: specCaps | setpcap, Amb: specCaps | setpcap}
					if !granted {
						limit = procstatus.Status{Eff: specCaps, Prm: specCaps, Inh: specCaps, Bnd: specCaps, Amb: specCaps}
					}
					if extra := st.Beyond(limit); len(extra) > 0 {
						t.Errorf("args[0] %q holds %v beyond %v", arg0, extra, limit)
					}
				})
			}
		}
	}
}
