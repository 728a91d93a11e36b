package config

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/oshim/oshim/internal/caps"
	"github.com/oshim/oshim/internal/contract"
)

// Every key lands in its own field: each is set to a value other than its default.
func TestDecodeEveryKey(t *testing.T) {
	c, err := Parse([]byte(`
runtime = "/usr/bin/crun"
run_dir = "/run/x"
ocsf_log = "/var/log/x.jsonl"
ocsf_max_bytes = 4096
syslog = true
max_records = 7
metrics_textfile = "/var/lib/node-exporter/oshim.prom"

[[contract]]
name = "a"
require = ["CAP_SETPCAP", "net_admin"]
bounding = "spec"
on_skew = "deny"
selectable = true
init = false
no_new_privs = true
[contract.match]
commands = ['^/bin/a$', '^/bin/b$']
annotations = { '^k$' = '^v$', "^io\\.x/y$" = '.' }

[[contract]]
name = "b"
bounding = "clear"
on_skew = "repair"
match.all = true
`))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	got := fmt.Sprintf("%s %s %s %d %t %d %s", c.Runtime, c.RunDir, c.OCSFLog, c.OCSFMaxBytes, c.Syslog, c.MaxRecords, c.MetricsTextfile)
	if want := "/usr/bin/crun /run/x /var/log/x.jsonl 4096 true 7 /var/lib/node-exporter/oshim.prom"; got != want {
		t.Errorf("settings %q, want %q", got, want)
	}
	if len(c.Contracts) != 2 {
		t.Fatalf("%d contracts, want 2", len(c.Contracts))
	}
	if got, want := describe(c.Contracts[0]), "a require=[CAP_SETPCAP CAP_NET_ADMIN] bounding=spec on_skew=deny selectable=true init=false nnp=true all=false commands=[^/bin/a$ ^/bin/b$] annotations=[^io\\.x/y$=. ^k$=^v$]"; got != want {
		t.Errorf("contract a:\n got %s\nwant %s", got, want)
	}
	if got, want := describe(c.Contracts[1]), "b require=[] bounding=clear on_skew=repair selectable=false init=true nnp=false all=true commands=[] annotations=[]"; got != want {
		t.Errorf("contract b:\n got %s\nwant %s", got, want)
	}
}

// A contract reads the same however TOML spells its tables.
func TestDecodeTableSpellings(t *testing.T) {
	spellings := []string{
		"[[contract]]\nname = \"a\"\nrequire = [\"CAP_SETPCAP\"]\n[contract.match]\ncommands = ['^/x$']\nannotations = { k = 'v' }\n",
		"[[contract]]\nname = \"a\"\nrequire = [\"CAP_SETPCAP\"]\nmatch.commands = ['^/x$']\nmatch.annotations.k = 'v'\n",
		"[[contract]]\nname = \"a\"\nrequire = [\"CAP_SETPCAP\"]\nmatch = { commands = ['^/x$'], annotations = { k = 'v' } }\n",
		"contract = [ { name = \"a\", require = [\"CAP_SETPCAP\"], match = { commands = ['^/x$'], annotations = { k = 'v' } } } ]\n",
		"[[contract]]\nname = \"a\"\nrequire = [\"CAP_SETPCAP\"]\n[contract.match.annotations]\nk = 'v'\n[contract.match]\ncommands = ['^/x$']\n",
	}
	want := "a require=[CAP_SETPCAP] bounding=spec on_skew=repair selectable=false init=true nnp=false all=false commands=[^/x$] annotations=[k=v]"
	for _, text := range spellings {
		c, err := Parse([]byte(text))
		if err != nil {
			t.Fatalf("Parse(%q): %v", text, err)
		}
		if len(c.Contracts) != 1 || describe(c.Contracts[0]) != want {
			t.Errorf("Parse(%q) = %d contracts, first %s; want %s", text, len(c.Contracts), describe(c.Contracts[0]), want)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct{ text, want string }{
		{"syslog = \"yes\"\n", "line 1: syslog: want true or false, not a string"},
		{"runtime = 1\n", "line 1: runtime: want a string, not an integer"},
		{"\nmax_records = 1.5\n", "line 2: max_records: want an integer, not a float"},
		{"ocsf_max_bytes = 1979-05-27\n", "line 1: ocsf_max_bytes: want an integer, not a date-time"},
		{"runtime = \"crun\"\nzzz = 1\naaa = 2\n", "line 2: unknown key \"zzz\""},
		{"[contract]\nname = \"a\"\n", "line 1: contract: want [[contract]] tables, not a table"},
		{"contract = [1]\n", "line 1: contract: want [[contract]] tables, not an integer"},
		{"[[contract]]\nname = \"a\"\nmatch = true\n", "line 3: contract.match: want a table, not a boolean"},
		{"[[contract]]\nname = \"a\"\nmatch.all = true\nmatch.command = ['^x$']\n", "line 4: unknown key \"contract.match.command\""},
		{"[[contract]]\nname = \"a\"\nmatch.all = true\n[[contract]]\nname = \"b\"\nmatch.all = true\nnope = 1\n", "line 7: unknown key \"contract.nope\""},
		{"[[contract]]\nname = \"a\"\nmatch.all = true\nrequire = [1]\n", "line 4: contract.require: want an array of strings, not one holding an integer"},
		{"[[contract]]\nname = \"a\"\nmatch.all = true\nrequire = \"CAP_SETPCAP\"\n", "line 4: contract.require: want an array of strings, not a string"},
		{"[[contract]]\nname = \"a\"\nmatch.annotations = { k = '(' }\n", "line 3: contract.match.annotations: \"k\": invalid regexp"},
		{"[[contract]]\nname = \"a\"\nmatch.annotations = ['x']\n", "line 3: contract.match.annotations: want a table of KEY-REGEXP = 'VALUE-REGEXP', not an array"},
		{"[[contract]]\nname = \"a\"\nmatch.all = true\ninit = \"no\"\n", "line 4: contract.init: want true or false, not a string"},
		{"[[contract]]\nname = \"a\"\nmatch.all = true\nbounding = 1\n", "line 4: contract.bounding: want a string, not an integer"},
		{"[[contract]]\nname = 5\nmatch.all = true\n", "line 2: contract.name: want a string, not an integer"},
		{"runtime = \"a\"\nruntime = \"b\"\n", "line 2: "},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			_, err := Parse([]byte(tt.text))
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("Parse error = %v, want one starting %q", err, tt.want)
			}
		})
	}
}

// describe writes a contract's decoded fields in a fixed order.
func describe(k contract.Contract) string {
	var commands, annotations []string
	for _, p := range k.Match.Commands {
		commands = append(commands, p.String())
	}
	for key, p := range k.Match.Annotations {
		annotations = append(annotations, key+"="+p.String())
	}
	slices.Sort(annotations)
	var require []string
	for _, n := range k.Require {
		require = append(require, caps.Cap(n).String())
	}
	return fmt.Sprintf("%s require=%v bounding=%s on_skew=%s selectable=%t init=%t nnp=%t all=%t commands=%v annotations=%v",
		k.Name, require, k.Bounding, k.OnSkew, k.Selectable, k.WantsInit(), k.NoNewPrivs, k.Match.All, commands, annotations)
}
