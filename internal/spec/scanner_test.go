package spec

import (
	"errors"
	"strings"
	"testing"
)

func TestParseObjectRejects(t *testing.T) {
	tests := []struct {
		name   string
		input  string
		offset int
		msg    string
	}{
		{"empty input", "", 0, "empty input"},
		{"only whitespace", " \n\t", 3, "empty input"},
		{"array at top level", `[{"a":1}]`, 0, "top-level value is an array"},
		{"string at top level", ` "x"`, 1, "top-level value is a string"},
		{"number at top level", `18446744073709551615`, 0, "top-level value is a number"},
		{"null at top level", `null`, 0, "top-level value is null"},
		{"garbage at top level", `nope`, 0, `invalid literal, want "null"`},
		{"byte order mark", "\xef\xbb\xbf{}", 0, "unexpected byte 0xef"},
		{"second object", `{"a":1}{}`, 7, "after the top-level value"},
		{"trailing garbage", "{\"a\":1}\n x", 9, "unexpected character 'x' after the top-level value"},
		{"trailing comma in object", `{"a":1,}`, 7, "want an object key"},
		{"trailing comma in array", `{"a":[1,]}`, 8, "want a value"},
		{"unquoted key", `{a:1}`, 1, "want an object key"},
		{"missing colon", `{"a" 1}`, 5, "after object key, want ':'"},
		{"missing comma", `{"a":1 "b":2}`, 7, "after object member"},
		{"leading zero", `{"a":01}`, 6, "after object member"},
		{"lone minus", `{"a":-}`, 6, "in number, want a digit"},
		{"bare decimal point", `{"a":1.}`, 7, "after decimal point"},
		{"empty exponent", `{"a":1e+}`, 8, "in exponent"},
		{"plus sign", `{"a":+1}`, 5, "want a value"},
		{"truncated literal", `{"a":tru}`, 5, `want "true"`},
		{"control character", "{\"a\":\"x\x01\"}", 7, "control character 0x01"},
		{"raw newline in string", "{\"a\":\"x\ny\"}", 7, "control character 0x0a"},
		{"unknown escape", `{"a":"\q"}`, 7, "invalid escape"},
		{"bad unicode escape", `{"a":"\u12g4"}`, 10, "want a hex digit"},
		{"invalid UTF-8", "{\"a\":\"\xff\"}", 6, "invalid UTF-8"},
		{"UTF-8 encoded surrogate", "{\"a\":\"\xed\xa0\x80\"}", 6, "invalid UTF-8"},
		{"invalid UTF-8 in key", "{\"\xc3\":1}", 2, "invalid UTF-8"},
		{"unterminated object", `{"a":1`, 6, "unexpected end of input"},
		{"unterminated string", `{"a":"abc`, 9, "unexpected end of input in string"},
		{"unterminated array", `{"a":[1`, 7, "unexpected end of input"},
		{"too deep", `{"a":` + strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth) + `}`, 5 + maxDepth - 1, "nesting deeper than 10000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseObject([]byte(tt.input))
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("ParseObject(%.60q) error = %v, want a *SyntaxError", tt.input, err)
			}
			if se.Offset != tt.offset || !strings.Contains(se.Msg, tt.msg) {
				t.Errorf("ParseObject(%.60q) = offset %d %q, want offset %d containing %q", tt.input, se.Offset, se.Msg, tt.offset, tt.msg)
			}
		})
	}
}

func TestParseObjectDuplicateKeys(t *testing.T) {
	tests := []struct {
		name   string
		input  string
		path   string
		offset int
	}{
		{"top level", `{"a":1,"a":2}`, "a", 7},
		{"same key spelled with an escape", `{"a":1,"\u0061":2}`, "a", 7},
		{"nested object", `{"process":{"user":{"uid":0,"uid":1}}}`, "process.user.uid", 28},
		{"object inside an array", `{"mounts":[{"x":1},{"y":1,"y":2}]}`, "mounts[1].y", 26},
		{"dotted key is quoted", `{"annotations":{"a.b":"1","a.b":"2"}}`, `annotations."a.b"`, 26},
		{"lone surrogates both decode to U+FFFD", `{"\ud800":1,"\udc00":2}`, "\"\uFFFD\"", 12},
		{"duplicate after a valid sibling", `{"linux":{"seccomp":{}},"x":{"k":[],"k":{}}}`, "x.k", 36},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseObject([]byte(tt.input))
			var de *DuplicateKeyError
			if !errors.As(err, &de) {
				t.Fatalf("ParseObject(%q) error = %v, want a *DuplicateKeyError", tt.input, err)
			}
			if de.Path != tt.path || de.Offset != tt.offset {
				t.Errorf("ParseObject(%q) = duplicate %s at %d, want %s at %d", tt.input, de.Path, de.Offset, tt.path, tt.offset)
			}
			if !strings.Contains(err.Error(), tt.path) {
				t.Errorf("error %q does not name the path %s", err, tt.path)
			}
		})
	}
}

func TestParseObjectAccepts(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  string // MarshalJSON output, compacted
	}{
		{"empty object", `{}`, `{}`},
		{"surrounding whitespace", " \r\n\t{ \"a\" : 1 } \n", `{"a":1}`},
		{"numbers keep their text", `{"a":18446744073709551615,"b":1e400,"c":-0.0E-0,"d":1E+2}`, `{"a":18446744073709551615,"b":1e400,"c":-0.0E-0,"d":1E+2}`},
		{"escapes keep their spelling", `{"\u0061":"\u00e9\/\ud83d\ude00\n"}`, `{"\u0061":"\u00e9\/\ud83d\ude00\n"}`},
		{"raw UTF-8 and U+FFFD", "{\"k\":\"日本 \xef\xbf\xbd \u2028\"}", "{\"k\":\"日本 \xef\xbf\xbd \u2028\"}"},
		{"keys differing in case are distinct", `{"a":1,"A":2}`, `{"a":1,"A":2}`},
		{"same key in sibling objects", `{"x":{"k":1},"y":{"k":1},"z":[{"k":1},{"k":2}]}`, `{"x":{"k":1},"y":{"k":1},"z":[{"k":1},{"k":2}]}`},
		{"all literals", `{"t":true,"f":false,"n":null,"e":[],"o":{}}`, `{"t":true,"f":false,"n":null,"e":[],"o":{}}`},
		{"deepest allowed nesting", `{"a":` + strings.Repeat("[", maxDepth-1) + strings.Repeat("]", maxDepth-1) + `}`, `{"a":` + strings.Repeat("[", maxDepth-1) + strings.Repeat("]", maxDepth-1) + `}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := ParseObject([]byte(tt.input))
			if err != nil {
				t.Fatalf("ParseObject(%.60q): %v", tt.input, err)
			}
			out, err := o.MarshalJSON()
			if err != nil {
				t.Fatalf("MarshalJSON: %v", err)
			}
			if got := compact(t, out); got != tt.want {
				t.Errorf("MarshalJSON = %.80q, want %.80q", got, tt.want)
			}
		})
	}
}

func TestParseObjectCopiesInput(t *testing.T) {
	data := []byte(`{"a":"b"}`)
	o, err := ParseObject(data)
	if err != nil {
		t.Fatalf("ParseObject: %v", err)
	}
	copy(data, `{"a":"c"}`)
	if got, _ := o.Get("a"); string(got) != `"b"` {
		t.Errorf("Get(a) after the caller reused its buffer = %s, want \"b\"", got)
	}
}
