package main

import (
	"strings"

	"github.com/oshim/oshim/install/presets"
	"github.com/oshim/oshim/internal/config"
)

// configSections is the admin config's reference: `oshim help config` and
// oshim-config(5).
func configSections() []docSection {
	return []docSection{
		{text: `The admin config is ` + config.DefaultPath + `, a TOML file that only root should be able to
write. It names the real runtime, where oshim keeps its records and events, and the
capability contracts. No file there means no contracts: oshim passes every call through
unchanged. A file named by env OSHIM_CONFIG (or a --config option) must exist: a typo
there is an error, not a silent passthrough. A malformed file makes every container call
fail, with an error naming the file, the line and the problem; a malformed contract fails
the calls that apply contracts (create, run) and no other, so that engines can
still stop and delete their containers while it is mended.

Engines start the runtime with their own environment, not the caller's (Podman with
none at all), so a config for an engine's containers belongs at ` + config.DefaultPath + `.`},
		{title: "Keys", items: keyItems(config.Keys())},
		{title: "Contracts", text: `Each [[contract]] table is one contract. The first contract whose match conditions all
hold applies to a container; a contract needs at least one condition.`, items: keyItems(config.ContractKeys())},
		{title: "Annotations", text: `A container may ask for a contract with the annotation io.oshim.contract=NAME, only if
that contract says selectable = true, and never to replace the contract the match rules
give it. io.oshim.on-skew=deny|report and io.oshim.bounding=clear may make a contract
stricter. No annotation can loosen a contract or add a capability.

In every mode the rewrite records in config.json's annotations (and so in the runtime's
state): io.oshim.contract (the name), io.oshim.skew (missing=CAPS or none) and
io.oshim.repair (what changed, or none).`},
		{title: "Example", text: "The sandbox-supervisor preset that 'oshim install' writes where no config exists:\n\n" + indent(string(presets.Config))},
	}
}

// keyItems lists config keys as `name = VALUE` with their documentation.
func keyItems(keys []config.Key) []docItem {
	items := make([]docItem, len(keys))
	for i, k := range keys {
		items[i] = docItem{term: k.Name + " = " + k.Value, text: k.Doc}
	}
	return items
}

// indent indents every non-empty line by two spaces: kept as it is in the manual.
func indent(text string) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "  " + l
		}
	}
	return strings.Join(lines, "\n")
}
