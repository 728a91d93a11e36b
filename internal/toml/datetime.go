package toml

// isDatetimeStart reports whether s starts like a date (YYYY-) or a time
// (HH:), which is how a datetime is told apart from a number.
func isDatetimeStart(s string) bool {
	return len(s) >= 5 && digits(s[:4]) && s[4] == '-' ||
		len(s) >= 3 && digits(s[:2]) && s[2] == ':'
}

// datetime parses an offset date-time, local date-time, local date or local
// time. The value keeps the text as written; only its validity is checked
// here, without involving package time (and so without loading a zone).
func (p *parser) datetime() (any, error) {
	s := p.src[p.pos:]
	n, msg := scanDatetime(s)
	if msg != "" {
		end := n
		for end < len(s) && (isNumberChar(s[end]) || s[end] == ':') {
			end++
		}
		return nil, errorf(p.line, "invalid datetime %q: %s", s[:end], msg)
	}
	p.pos += n
	return Datetime{Text: s[:n]}, nil
}

// scanDatetime returns the length of the datetime at the start of s, or an
// error message.
func scanDatetime(s string) (int, string) {
	if s[2] == ':' {
		return scanTime(s)
	}
	if len(s) < 10 || !digits(s[:4]) || s[4] != '-' || !digits(s[5:7]) || s[7] != '-' || !digits(s[8:10]) {
		return 0, "expected YYYY-MM-DD"
	}
	year, month, day := atoi(s[:4]), atoi(s[5:7]), atoi(s[8:10])
	if month < 1 || month > 12 {
		return 0, "month out of range"
	}
	if day < 1 || day > daysIn(month, year) {
		return 0, "day out of range"
	}
	// A space separates date and time only when a time follows; otherwise
	// it is just whitespace after a local date.
	if len(s) < 12 || !(s[10] == 'T' || s[10] == 't' || s[10] == ' ' && isDigit(s[11])) {
		if len(s) > 10 && (s[10] == 'T' || s[10] == 't') {
			return 10, "expected a time after 'T'"
		}
		return 10, ""
	}
	t, msg := scanTime(s[11:])
	n := 11 + t
	if msg != "" {
		return n, msg
	}
	if n < len(s) {
		switch s[n] {
		case 'Z', 'z':
			n++
		case '+', '-':
			o := s[n+1:]
			if len(o) < 5 || !digits(o[:2]) || o[2] != ':' || !digits(o[3:5]) {
				return n, "expected time offset ±HH:MM"
			}
			if atoi(o[:2]) > 23 || atoi(o[3:5]) > 59 {
				return n, "time offset out of range"
			}
			n += 6
		}
	}
	return n, ""
}

// scanTime returns the length of HH:MM[:SS[.fraction]] at the start of s (TOML
// 1.1 makes seconds optional), or an error message.
func scanTime(s string) (int, string) {
	if len(s) < 5 || !digits(s[:2]) || s[2] != ':' || !digits(s[3:5]) {
		return 0, "expected HH:MM"
	}
	if atoi(s[:2]) > 23 || atoi(s[3:5]) > 59 {
		return 0, "time out of range"
	}
	if len(s) < 6 || s[5] != ':' {
		return 5, ""
	}
	if len(s) < 8 || !digits(s[6:8]) {
		return 5, "expected seconds after ':'"
	}
	if atoi(s[6:8]) > 59 {
		return 5, "seconds out of range"
	}
	n := 8
	if n < len(s) && s[n] == '.' {
		f := n + 1
		for f < len(s) && isDigit(s[f]) {
			f++
		}
		if f == n+1 {
			return n, "expected digits after '.'"
		}
		n = f
	}
	return n, ""
}

// daysIn returns the number of days in month of year (proleptic Gregorian).
func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// atoi converts a short run of digits already checked by digits.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
