package spec

import "testing"

func TestFormatPath(t *testing.T) {
	tests := []struct {
		name string
		path []pathElem
		want string
	}{
		{"top level", nil, "(top level)"},
		{"plain keys", []pathElem{{key: "process"}, {key: "capabilities"}, {key: "bounding"}}, "process.capabilities.bounding"},
		{"array index", []pathElem{{key: "mounts"}, {index: 3, isIndex: true}, {key: "options"}}, "mounts[3].options"},
		{"index at the top", []pathElem{{index: 0, isIndex: true}}, "[0]"},
		{"dashes, digits and underscores stay plain", []pathElem{{key: "io_x-1"}}, "io_x-1"},
		{"dotted key is quoted", []pathElem{{key: "annotations"}, {key: "io.example.a"}}, `annotations."io.example.a"`},
		{"empty key is quoted", []pathElem{{key: ""}}, `""`},
		{"leading digit is quoted", []pathElem{{key: "0a"}}, `"0a"`},
		{"leading dash is quoted", []pathElem{{key: "-a"}}, `"-a"`},
		{"quotes are escaped", []pathElem{{key: `a"b`}}, `"a\"b"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := formatPath(tt.path); got != tt.want {
				t.Errorf("formatPath = %s, want %s", got, tt.want)
			}
		})
	}
}
