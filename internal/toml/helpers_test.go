package toml

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Helpers shared by the conformance and differential tests. They may use
// package time freely: only the parser itself must stay clear of it.

// datetimeLayouts are the canonical layouts per toml-test datetime type.
var datetimeLayouts = map[string]string{
	"datetime":       time.RFC3339Nano,
	"datetime-local": "2006-01-02T15:04:05.999999999",
	"date-local":     "2006-01-02",
	"time-local":     "15:04:05.999999999",
}

// canonDatetime returns the toml-test type of a datetime text and a canonical
// rendering: 'T' and 'Z' upper case, seconds filled in, fraction trimmed, and
// offsets rendered as Go does (so +00:00 and Z agree).
func canonDatetime(text string) (kind, canon string, err error) {
	s := []byte(text)
	timeAt := 0
	switch {
	case len(s) > 2 && s[2] == ':':
		kind = "time-local"
	case len(s) == 10:
		kind = "date-local"
	default:
		s[10] = 'T'
		timeAt = 11
		kind = "datetime-local"
		if c := s[len(s)-1]; c == 'z' || c == 'Z' || strings.ContainsAny(string(s[timeAt:]), "+-") {
			kind = "datetime"
		}
	}
	if kind != "date-local" && (len(s) == timeAt+5 || s[timeAt+5] != ':') {
		s = append(s[:timeAt+5], append([]byte(":00"), s[timeAt+5:]...)...)
	}
	if kind == "datetime" && (s[len(s)-1] == 'z') {
		s[len(s)-1] = 'Z'
	}
	layout := datetimeLayouts[kind]
	t, err := time.Parse(layout, string(s))
	if err != nil {
		return "", "", err
	}
	return kind, t.Format(layout), nil
}

// dt is the comparable form of a datetime.
type dt struct{ kind, canon string }

// nan stands in for any NaN so that values containing it compare equal.
type nan struct{}

// normalize turns a decoded document (ours or BurntSushi's) into a form that
// reflect.DeepEqual can compare.
func normalize(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, e := range v {
			m[k] = normalize(e)
		}
		return m
	case []map[string]any:
		a := make([]any, len(v))
		for i, e := range v {
			a[i] = normalize(e)
		}
		return a
	case []any:
		a := make([]any, len(v))
		for i, e := range v {
			a[i] = normalize(e)
		}
		return a
	case float64:
		if math.IsNaN(v) {
			return nan{}
		}
		return v
	case Datetime:
		kind, canon, err := canonDatetime(v.Text)
		if err != nil {
			return fmt.Sprintf("bad datetime %q: %v", v.Text, err)
		}
		return dt{kind, canon}
	case time.Time:
		kind := v.Location().String()
		layout, ok := datetimeLayouts[kind]
		if !ok {
			kind, layout = "datetime", time.RFC3339Nano
		}
		return dt{kind, v.Format(layout)}
	}
	return v
}
