// Package procstatus parses the capability lines of /proc/<pid>/status.
//
// It is shared by the test harness (which reads a container process's status
// from the host) and by the capdump workload (which reads its own and prints
// it as JSON), so both sides agree on one format. It is kept apart from oshim's
// internal/caps on purpose: the tests read /proc with code of their own, not with
// the code under test.
package procstatus

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// Status holds the capability-related fields of /proc/<pid>/status. The JSON
// names are the kernel's field names.
type Status struct {
	Inh        Mask `json:"CapInh"`
	Prm        Mask `json:"CapPrm"`
	Eff        Mask `json:"CapEff"`
	Bnd        Mask `json:"CapBnd"`
	Amb        Mask `json:"CapAmb"`
	NoNewPrivs bool `json:"NoNewPrivs"`
	Seccomp    int  `json:"Seccomp"` // 0 disabled, 1 strict, 2 filter
	UID        int  `json:"Uid"`     // effective uid, the second number of "Uid:"
}

// String formats the status on one line for test logs.
func (s Status) String() string {
	return fmt.Sprintf("inh=%v prm=%v eff=%v bnd=%v amb=%v nnp=%t seccomp=%d uid=%d",
		s.Inh, s.Prm, s.Eff, s.Bnd, s.Amb, s.NoNewPrivs, s.Seccomp, s.UID)
}

// Read parses the status file at path, e.g. "/proc/123/status".
func Read(path string) (Status, error) {
	f, err := os.Open(path)
	if err != nil {
		return Status{}, err
	}
	defer f.Close()
	s, err := Parse(f)
	if err != nil {
		return Status{}, fmt.Errorf("parse %s: %w", path, err)
	}
	return s, nil
}

// Parse reads the "Key:\tvalue" lines of a status file. The five Cap lines,
// NoNewPrivs, Seccomp and Uid must each appear exactly once; other lines are
// ignored.
func Parse(r io.Reader) (Status, error) {
	var s Status
	fields := map[string]func(string) error{
		"CapInh":     s.Inh.set,
		"CapPrm":     s.Prm.set,
		"CapEff":     s.Eff.set,
		"CapBnd":     s.Bnd.set,
		"CapAmb":     s.Amb.set,
		"NoNewPrivs": func(v string) error { return parseFlag(v, &s.NoNewPrivs) },
		"Seccomp":    func(v string) error { return parseSeccomp(v, &s.Seccomp) },
		"Uid":        func(v string) error { return parseUID(v, &s.UID) },
	}
	seen := map[string]bool{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		key, value, ok := strings.Cut(sc.Text(), ":")
		set, known := fields[key]
		if !ok || !known {
			continue
		}
		if seen[key] {
			return Status{}, fmt.Errorf("duplicate %s line", key)
		}
		seen[key] = true
		if err := set(strings.TrimSpace(value)); err != nil {
			return Status{}, fmt.Errorf("%s: %w", key, err)
		}
	}
	if err := sc.Err(); err != nil {
		return Status{}, err
	}
	for key := range fields {
		if !seen[key] {
			return Status{}, fmt.Errorf("no %s line", key)
		}
	}
	return s, nil
}

func (m *Mask) set(v string) error {
	return m.UnmarshalText([]byte(v))
}

func parseFlag(v string, dst *bool) error {
	switch v {
	case "0":
		*dst = false
	case "1":
		*dst = true
	default:
		return fmt.Errorf("%q is not 0 or 1", v)
	}
	return nil
}

func parseSeccomp(v string, dst *int) error {
	switch v {
	case "0", "1", "2":
		*dst = int(v[0] - '0')
		return nil
	}
	return fmt.Errorf("%q is not 0, 1 or 2", v)
}

// parseUID takes the effective uid from "real effective saved fs".
func parseUID(v string, dst *int) error {
	ids := strings.Fields(v)
	if len(ids) != 4 {
		return fmt.Errorf("%q: want 4 ids", v)
	}
	uid, err := strconv.ParseUint(ids[1], 10, 32)
	if err != nil {
		return fmt.Errorf("effective uid %q: %w", ids[1], err)
	}
	*dst = int(uid)
	return nil
}

// ParseJSON decodes the one-line JSON that capdump prints.
func ParseJSON(s string) (Status, error) {
	var st Status
	if err := json.Unmarshal([]byte(strings.TrimSpace(s)), &st); err != nil {
		return st, fmt.Errorf("capdump output %q: %w", s, err)
	}
	return st, nil
}

// Beyond returns, per capability set, what s holds beyond limit, e.g. "CapEff +[21]";
// empty when s is within limit in every set.
func (s Status) Beyond(limit Status) []string {
	var out []string
	for _, set := range []struct {
		name       string
		got, limit Mask
	}{
		{"CapInh", s.Inh, limit.Inh},
		{"CapPrm", s.Prm, limit.Prm},
		{"CapEff", s.Eff, limit.Eff},
		{"CapBnd", s.Bnd, limit.Bnd},
		{"CapAmb", s.Amb, limit.Amb},
	} {
		if extra := set.got &^ set.limit; extra != 0 {
			out = append(out, fmt.Sprintf("%s +%v", set.name, extra.Bits()))
		}
	}
	return out
}
