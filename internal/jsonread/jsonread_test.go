package jsonread

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// Every test holds the Reader to encoding/json: the same value where both read one,
// an error from one exactly where the other errs.
func TestString(t *testing.T) {
	tests := []struct {
		description string
		in          string
	}{
		{"plain", `"abc"`},
		{"empty", `""`},
		{"null", `null`},
		{"white space around", " \t\n\"x\"\r\n"},
		{"escapes", `"a\"b\\c\/d\b\f\n\r\t"`},
		{"unicode escapes", `"\u00e9\u2028\ufffd\u0000"`},
		{"a surrogate pair", `"\ud83d\ude00"`},
		{"a lone high surrogate", `"\ud83dx"`},
		{"a lone low surrogate", `"\ude00"`},
		{"a high surrogate before a non-surrogate escape", `"\ud83d\u0041"`},
		{"invalid UTF-8", "\"a\xffb\xc3\""},
		{"invalid UTF-8 after an escape", "\"\\n\xff\""},
		{"a control character", "\"a\nb\""},
		{"an invalid escape", `"\x"`},
		{"a short unicode escape", `"\u12"`},
		{"unterminated", `"abc`},
		{"a number", `12`},
		{"trailing data", `"a" "b"`},
		{"nothing", ``},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) { checkString(t, []byte(tc.in)) })
	}
}

func checkString(t *testing.T, in []byte) {
	t.Helper()
	r := New(in)
	got := r.String()
	err := r.Err()
	var want string
	wantErr := json.Unmarshal(in, &want)
	if (err == nil) != (wantErr == nil) || (err == nil && got != want) {
		t.Fatalf("%q: Reader %q, %v; encoding/json %q, %v", in, got, err, want, wantErr)
	}
}

func FuzzString(f *testing.F) {
	for _, s := range []string{`"abc"`, `"\ud83d\ude00"`, "\"\xff\"", `"\u12"`, `null`, `"a\\"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) { checkString(t, in) })
}

func TestNumbers(t *testing.T) {
	for _, in := range []string{`0`, `-0`, `7`, `-12`, `4294967295`, `4294967296`, `9223372036854775807`, `9223372036854775808`,
		`-9223372036854775809`, `1.5`, `1e2`, `01`, `-`, `+1`, `"1"`, `null`, `true`, ` 3 `, `3 4`} {
		t.Run(in, func(t *testing.T) { checkNumbers(t, []byte(in)) })
	}
}

func checkNumbers(t *testing.T, in []byte) {
	t.Helper()
	r := New(in)
	gotInt := r.Int(64)
	errInt := r.Err()
	var wantInt int64
	wantIntErr := json.Unmarshal(in, &wantInt)
	if (errInt == nil) != (wantIntErr == nil) || (errInt == nil && gotInt != wantInt) {
		t.Fatalf("%q as int64: Reader %d, %v; encoding/json %d, %v", in, gotInt, errInt, wantInt, wantIntErr)
	}
	r = New(in)
	gotUint := uint32(r.Uint(32))
	errUint := r.Err()
	var wantUint uint32
	wantUintErr := json.Unmarshal(in, &wantUint)
	if (errUint == nil) != (wantUintErr == nil) || (errUint == nil && gotUint != wantUint) {
		t.Fatalf("%q as uint32: Reader %d, %v; encoding/json %d, %v", in, gotUint, errUint, wantUint, wantUintErr)
	}
}

func FuzzNumbers(f *testing.F) {
	for _, s := range []string{`0`, `-12`, `1e2`, `4294967296`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) { checkNumbers(t, in) })
}

func TestStringLists(t *testing.T) {
	for _, in := range []string{`{}`, `null`, `{"a":["x","y"],"b":[],"c":null}`, `{"a":["x"],"a":["y"]}`, `{"a":[null]}`,
		`{"a":"x"}`, `{"a":[1]}`, `{"a":["x"],}`, `{"a" ["x"]}`, `[]`, `{"a":["x"]`} {
		t.Run(in, func(t *testing.T) { checkStringLists(t, []byte(in)) })
	}
}

func checkStringLists(t *testing.T, in []byte) {
	t.Helper()
	r := New(in)
	got := r.StringLists()
	err := r.Err()
	var want map[string][]string
	wantErr := json.Unmarshal(in, &want)
	if (err == nil) != (wantErr == nil) || (err == nil && !reflect.DeepEqual(got, want)) {
		t.Fatalf("%q: Reader %#v, %v; encoding/json %#v, %v", in, got, err, want, wantErr)
	}
}

func FuzzStringLists(f *testing.F) {
	for _, s := range []string{`{"a":["x","y"],"b":[],"c":null}`, `null`, `{"a":[null]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) { checkStringLists(t, in) })
}

// FuzzSkip: Skip reads exactly the valid JSON values.
func FuzzSkip(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5e-3,true,false,null,{"b":"c"}]}`, `[`, `{"a":}`, `-`, `"\u00"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		r := New(in)
		r.Skip()
		if err := r.Err(); (err == nil) != json.Valid(in) {
			t.Fatalf("%q: Skip %v, json.Valid %t", in, err, json.Valid(in))
		}
	})
}

func TestBoolAndTime(t *testing.T) {
	for _, in := range []string{`true`, `false`, `null`, `tru`, `1`} {
		r := New([]byte(in))
		got := r.Bool()
		err := r.Err()
		var want bool
		wantErr := json.Unmarshal([]byte(in), &want)
		if (err == nil) != (wantErr == nil) || got != want {
			t.Errorf("%q: Reader %t, %v; encoding/json %t, %v", in, got, err, want, wantErr)
		}
	}
	for _, in := range []string{`"2026-12-04T12:00:00.123456789Z"`, `"2026-12-04T12:00:00-05:00"`, `null`, `"yesterday"`, `5`} {
		r := New([]byte(in))
		got := r.Time()
		err := r.Err()
		var want time.Time
		wantErr := json.Unmarshal([]byte(in), &want)
		if (err == nil) != (wantErr == nil) || !got.Equal(want) {
			t.Errorf("%q: Reader %v, %v; encoding/json %v, %v", in, got, err, want, wantErr)
		}
	}
}
