package records

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"unicode"
)

// WriteTable prints one aligned line per entry: ID, CONTRACT, SKEW, REPAIR (short) and
// RESULT (the verdict). A ROOT column is added when the entries come from more than
// one runtime root, where ids may repeat. An unreadable record gets a line saying so.
func WriteTable(w io.Writer, entries []Entry) error {
	roots := map[string]bool{}
	for _, e := range entries {
		roots[e.Key] = true
	}
	withRoot := len(roots) > 1
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	head := []string{"ID", "POD", "CONTRACT", "SKEW", "REPAIR", "RESULT"}
	if withRoot {
		head = append([]string{"ROOT"}, head...)
	}
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	for _, e := range entries {
		row := []string{e.ID, "-", "-", "-", "-", "no record: " + errText(e.Err)}
		if c := e.Record; c != nil {
			pod := "-"
			if c.Pod.Known() {
				pod = c.Pod.String()
			}
			row = []string{e.ID, pod, c.Contract, c.Skew, c.ShortRepair(), c.Verdict()}
		}
		if withRoot {
			row = append([]string{rootLabel(e)}, row...)
		}
		for i := range row {
			row[i] = oneLine(row[i])
		}
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write report table: %w", err)
	}
	return nil
}

// rootLabel is the runtime root as the record names it; "default" for none.
func rootLabel(e Entry) string {
	if e.Record != nil && e.Record.Root != "" {
		return e.Record.Root
	}
	if e.Record != nil {
		return "default"
	}
	return e.Key
}

func errText(err error) string {
	if err == nil {
		return "unknown"
	}
	return err.Error()
}

// oneLine keeps a row on one line whatever a message holds: tabs and newlines would
// break the alignment, and escape sequences the terminal.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}
