package config

import (
	"slices"
	"strings"
	"testing"
)

// The reference documents exactly the keys the parser knows: a key added to the config
// without documentation, or documentation of a key that is gone, fails here.
func TestReferenceCoversEveryKey(t *testing.T) {
	names := func(ks []Key) []string {
		var out []string
		for _, k := range ks {
			if k.Value == "" || k.Doc == "" {
				t.Errorf("key %q is not documented", k.Name)
			}
			out = append(out, k.Name)
		}
		slices.Sort(out)
		return out
	}
	var top, inContract []string
	for _, s := range settings {
		top = append(top, s.name)
	}
	for _, k := range contractKeys {
		inContract = append(inContract, k.name)
	}
	slices.Sort(top)
	if got := names(Keys()); !slices.Equal(got, top) {
		t.Errorf("documented top-level keys %q, the parser knows %q", got, top)
	}
	slices.Sort(inContract)
	if got := names(ContractKeys()); !slices.Equal(got, inContract) {
		t.Errorf("documented contract keys %q, the parser knows %q", got, inContract)
	}
}

func TestUnknownKeyListsTheReference(t *testing.T) {
	_, err := Parse([]byte("runtim = \"crun\"\n"))
	if err == nil {
		t.Fatal("an unknown key was accepted")
	}
	for _, k := range append(Keys(), ContractKeys()...) {
		if !strings.Contains(err.Error(), k.Name) {
			t.Errorf("error %q does not list %q", err, k.Name)
		}
	}
}
