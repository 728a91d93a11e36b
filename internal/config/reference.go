package config

import (
	"fmt"
	"strings"

	"github.com/oshim/oshim/internal/ocsf"
	"github.com/oshim/oshim/internal/records"
)

// Key documents one key of the admin config: oshim-config(5), `oshim help config` and
// the parser's list of known keys are made from these.
type Key struct {
	// Name is the key as written in its table: "run_dir", "match.commands".
	Name string
	// Value says what it takes: `"NAME" or "/PATH"`.
	Value string
	Doc   string
}

// Keys documents the top-level keys, in the order the reference lists them.
func Keys() []Key {
	return []Key{
		{"runtime", `"NAME" or "/PATH"`, "The real runtime oshim hands every call to: a name looked up on PATH (or, when PATH is unset, in /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin) or an absolute path. Env OSHIM_RUNTIME overrides it. Default: the first of crun and runc found."},
		{"run_dir", `"/PATH"`, "Where oshim keeps its per-container records and each container's copy of oshim for the init. Default: /run/oshim for root; $XDG_RUNTIME_DIR/oshim, else /tmp/oshim-UID, for other users (rootless engines). A directory that is not a real directory owned by the user, or that others can write to, is refused."},
		{"ocsf_log", `"/PATH" or ""`, fmt.Sprintf("The file OCSF 1.7.0 security events are appended to, one JSON object per line (mode 0640). \"\" writes none. Default: %s for root; other users write one only where this names it.", ocsf.DefaultPath)},
		{"ocsf_max_bytes", "BYTES", fmt.Sprintf("Rotate ocsf_log to ocsf_log.1 before an event would take it past this size. Default: %d (10 MiB).", ocsf.DefaultMaxBytes)},
		{"syslog", "true or false", "Also send every OCSF event to the local syslog (facility daemon, tag oshim), which journald reads too. Default: false."},
		{"max_records", "N", fmt.Sprintf("At most this many per-container records are kept in run_dir: a create that would pass it removes the oldest records of containers the runtime no longer knows; one that finds only live or minute-young ones over it leaves the creates of the next minute to skip the look. The marks of containers created without a contract, which spare their exec sessions a query of the runtime's state, are kept to as many per runtime root. At least 1. Default: %d.", records.DefaultMaxRecords)},
		{"metrics_textfile", `"/PATH" or ""`, "A node-exporter textfile (in its --collector.textfile.directory) that oshim rewrites atomically with its per-contract counters after every update; the same counters print with `oshim report --prometheus`. \"\" writes none. Default: \"\"."},
	}
}

// ContractKeys documents the keys of a [[contract]] table, in the order the reference
// lists them.
func ContractKeys() []Key {
	return []Key{
		{"name", `"NAME"`, "The contract's name: letters, digits, '.', '_' and '-' (it is written into annotations). Required, and unique."},
		{"require", `["CAP_...", ...]`, "The capabilities the workload itself must hold when it starts, in their canonical spelling (CAP_SETPCAP). Where each must be depends on the process's user: uid 0 needs it in bounding, permitted and effective; any other uid also in inheritable and ambient."},
		{"bounding", `"spec" or "clear"`, `"spec" keeps the spec's bounding set; "clear" makes the workload start with an empty bounding set: oshim's init clears it, using CAP_SETPCAP lent to the init alone when the spec withholds it. Default: "spec".`},
		{"on_skew", `"repair", "deny" or "report"`, `What happens when the spec withholds a required capability. "repair" adds the missing caps to exactly the sets the workload needs and changes nothing else; "deny" never calls the real runtime and fails the create with the reason; "report" only observes: it grants, lends and refuses nothing, its init measures and reports without stopping the workload, and it cannot be combined with bounding = "clear". Default: "repair".`},
		{"selectable", "true or false", "Whether a container may ask for this contract with the annotation io.oshim.contract=NAME (never to replace the contract the match rules give it). A selectable contract may not grant: with a require list its on_skew must be \"deny\" or \"report\". Default: false."},
		{"init", "true or false", "Inject oshim's in-container init, which measures the capability state from inside the container, brings it to the contract's target and stops the container before its workload runs if anything differs. bounding = \"clear\" needs it. Default: true."},
		{"no_new_privs", "true or false", "Make the rewrite set process.noNewPrivileges. Set it in a contract that clears the bounding set of a root workload. Default: false."},
		{"match.all", "true", "Match every container. It cannot be combined with the other conditions."},
		{"match.commands", `['^REGEXP$', ...]`, "Regular expressions on process.args[0] (Go's RE2 syntax without \\p, \\b, POSIX classes, octal and \\Q escapes, named groups or flags other than a leading (?i)); one of them must match. Anchor them with ^...$: oshim warns about unanchored ones, which match substrings."},
		{"match.annotations", `{ 'KEY-REGEXP' = 'VALUE-REGEXP', ... }`, "For every pair, some annotation of the container must match both regular expressions."},
	}
}

// knownKeys lists every key for the parser's "unknown key" error.
func knownKeys() string {
	var top, contract []string
	for _, k := range Keys() {
		top = append(top, k.Name)
	}
	for _, k := range ContractKeys() {
		contract = append(contract, k.Name)
	}
	return strings.Join(top, ", ") + ", [[contract]] with " + strings.Join(contract, ", ")
}
