package toml

import (
	"math"
	"strconv"
	"strings"
)

// number parses an integer or float. It first takes the whole run of
// characters that can appear in a number, then validates it, so that junk
// such as 1x2 is reported as one bad number.
func (p *parser) number() (any, error) {
	start := p.pos
	for p.pos < len(p.src) && isNumberChar(p.src[p.pos]) {
		p.pos++
	}
	tok := p.src[start:p.pos]
	if tok == "" {
		return nil, errorf(p.line, "expected a value, found %s", p.describe())
	}
	v, msg := parseNumber(tok)
	if msg != "" {
		return nil, errorf(p.line, "%s", msg)
	}
	return v, nil
}

func isNumberChar(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' ||
		c == '_' || c == '.' || c == '+' || c == '-'
}

// parseNumber converts a number token to int64 or float64, or returns an
// error message.
func parseNumber(tok string) (any, string) {
	switch tok {
	case "inf", "+inf":
		return math.Inf(1), ""
	case "-inf":
		return math.Inf(-1), ""
	case "nan", "+nan":
		return math.NaN(), ""
	case "-nan":
		return math.Copysign(math.NaN(), -1), ""
	}
	if len(tok) > 2 && tok[0] == '0' {
		switch tok[1] {
		case 'x':
			return parseBased(tok, 16)
		case 'o':
			return parseBased(tok, 8)
		case 'b':
			return parseBased(tok, 2)
		}
	}
	body := tok
	if body[0] == '+' || body[0] == '-' {
		body = body[1:]
	}
	n := digitRun(body)
	switch {
	case n == 0:
		return nil, "invalid number " + strconv.Quote(tok)
	case n > 1 && body[0] == '0':
		return nil, "invalid number " + strconv.Quote(tok) + ": leading zeros are not allowed"
	case n == len(body):
		return parseDecimal(tok)
	case body[n] != '.' && body[n] != 'e' && body[n] != 'E':
		return nil, "invalid number " + strconv.Quote(tok)
	}
	return parseFloat(tok, body[n:])
}

// digitRun returns the length of the leading DIGIT *( ["_"] DIGIT ) in s:
// underscores count only between two digits.
func digitRun(s string) int {
	n := 0
	for n < len(s) {
		switch {
		case isDigit(s[n]):
			n++
		case s[n] == '_' && n > 0 && n+1 < len(s) && isDigit(s[n+1]):
			n += 2
		default:
			return n
		}
	}
	return n
}

// parseDecimal converts a validated decimal integer with optional sign.
func parseDecimal(tok string) (any, string) {
	neg := tok[0] == '-'
	limit := uint64(math.MaxInt64)
	if neg {
		limit++
	}
	var u uint64
	for i := 0; i < len(tok); i++ {
		c := tok[i]
		if !isDigit(c) {
			continue // sign and underscores
		}
		d := uint64(c - '0')
		if u > (limit-d)/10 {
			return nil, "integer " + tok + " overflows int64"
		}
		u = u*10 + d
	}
	if neg {
		return int64(-u), ""
	}
	return int64(u), ""
}

// parseBased converts 0x, 0o and 0b integers: unsigned, lowercase prefix,
// underscores only between digits.
func parseBased(tok string, base uint64) (any, string) {
	var u uint64
	prev := byte('_') // so a leading underscore is rejected
	for i := 2; i < len(tok); i++ {
		c := tok[i]
		if c == '_' {
			if prev == '_' || i+1 == len(tok) {
				return nil, "invalid number " + strconv.Quote(tok) + ": underscores must be between digits"
			}
			prev = c
			continue
		}
		d := uint64(hexValue(c))
		if d >= base { // also catches hexValue's -1
			return nil, "invalid number " + strconv.Quote(tok)
		}
		if u > (math.MaxInt64-d)/base {
			return nil, "integer " + tok + " overflows int64"
		}
		u = u*base + d
		prev = c
	}
	return int64(u), ""
}

// parseFloat validates the fraction and exponent that follow the integer part
// of tok (rest) and converts tok.
func parseFloat(tok, rest string) (any, string) {
	invalid := "invalid float " + strconv.Quote(tok)
	if rest[0] == '.' {
		n := digitRun(rest[1:])
		if n == 0 {
			return nil, invalid + ": '.' must be followed by digits"
		}
		rest = rest[1+n:]
	}
	if rest != "" && (rest[0] == 'e' || rest[0] == 'E') {
		rest = rest[1:]
		if rest != "" && (rest[0] == '+' || rest[0] == '-') {
			rest = rest[1:]
		}
		n := digitRun(rest)
		if n == 0 {
			return nil, invalid + ": exponent needs digits"
		}
		rest = rest[n:]
	}
	if rest != "" {
		return nil, invalid
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(tok, "_", ""), 64)
	if err != nil {
		return nil, "float " + tok + " is out of range"
	}
	return f, ""
}
