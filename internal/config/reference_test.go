package config

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/oshim/oshim/internal/contract"
)

// tomlKeys lists the TOML keys a struct decodes, nested tables as "table.key".
func tomlKeys(t reflect.Type, prefix string) []string {
	var keys []string
	for i := range t.NumField() {
		tag := t.Field(i).Tag.Get("toml")
		if tag == "" || tag == "-" {
			continue
		}
		ft := t.Field(i).Type
		if ft.Kind() == reflect.Struct {
			keys = append(keys, tomlKeys(ft, prefix+tag+".")...)
			continue
		}
		keys = append(keys, prefix+tag)
	}
	return keys
}

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
	top := tomlKeys(reflect.TypeOf(Config{}), "")
	top = slices.DeleteFunc(top, func(k string) bool { return k == "contract" })
	slices.Sort(top)
	if got := names(Keys()); !slices.Equal(got, top) {
		t.Errorf("documented top-level keys %q, the parser knows %q", got, top)
	}
	inContract := tomlKeys(reflect.TypeOf(contract.Contract{}), "")
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
