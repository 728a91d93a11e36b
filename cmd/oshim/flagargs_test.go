package main

import (
	"flag"
	"io"
	"slices"
	"testing"
)

func TestParseMixed(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantPos  []string
		wantJSON bool
		wantRoot string
	}{
		{name: "flags first", args: []string{"--json", "--root", "/r", "c1"}, wantPos: []string{"c1"}, wantJSON: true, wantRoot: "/r"},
		{name: "flags after the id", args: []string{"c1", "--json"}, wantPos: []string{"c1"}, wantJSON: true},
		{name: "flags around the id", args: []string{"--root=/r", "c1", "--json"}, wantPos: []string{"c1"}, wantJSON: true, wantRoot: "/r"},
		{name: "no arguments", args: nil},
		{name: "-- ends the flags", args: []string{"--", "--json"}, wantPos: []string{"--json"}},
		{name: "-- after an id", args: []string{"c1", "--", "-x"}, wantPos: []string{"c1", "-x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := flag.NewFlagSet("t", flag.ContinueOnError)
			asJSON := fs.Bool("json", false, "")
			root := fs.String("root", "", "")
			pos, err := parseMixed(fs, tt.args)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(pos, tt.wantPos) || *asJSON != tt.wantJSON || *root != tt.wantRoot {
				t.Fatalf("pos %q json %t root %q; want %q %t %q", pos, *asJSON, *root, tt.wantPos, tt.wantJSON, tt.wantRoot)
			}
		})
	}
}

func TestParseMixedUnknownFlag(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if _, err := parseMixed(fs, []string{"c1", "--nope"}); err == nil {
		t.Fatal("an unknown flag after the id was accepted")
	}
}

func TestOptionalString(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"cleaned", "/run//x/", "/run/x"},
		{"empty is the default root", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var o optionalString
			if err := o.Set(tt.in); err != nil || !o.set || o.value != tt.want {
				t.Fatalf("Set(%q) = %+v, %v; want %q", tt.in, o, err, tt.want)
			}
		})
	}
}
