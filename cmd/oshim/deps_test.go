package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestStartupDependencies: every runtime call starts the whole binary, and Go
// initialises every linked package before main. These were taken out for what their
// initialisation cost each call (README, Performance); linking one again, through any
// import, would bring that cost back unnoticed.
func TestStartupDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	banned := []struct{ prefix, why string }{
		{"crypto/", "the FIPS 140-3 module's initialisation (hash with internal/digest)"},
		{"github.com/BurntSushi/toml", "its time-zone lookup and reflection (parse with internal/toml)"},
		{"regexp", "the Unicode and parser tables it builds (match with internal/pattern)"},
	}
	for _, pkg := range strings.Fields(string(out)) {
		for _, b := range banned {
			if strings.HasPrefix(pkg, b.prefix) {
				t.Errorf("cmd/oshim links %s: %s", pkg, b.why)
			}
		}
	}
}
