package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestPatchVersion(t *testing.T) {
	tests := []struct {
		name    string
		input   string
		want    string
		wantErr string
	}{
		{
			name:  "the generator's version line",
			input: "\tconfig := rspec.Spec{\n\t\tVersion:  rspec.Version,\n\t}\n",
			want:  "\tconfig := rspec.Spec{\n\t\tVersion:  \"1.0.2\",\n\t}\n",
		},
		{
			name:    "upstream changed the line",
			input:   "\t\tVersion: rspec.Version,\n",
			wantErr: "has 0 lines",
		},
		{
			name:    "two candidates",
			input:   "Version:  rspec.Version,\nVersion:  rspec.Version,\n",
			wantErr: "has 2 lines",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "generate.go")
			if err := os.WriteFile(p, []byte(tt.input), 0o644); err != nil {
				t.Fatal(err)
			}
			err := patchVersion(p, "1.0.2")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("patchVersion() error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("patchVersion() error = %v", err)
			}
			got, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("patched file =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestListPrograms(t *testing.T) {
	dir := t.TempDir()
	for name, mode := range map[string]os.FileMode{"create": 0o755, "default": 0o755, "runtimetest": 0o755, "rootfs-amd64.tar.gz": 0o644} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, mode); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := listPrograms(dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"create", "default"}; !reflect.DeepEqual(got, want) {
		t.Errorf("listPrograms() = %q, want %q", got, want)
	}
	if _, err := listPrograms(t.TempDir()); err == nil {
		t.Error("listPrograms() of an empty directory: no error")
	}
}

func TestSelectPrograms(t *testing.T) {
	all := append([]string{"extra"}, Subset...)
	tests := []struct {
		name    string
		spec    string
		want    []string
		wantErr bool
	}{
		{name: "all", spec: "all", want: all},
		{name: "subset", spec: "subset", want: Subset},
		{name: "a list", spec: "state, extra", want: []string{"state", "extra"}},
		{name: "an unknown program", spec: "state,nope", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := selectPrograms(tt.spec, all)
			if (err != nil) != tt.wantErr {
				t.Fatalf("selectPrograms() error = %v, want error %v", err, tt.wantErr)
			}
			if !tt.wantErr && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("selectPrograms() = %q, want %q", got, tt.want)
			}
		})
	}
}
