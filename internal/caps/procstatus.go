package caps

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// ProcStatus is the capability-related part of /proc/<pid>/status.
type ProcStatus struct {
	State
	NoNewPrivs bool
	// Seccomp is the seccomp mode: 0 disabled, 1 strict, 2 filter.
	Seccomp int
}

// ParseProcStatus reads the CapInh, CapPrm, CapEff, CapBnd, CapAmb, NoNewPrivs
// and Seccomp lines of a /proc/<pid>/status file and ignores the rest. All five
// Cap lines must be present exactly once, in hexadecimal. NoNewPrivs and
// Seccomp count as off when absent (older kernels, CONFIG_SECCOMP=n) but must
// be valid and single when present.
func ParseProcStatus(r io.Reader) (ProcStatus, error) {
	// Read whole: a Groups line can exceed bufio.Scanner's token limit.
	data, err := io.ReadAll(r)
	if err != nil {
		return ProcStatus{}, err
	}
	return parseStatus(string(data))
}

// ReadProcStatus parses the status file at path, such as
// /proc/thread-self/status.
func ReadProcStatus(path string) (ProcStatus, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return ProcStatus{}, err
	}
	ps, err := parseStatus(string(data))
	if err != nil {
		return ProcStatus{}, fmt.Errorf("parse %s: %w", path, err)
	}
	return ps, nil
}

func parseStatus(text string) (ProcStatus, error) {
	var ps ProcStatus
	capKeys := [...]string{"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"}
	capSets := [...]*Set{&ps.Inheritable, &ps.Permitted, &ps.Effective, &ps.Bounding, &ps.Ambient}
	var seenCap [len(capKeys)]bool
	var seenNNP, seenSeccomp bool
	for text != "" {
		var line string
		line, text, _ = strings.Cut(text, "\n")
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		value = strings.TrimSpace(value)
		switch key {
		case "NoNewPrivs":
			if seenNNP {
				return ProcStatus{}, fmt.Errorf("duplicate %s line", key)
			}
			seenNNP = true
			switch value {
			case "0":
			case "1":
				ps.NoNewPrivs = true
			default:
				return ProcStatus{}, fmt.Errorf("bad %s value %q", key, value)
			}
		case "Seccomp":
			if seenSeccomp {
				return ProcStatus{}, fmt.Errorf("duplicate %s line", key)
			}
			seenSeccomp = true
			n, err := strconv.Atoi(value)
			if err != nil || n < 0 || n > 2 {
				return ProcStatus{}, fmt.Errorf("bad %s value %q", key, value)
			}
			ps.Seccomp = n
		default:
			for i, k := range capKeys {
				if key != k {
					continue
				}
				if seenCap[i] {
					return ProcStatus{}, fmt.Errorf("duplicate %s line", key)
				}
				seenCap[i] = true
				v, ok := parseMask(value)
				if !ok {
					return ProcStatus{}, fmt.Errorf("bad %s mask %q", key, value)
				}
				*capSets[i] = v
			}
		}
	}
	for i, k := range capKeys {
		if !seenCap[i] {
			return ProcStatus{}, fmt.Errorf("missing %s line", k)
		}
	}
	return ps, nil
}

// parseMask parses the kernel's %016llx rendering of a capability set.
func parseMask(value string) (Set, bool) {
	if len(value) > 16 {
		return 0, false
	}
	v, err := strconv.ParseUint(value, 16, 64)
	return Set(v), err == nil
}
