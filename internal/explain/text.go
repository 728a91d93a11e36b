package explain

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"unicode"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// WriteText prints the explanation for a person.
func (ex *Explanation) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	kv := func(k, v string) { fmt.Fprintf(tw, "%s\t%s\n", k, printable(v)) }
	kv("Spec:", ex.Spec)
	cfg := ex.Config
	if cfg == "" {
		cfg = "(none: no contracts)"
	}
	kv("Admin config:", cfg)
	if ex.Arg0 != "" {
		kv("Process:", fmt.Sprintf("%s as %s", ex.Arg0, userText(ex.UID)))
	}
	contract := ex.Contract
	if contract == "" {
		contract = "none"
	}
	kv("Contract:", contract)
	for _, why := range ex.Why {
		kv("  why:", why)
	}
	if m := ex.Mode; m != nil {
		kv("  mode:", fmt.Sprintf("require = [%s], bounding = %s, on_skew = %s, init = %t, no_new_privs = %t", strings.Join(m.Require, ", "), m.Bounding, m.OnSkew, m.Init, m.NoNewPrivs))
	}
	if ex.Skew != "" {
		kv("Skew:", ex.Skew)
	}
	kv("Outcome:", ex.Outcome)
	if ex.Refused != "" {
		kv("Refused with:", ex.Refused)
	}
	if rw := ex.Rewrite; rw != nil {
		fmt.Fprintln(tw, "Planned rewrite of config.json:")
		writeLists(tw, "  granted in", rw.Granted)
		writeLists(tw, "  lent to the init in", rw.Lent)
		if len(rw.Dropped) > 0 {
			kv("  dropped by the init:", strings.Join(rw.Dropped, ", ")+" (from every set, before the workload)")
		}
		if rw.ClearBounding {
			kv("  bounding set:", "cleared by the init")
		}
		kv("  process.args:", strings.Join(rw.Args, " "))
		for i := range rw.Mounts {
			kv("  mount:", mountText(&rw.Mounts[i]))
		}
		nnp := fmt.Sprintf("%t (unchanged)", rw.NoNewPrivileges)
		if rw.NoNewPrivilegesSet {
			nnp = "true (set by the contract)"
		}
		kv("  noNewPrivileges:", nnp)
		keys := make([]string, 0, len(rw.Annotations))
		for k := range rw.Annotations {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			kv("  annotation:", k+"="+rw.Annotations[k])
		}
	}
	who := userText(ex.UID)
	writeSets(tw, "Capabilities the runtime applies from the spec:", ex.Caps.Spec)
	if ex.Caps.Init != nil {
		probe := "no: it does not hold CAP_SETPCAP effective"
		if ex.Caps.Probe {
			probe = "yes: PR_CAPBSET_DROP of cap_last_cap+1, which changes nothing"
		}
		writeSets(tw, "The init starts with (after the runtime's execve):", *ex.Caps.Init)
		kv("  probes:", probe)
		writeSets(tw, "The init moves to:", *ex.Caps.InitTarget)
	}
	writeSets(tw, "The workload starts with ("+who+"):", ex.Caps.Workload)
	for _, w := range ex.Warnings {
		kv("Warning:", w)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write explanation: %w", err)
	}
	return nil
}

func writeLists(w io.Writer, title string, lists map[string][]string) {
	for _, k := range []string{"bounding", "effective", "permitted", "inheritable", "ambient"} {
		if names, ok := lists[k]; ok {
			fmt.Fprintf(w, "%s %s:\t%s\n", title, k, printable(strings.Join(names, ", ")))
		}
	}
}

func writeSets(w io.Writer, title string, s Sets) {
	fmt.Fprintln(w, title)
	for _, row := range []struct {
		name  string
		names []string
	}{
		{"bounding", s.Bounding}, {"effective", s.Effective}, {"permitted", s.Permitted},
		{"inheritable", s.Inheritable}, {"ambient", s.Ambient},
	} {
		v := "none"
		if len(row.names) > 0 {
			v = strings.Join(row.names, ", ")
		}
		fmt.Fprintf(w, "  %s:\t%s\n", row.name, printable(v))
	}
}

func mountText(m *specs.Mount) string {
	return fmt.Sprintf("%s -> %s (%s)", m.Source, m.Destination, strings.Join(m.Options, ","))
}

func userText(uid uint32) string {
	if uid == 0 {
		return "uid 0, root: P' = I | B after execve"
	}
	return fmt.Sprintf("uid %d, non-root: only ambient caps survive execve", uid)
}

// printable keeps a value on its line and out of the terminal's control: a spec's
// args and annotations come from whoever wrote the pod.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}
