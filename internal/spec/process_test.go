package spec

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestReadProcessSamples(t *testing.T) {
	for _, s := range loadSamples(t) {
		t.Run(s.name, func(t *testing.T) {
			var path []string
			if !s.process {
				path = []string{"process"}
			}
			p, err := ReadProcess(mustParse(t, string(s.data)), path...)
			if err != nil {
				t.Fatalf("ReadProcess: %v", err)
			}
			if len(p.Args) == 0 || p.Capabilities == nil || !slices.Contains(p.Capabilities.Bounding, "CAP_KILL") {
				t.Errorf("ReadProcess = args %q, capabilities %+v; want args and CAP_KILL in bounding", p.Args, p.Capabilities)
			}
		})
	}
}

func TestReadProcess(t *testing.T) {
	tests := []struct {
		name     string
		doc      string
		path     []string
		wantArgs []string
		wantErr  string
		notFound bool
	}{
		{"config.json process", `{"process":{"args":["sh"],"newField":{"x":1e400}}}`, []string{"process"}, []string{"sh"}, "", false},
		{"process.json at the top level", `{"args":["id"],"cwd":"/"}`, nil, []string{"id"}, "", false},
		{"absent process", `{"ociVersion":"1.0.2"}`, []string{"process"}, nil, "read process process: not found", true},
		{"null process", `{"process":null}`, []string{"process"}, nil, "not found", true},
		{"process is a string", `{"process":"sh"}`, []string{"process", "x"}, nil, "process is a string, not an object", false},
		{"ambiguous process", `{"process":{},"PROCESS":{}}`, []string{"process"}, nil, "process is ambiguous", false},
		{"wrong field type", `{"process":{"args":"sh"}}`, []string{"process"}, nil, "read process process: offset 8: want an array", false},
		{"user of the wrong type", `{"process":{"args":["sh"],"user":"root"}}`, []string{"process"}, nil, "read process process: offset 22: want an object", false},
		{"uid out of range", `{"process":{"user":{"uid":4294967296}}}`, []string{"process"}, nil, "is not a uint32", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ReadProcess(mustParse(t, tt.doc), tt.path...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ReadProcess error = %v, want one containing %q", err, tt.wantErr)
				}
				if got := errors.Is(err, ErrNotFound); got != tt.notFound {
					t.Errorf("errors.Is(%v, ErrNotFound) = %t, want %t", err, got, tt.notFound)
				}
				return
			}
			if err != nil {
				t.Fatalf("ReadProcess: %v", err)
			}
			if !slices.Equal(p.Args, tt.wantArgs) {
				t.Errorf("args = %q, want %q", p.Args, tt.wantArgs)
			}
		})
	}
}
