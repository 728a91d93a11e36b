package main

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestSleeping(t *testing.T) {
	got, err := sleeping([]byte(`{"ociVersion":"1.0.2","process":{"args":["/bin/true"],"cwd":"/"},"root":{"path":"r"}}`))
	if err != nil {
		t.Fatal(err)
	}
	var spec map[string]any
	if err := json.Unmarshal(got, &spec); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"ociVersion": "1.0.2", "process": map[string]any{"args": []any{"/bin/sleep", "1000000"}, "cwd": "/"}, "root": map[string]any{"path": "r"}}
	if !reflect.DeepEqual(spec, want) {
		t.Errorf("sleeping = %s", got)
	}
	for _, bad := range []string{`{}`, `{"process":null}`, `[`} {
		if _, err := sleeping([]byte(bad)); err == nil {
			t.Errorf("sleeping(%s): no error", bad)
		}
	}
}

// Every configuration, and every copy of a build, execs into a container of its own.
func TestExecID(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range []setup{
		{Runtime: "crun", Variant: "direct"},
		{Runtime: "runc", Variant: "direct"},
		{Runtime: "crun", Variant: "clear", Build: "base-1"},
		{Runtime: "crun", Variant: "clear", Build: "base-2"},
		{Runtime: "crun", Variant: "clear"},
	} {
		id := execID(s)
		if seen[id] {
			t.Errorf("%s: id %s taken", s.Name(), id)
		}
		seen[id] = true
	}
}
