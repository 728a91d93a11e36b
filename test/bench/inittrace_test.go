package main

import (
	"reflect"
	"testing"
)

func TestParseInitTrace(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		want    []PackageInit
		wantErr bool
	}{
		{
			name: "runtime lines among the program's own",
			text: "init internal/bytealg @0.003 ms, 0 ms clock, 0 bytes, 0 allocs\n" +
				"oshim: something\n" +
				"init github.com/BurntSushi/toml/internal @1.2 ms, 0.465 ms clock, 1056 bytes, 19 allocs\n",
			want: []PackageInit{
				{Package: "internal/bytealg", MS: 0, Bytes: 0, Allocs: 0},
				{Package: "github.com/BurntSushi/toml/internal", MS: 0.465, Bytes: 1056, Allocs: 19},
			},
		},
		{name: "nothing traced", text: "oshim: something\n"},
		{name: "an unknown format", text: "init x @1 ms, 2 ms wall, 3 bytes, 4 allocs\n", wantErr: true},
		{name: "a bad number", text: "init x @1 ms, y ms clock, 3 bytes, 4 allocs\n", wantErr: true},
		{name: "a bad byte count", text: "init x @1 ms, 1 ms clock, z bytes, 4 allocs\n", wantErr: true},
		{name: "a bad alloc count", text: "init x @1 ms, 1 ms clock, 3 bytes, z allocs\n", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseInitTrace(tt.text)
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseInitTrace() error = %v, want error %v", err, tt.wantErr)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parseInitTrace() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func FuzzParseInitTrace(f *testing.F) {
	f.Add("init internal/bytealg @0.003 ms, 0 ms clock, 0 bytes, 0 allocs\n")
	f.Add("init a @1 ms, 2 ms clock, 3 bytes, 4 allocs\nother\n")
	f.Fuzz(func(t *testing.T, text string) {
		got, err := parseInitTrace(text)
		if err != nil {
			return
		}
		for _, p := range got {
			if p.Package == "" {
				t.Errorf("parseInitTrace(%q): a package without a name", text)
			}
		}
	})
}
