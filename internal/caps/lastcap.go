package caps

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// lastCapPath is where the kernel publishes its highest capability number.
const lastCapPath = "/proc/sys/kernel/cap_last_cap"

// LastCap returns the highest capability number the running kernel knows,
// which can exceed the highest one this build names.
func LastCap() (Cap, error) {
	data, err := os.ReadFile(lastCapPath)
	if err != nil {
		return 0, err
	}
	c, err := parseLastCap(string(data))
	if err != nil {
		return 0, fmt.Errorf("parse %s: %w", lastCapPath, err)
	}
	return c, nil
}

// parseLastCap also rejects numbers a Set cannot hold.
func parseLastCap(text string) (Cap, error) {
	n, err := strconv.Atoi(strings.TrimSpace(text))
	if err != nil {
		return 0, err
	}
	if n < 0 || Cap(n) > maxCap {
		return 0, fmt.Errorf("capability number %d out of range 0..%d", n, maxCap)
	}
	return Cap(n), nil
}
