package toml

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

type m = map[string]any
type a = []any

func TestParseValid(t *testing.T) {
	tests := []struct {
		name, in string
		want     m
	}{
		{"empty", "", m{}},
		{"comments and blank lines", "# c\n\n  # d\na = 1 # e\n", m{"a": int64(1)}},
		{"bom", "\uFEFFa = 1", m{"a": int64(1)}},
		{"crlf", "a = 1\r\n[t]\r\nb = 'x'\r\n", m{"a": int64(1), "t": m{"b": "x"}}},
		{"bare keys", "A-z_0 = 1\n1234 = 2\n-- = 3", m{"A-z_0": int64(1), "1234": int64(2), "--": int64(3)}},
		{"quoted keys", `"a b" = 1` + "\n'c.d' = 2\n\"\" = 3\n\"\\u00e9\" = 4",
			m{"a b": int64(1), "c.d": int64(2), "": int64(3), "é": int64(4)}},
		{"dotted keys with spaces", "a . b\t.\"c\" = 1\na.d = 2", m{"a": m{"b": m{"c": int64(1)}, "d": int64(2)}}},
		{"dotted number key", "3.14 = 1", m{"3": m{"14": int64(1)}}},

		{"basic string escapes", `s = "\b\t\n\f\r\e\"\\\x41\u00e9\U0001F600/"`, m{"s": "\b\t\n\f\r\x1b\"\\Aé😀/"}},
		{"hex escape above ascii", `s = "\xff"`, m{"s": "ÿ"}},
		{"tab in string", "s = \"a\tb\"", m{"s": "a\tb"}},
		{"literal string", `s = 'C:\path\"x"'`, m{"s": `C:\path\"x"`}},
		{"multi-line basic", "s = \"\"\"\nline1\nline2\"\"\"", m{"s": "line1\nline2"}},
		{"multi-line basic crlf trim", "s = \"\"\"\r\nx\"\"\"", m{"s": "x"}},
		{"line-ending backslash", "s = \"\"\"a \\  \n\n   b\\\n\"\"\"", m{"s": "a b"}},
		{"multi-line quotes at end", `s = """a"""""`, m{"s": `a""`}},
		{"multi-line quotes inside", `s = """a""b"c"""`, m{"s": `a""b"c`}},
		{"multi-line escaped quote run", `s = """\""""""`, m{"s": `"""`}},
		{"multi-line literal", "s = '''\nraw \\n ''x'' '''''", m{"s": "raw \\n ''x'' ''"}},
		{"multi-line empty", `s = """"""` + "\nt = ''''''", m{"s": "", "t": ""}},

		{"integers", "a = +99\nb = -17\nc = 0\nd = -0\ne = 1_000\nf = 5_349_221",
			m{"a": int64(99), "b": int64(-17), "c": int64(0), "d": int64(0), "e": int64(1000), "f": int64(5349221)}},
		{"int64 limits", "a = 9223372036854775807\nb = -9223372036854775808",
			m{"a": int64(math.MaxInt64), "b": int64(math.MinInt64)}},
		{"based integers", "a = 0xDEAD_beef\nb = 0o755\nc = 0b1101_0110\nd = 0x7FFFFFFFFFFFFFFF\ne = 0x0",
			m{"a": int64(0xdeadbeef), "b": int64(0o755), "c": int64(0b11010110), "d": int64(math.MaxInt64), "e": int64(0)}},
		{"floats", "a = 1.0\nb = 3.1415\nc = -0.01\nd = 5e+22\ne = 1e06\nf = -2E-2\ng = 6.626e-34\nh = 224_617.445_991\ni = 0e0\nj = 1e1_0",
			m{"a": 1.0, "b": 3.1415, "c": -0.01, "d": 5e22, "e": 1e6, "f": -2e-2, "g": 6.626e-34, "h": 224617.445991, "i": 0.0, "j": 1e10}},
		{"inf and nan", "a = inf\nb = +inf\nc = -inf\nd = nan\ne = +nan\nf = -nan",
			m{"a": math.Inf(1), "b": math.Inf(1), "c": math.Inf(-1), "d": math.NaN(), "e": math.NaN(), "f": math.NaN()}},
		{"booleans", "t = true\nf = false", m{"t": true, "f": false}},

		{"datetimes", "a = 1979-05-27T07:32:00Z\nb = 1979-05-27t00:32:00.999999-07:00\nc = 1979-05-27 07:32:00z\n" +
			"d = 1979-05-27T07:32:00\ne = 1979-05-27\nf = 07:32:00.5\ng = 07:32\nh = 1979-05-27 07:32+01:30\ni = 2000-02-29",
			m{"a": Datetime{"1979-05-27T07:32:00Z"}, "b": Datetime{"1979-05-27t00:32:00.999999-07:00"},
				"c": Datetime{"1979-05-27 07:32:00z"}, "d": Datetime{"1979-05-27T07:32:00"}, "e": Datetime{"1979-05-27"},
				"f": Datetime{"07:32:00.5"}, "g": Datetime{"07:32"}, "h": Datetime{"1979-05-27 07:32+01:30"}, "i": Datetime{"2000-02-29"}}},
		{"date then comment", "d = 1979-05-27 # c", m{"d": Datetime{"1979-05-27"}}},
		{"date in array", "d = [1979-05-27 , 07:32:00]", m{"d": a{Datetime{"1979-05-27"}, Datetime{"07:32:00"}}}},

		{"arrays", "a = []\nb = [1, 'two', 3.0, [4], {x = 5}]\nc = [\n  1, # one\n  2,\n]\n",
			m{"a": a{}, "b": a{int64(1), "two", 3.0, a{int64(4)}, m{"x": int64(5)}}, "c": a{int64(1), int64(2)}}},
		{"inline tables", "a = {}\nb = { x = 1, y.z = 'w' }\nc = {\n  d = 1, # c\n  e = [ 2 ],\n}\n",
			m{"a": m{}, "b": m{"x": int64(1), "y": m{"z": "w"}}, "c": m{"d": int64(1), "e": a{int64(2)}}}},

		{"tables", "[a]\nx = 1\n[b . 'c']\ny = 2\n[ d ]", m{"a": m{"x": int64(1)}, "b": m{"c": m{"y": int64(2)}}, "d": m{}}},
		{"super table after sub table", "[a.b]\nx = 1\n[a]\ny = 2", m{"a": m{"b": m{"x": int64(1)}, "y": int64(2)}}},
		{"sub table of dotted table", "[a]\nb.c = 1\n[a.b.d]\ne = 2", m{"a": m{"b": m{"c": int64(1), "d": m{"e": int64(2)}}}}},
		{"dotted keys into implied table", "[a.b.c]\n[a]\nb.d = 1", m{"a": m{"b": m{"c": m{}, "d": int64(1)}}}},
		{"array of tables", "[[p]]\nn = 1\n[[p]]\n[[p]]\nn = 3",
			m{"p": a{m{"n": int64(1)}, m{}, m{"n": int64(3)}}}},
		{"nested array of tables", "[[f]]\nn = 'a'\n[f.p]\nc = 1\n[[f.v]]\nx = 1\n[[f.v]]\n[[f]]\nn = 'b'\n[[f.v]]",
			m{"f": a{m{"n": "a", "p": m{"c": int64(1)}, "v": a{m{"x": int64(1)}, m{}}}, m{"n": "b", "v": a{m{}}}}}},
		{"no newline at eof", "a = 1 # c", m{"a": int64(1)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse([]byte(tt.in))
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if got, want := normalize(doc.Root), normalize(tt.want); !reflect.DeepEqual(got, want) {
				t.Errorf("Parse(%q)\n got %#v\nwant %#v", tt.in, doc.Root, tt.want)
			}
		})
	}
}

func TestNegativeNaNAndZero(t *testing.T) {
	doc, err := Parse([]byte("a = -nan\nb = -0.0"))
	if err != nil {
		t.Fatal(err)
	}
	if f := doc.Root["a"].(float64); !math.IsNaN(f) || !math.Signbit(f) {
		t.Errorf("-nan = %v, want negative NaN", f)
	}
	if f := doc.Root["b"].(float64); f != 0 || !math.Signbit(f) {
		t.Errorf("-0.0 = %v, want negative zero", f)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		// Encoding and characters.
		{"invalid utf-8", "a = 'x\xffy'", "line 1: invalid UTF-8"},
		{"utf-16 bom", "\xff\xfea = 1", "line 1: invalid UTF-8"},
		{"control char in comment", "# a\x01", "line 1: control character U+0001 is not allowed"},
		{"del in string", "a = \"\x7f\"", "line 1: control character U+007F is not allowed"},
		{"nul", "a = 1\n\x00", "line 2: control character U+0000 is not allowed"},
		{"lone cr", "a = 1\rb = 2", "line 1: carriage return not followed by a newline"},
		{"surrogate encoded in utf-8", "a = '\xed\xa0\x80'", "line 1: invalid UTF-8"},

		// Keys.
		{"duplicate key", "a = 1\n\nruntime = 'x'\nruntime = 'y'", `line 4: duplicate key "runtime"`},
		{"duplicate quoted key", "a = 1\n\"a\" = 2", `line 2: duplicate key "a"`},
		{"missing key", "= 1", "line 1: expected a key, found '='"},
		{"non-ascii bare key", "é = 1", "line 1: expected a key, found 'é'"},
		{"missing equals", "a 1", "line 1: expected '.' or '=' after key, found '1'"},
		{"newline before equals", "a\n= 1", "line 1: expected '.' or '=' after key, found end of line"},
		{"key without value", "a =\nb = 1", "line 1: expected a value, found end of line"},
		{"key at eof", "a =", "line 1: expected a value, found end of file"},
		{"two values", "a = 1 2", "line 1: expected end of line, found '2'"},
		{"two keys on a line", "a = 1 b = 2", "line 1: expected end of line, found 'b'"},
		{"multi-line key", `"""a""" = 1`, "line 1: expected '.' or '=' after key, found '\"'"},
		{"empty dotted part", "a..b = 1", "line 1: expected a key, found '.'"},
		{"trailing dot", "a. = 1", "line 1: expected a key, found '='"},
		{"too many key parts", strings.Repeat("a.", 200) + "a = 1", "line 1: key has more than 128 parts"},

		// Strings.
		{"unterminated string", "a = 1\nb = 2\n\n\n\n\nc = \"abc", "line 7: unterminated string"},
		{"newline in string", "a = \"abc\nd\"", "line 1: unterminated string: newline before closing '\"'"},
		{"unterminated literal", "a = 'abc", "line 1: unterminated string"},
		{"unterminated multi-line", "a = \"\"\"\nabc\n", "line 1: unterminated multi-line string"},
		{"unterminated multi-line literal", "a = '''abc''", "line 1: unterminated multi-line string"},
		{"six quotes", "a = \"\"\"x\n\"\"\"\"\"\"", "line 2: too many quotes (6) at the end of a multi-line string"},
		{"six quotes after escaped backslash", `a = """\\""""""`, "line 1: too many quotes (6) at the end of a multi-line string"},
		{"six single quotes", "a = '''x''''''", "line 1: too many quotes (6) at the end of a multi-line string"},
		{"invalid escape", `a = "\q"`, `line 1: invalid escape sequence \q`},
		{"backslash space", `a = "\ "`, `line 1: invalid escape sequence \ `},
		{"backslash space in multi-line", "a = \"\"\"x\\ y\"\"\"", `line 1: invalid escape sequence \ `},
		{"short \\x", `a = "\x4"`, `line 1: escape \x needs 2 hexadecimal digits`},
		{"short \\u", `a = "\u12G4"`, `line 1: escape \u needs 4 hexadecimal digits`},
		{"short \\U at eof", `a = "\U0001`, `line 1: escape \U needs 8 hexadecimal digits`},
		{"surrogate escape", `a = "\uD800"`, `line 1: escape \uD800 is not a Unicode scalar value`},
		{"too large escape", `a = "\U00110000"`, `line 1: escape \U00110000 is not a Unicode scalar value`},
		{"huge escape", `a = "\UFFFFFFFF"`, `line 1: escape \UFFFFFFFF is not a Unicode scalar value`},

		// Numbers.
		{"overflow", "a = 1\n\n\n\n\n\n\n\nb = 99999999999999999999", "line 9: integer 99999999999999999999 overflows int64"},
		{"negative overflow", "a = -9223372036854775809", "line 1: integer -9223372036854775809 overflows int64"},
		{"hex overflow", "a = 0x8000000000000000", "line 1: integer 0x8000000000000000 overflows int64"},
		{"leading zero", "a = 01", `line 1: invalid number "01": leading zeros are not allowed`},
		{"signed leading zero", "a = -01", `line 1: invalid number "-01": leading zeros are not allowed`},
		{"leading underscore", "a = _1", `line 1: invalid number "_1"`},
		{"trailing underscore", "a = 1_", `line 1: invalid number "1_"`},
		{"double underscore", "a = 1__2", `line 1: invalid number "1__2"`},
		{"signed hex", "a = +0x1", `line 1: invalid number "+0x1"`},
		{"uppercase prefix", "a = 0X1", `line 1: invalid number "0X1"`},
		{"hex underscore after prefix", "a = 0x_1", `line 1: invalid number "0x_1": underscores must be between digits`},
		{"hex trailing underscore", "a = 0x1_", `line 1: invalid number "0x1_": underscores must be between digits`},
		{"bad octal digit", "a = 0o8", `line 1: invalid number "0o8"`},
		{"empty prefix", "a = 0x", `line 1: invalid number "0x"`},
		{"float without fraction digits", "a = 1.", `line 1: invalid float "1.": '.' must be followed by digits`},
		{"float without int", "a = .5", `line 1: invalid number ".5"`},
		{"float dot before exponent", "a = 1.e5", `line 1: invalid float "1.e5": '.' must be followed by digits`},
		{"float empty exponent", "a = 1e", `line 1: invalid float "1e": exponent needs digits`},
		{"float leading zero", "a = 03.14", `line 1: invalid number "03.14": leading zeros are not allowed`},
		{"float underscore by dot", "a = 1_.5", `line 1: invalid number "1_.5"`},
		{"float out of range", "a = 1e999", "line 1: float 1e999 is out of range"},
		{"capital inf", "a = Inf", "line 1: invalid number \"Inf\""},
		{"infinity", "a = infinity", "line 1: invalid number \"infinity\""},
		{"bad bool", "a = tru", "line 1: expected a value, found 't'"},
		{"bool suffix", "a = truer", "line 1: expected end of line, found 'r'"},

		// Datetimes.
		{"month 13", "a = 1979-13-01", `line 1: invalid datetime "1979-13-01": month out of range`},
		{"feb 29 non-leap", "a = 1900-02-29", `line 1: invalid datetime "1900-02-29": day out of range`},
		{"day 31 in april", "a = 2000-04-31", `line 1: invalid datetime "2000-04-31": day out of range`},
		{"day 0", "a = 2000-01-00", `line 1: invalid datetime "2000-01-00": day out of range`},
		{"hour 24", "a = 24:00:00", `line 1: invalid datetime "24:00:00": time out of range`},
		{"second 60", "a = 23:59:60", `line 1: invalid datetime "23:59:60": seconds out of range`},
		{"short year", "a = 979-05-27", `line 1: invalid number "979-05-27"`},
		{"one-digit month", "a = 1979-5-27", `line 1: invalid datetime "1979-5-27": expected YYYY-MM-DD`},
		{"T without time", "a = 1979-05-27T", `line 1: invalid datetime "1979-05-27T": expected a time after 'T'`},
		{"fraction without seconds", "a = 07:32.5", "line 1: expected end of line, found '.'"},
		{"empty fraction", "a = 07:32:00.", `line 1: invalid datetime "07:32:00.": expected digits after '.'`},
		{"offset on local time", "a = 07:32:00Z", "line 1: expected end of line, found 'Z'"},
		{"offset hour 24", "a = 1979-05-27T07:32:00+24:00", `line 1: invalid datetime "1979-05-27T07:32:00+24:00": time offset out of range`},
		{"offset minute 60", "a = 1979-05-27T07:32:00+01:60", `line 1: invalid datetime "1979-05-27T07:32:00+01:60": time offset out of range`},
		{"short offset", "a = 1979-05-27T07:32:00+01", `line 1: invalid datetime "1979-05-27T07:32:00+01": expected time offset ±HH:MM`},
		{"date with two spaces", "a = 1979-05-27  07:32:00", "line 1: expected end of line, found '0'"},

		// Arrays and inline tables.
		{"unterminated array", "a = [1,\n2", "line 1: unterminated array"},
		{"leading comma", "a = [,1]", "line 1: expected a value, found ','"},
		{"double comma", "a = [1,,2]", "line 1: expected a value, found ','"},
		{"missing comma", "a = [1 2]", "line 1: expected ',' or ']' in array, found '2'"},
		{"unterminated inline table", "a = {b = 1", "line 1: unterminated inline table"},
		{"inline table double comma", "a = {b = 1,,}", "line 1: expected a key, found ','"},
		{"inline table only comma", "a = {,}", "line 1: expected a key, found ','"},
		{"inline table missing comma", "a = {b = 1 c = 2}", "line 1: expected ',' or '}' in inline table, found 'c'"},
		{"inline table duplicate", "a = {b = 1, b = 2}", `line 1: duplicate key "a.b"`},
		{"inline table dotted over value", "a = {b = {}, b.c = 1}", `line 1: cannot extend inline table "a.b"`},
		{"inline table newline in key", "a = {b\n= 1}", "line 1: expected '.' or '=' after key, found end of line"},
		{"deep arrays", "a = " + strings.Repeat("[", 200) + strings.Repeat("]", 200), "line 1: arrays and inline tables nested deeper than 128 levels"},
		{"deep inline tables", "a = " + strings.Repeat("{b=", 200) + "1" + strings.Repeat("}", 200), "line 1: arrays and inline tables nested deeper than 128 levels"},

		// Tables and redefinition.
		{"empty header", "[]", "line 1: expected a key, found ']'"},
		{"unclosed header", "[a", "line 1: expected '.' or ']' in table header, found end of file"},
		{"unclosed array header", "[[a]", "line 1: expected ']]' to end array of tables header, found end of file"},
		{"space in array header brackets", "[[a] ]", "line 1: expected ']]' to end array of tables header, found ' '"},
		{"text after header", "[a] b = 1", "line 1: expected end of line, found 'b'"},
		{"table twice", "[a]\n[b]\n[a]", `line 3: table "a" is defined twice`},
		{"table twice after sub table", "[a]\n[a.b]\n[a]", `line 3: table "a" is defined twice`},
		{"header over key", "a = 1\n[a]", `line 2: key "a" is already defined as a value`},
		{"header over inline table", "a = {}\n[a]", `line 2: key "a" is already defined as a value`},
		{"header into inline table", "a = {b = 1}\n[a.c]", `line 2: cannot extend inline table "a"`},
		{"header into value", "a = 1\n[a.b]", `line 2: key "a" is a value, not a table`},
		{"header over dotted table", "[a]\nb.c = 1\n[a.b]", `line 3: table "a.b" was already defined by dotted keys`},
		{"header over root dotted table", "a.b = 1\n[a]", `line 2: table "a" was already defined by dotted keys`},
		{"dotted over header table", "[a.b]\n[a]\nb.c = 1", `line 3: cannot add to table "a.b" with a dotted key: it is defined by a header`},
		{"dotted through header table", "[a.b.c]\n[a]\nb.c.d = 1", `line 3: cannot add to table "a.b.c" with a dotted key: it is defined by a header`},
		{"key over implied table", "[a.b.c]\n[a]\nb = 1", `line 3: duplicate key "a.b"`},
		{"key over dotted table", "a.b = 1\na = 2", `line 2: duplicate key "a"`},
		{"dotted over value", "a = 1\na.b = 2", `line 2: key "a" is a value, not a table`},
		{"dotted into inline table", "a = {b = 1}\na.c = 2", `line 2: cannot extend inline table "a"`},
		{"dotted into array of tables", "[[a]]\n[b]\n[x]\n[[x.y]]\n[x.z]\n[q]", ""},
		{"table over array of tables", "[[a]]\n[a]", `line 2: table "a" was already defined as an array of tables`},
		{"array of tables over table", "[a]\n[[a]]", `line 2: table "a" is not an array of tables`},
		{"array of tables over static array", "a = []\n[[a]]", `line 2: cannot append to static array "a"`},
		{"array of tables over value", "a = 1\n[[a]]", `line 2: key "a" is already defined as a value`},
		{"dotted key into array of tables", "[[x.a]]\n[x]\na.b = 1", `line 3: cannot add to table "x.a" with a dotted key: it is defined by a header`},
		{"duplicate in array element", "[[a]]\nb = 1\nb = 2", `line 3: duplicate key "a.0.b"`},
		{"sub table twice in array element", "[[a]]\n[a.b]\n[a.b]", `line 3: table "a.0.b" is defined twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.in))
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Parse(%q): %v", tt.in, err)
				}
				return
			}
			var perr *ParseError
			if !errors.As(err, &perr) {
				t.Fatalf("Parse(%q) = %v, want *ParseError", tt.in, err)
			}
			if err.Error() != tt.want {
				t.Errorf("Parse(%q)\n got %s\nwant %s", tt.in, err, tt.want)
			}
		})
	}
}

func TestLine(t *testing.T) {
	const in = `runtime = "runc"
a.b.c = 1

[[contract]]
name = "x"

[contract.match]
commands = [
  "a",
]

[[contract]]
name = "y"
match.commands = []
[contract.match.deep.er]

[t]
i = { k = 1,
  l = 2 }
[x.y.z]
[x]
arr = [1, { k = 2 }]
`
	doc, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path []string
		want int
	}{
		{[]string{"runtime"}, 1},
		{[]string{"a"}, 2},
		{[]string{"a", "b"}, 2},
		{[]string{"a", "b", "c"}, 2},
		{[]string{"contract"}, 4},
		{[]string{"contract", "0"}, 4},
		{[]string{"contract", "0", "name"}, 5},
		{[]string{"contract", "0", "match"}, 7},
		{[]string{"contract", "0", "match", "commands"}, 8},
		{[]string{"contract", "1"}, 12},
		{[]string{"contract", "1", "name"}, 13},
		{[]string{"contract", "1", "match"}, 14},
		{[]string{"contract", "1", "match", "commands"}, 14},
		{[]string{"contract", "1", "match", "deep"}, 15},
		{[]string{"contract", "1", "match", "deep", "er"}, 15},
		{[]string{"t"}, 17},
		{[]string{"t", "i"}, 18},
		{[]string{"t", "i", "l"}, 19},
		{[]string{"x", "y"}, 20},
		{[]string{"x", "y", "z"}, 20},
		{[]string{"x"}, 21}, // implied first, then defined by its own header
		{[]string{"x", "arr"}, 22},
		{[]string{"x", "arr", "1", "k"}, 22},
		{[]string{"contract", "2"}, 0},
		{[]string{"nope"}, 0},
		{nil, 0},
	}
	for _, tt := range tests {
		if got := doc.Line(tt.path...); got != tt.want {
			t.Errorf("Line(%q) = %d, want %d", tt.path, got, tt.want)
		}
	}
}

func TestDatetimeString(t *testing.T) {
	doc, err := Parse([]byte("d = 1979-05-27 07:32:00.5z"))
	if err != nil {
		t.Fatal(err)
	}
	if got := doc.Root["d"].(Datetime).String(); got != "1979-05-27 07:32:00.5z" {
		t.Errorf("String() = %q", got)
	}
}
