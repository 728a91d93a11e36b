package main

import (
	"fmt"
	"io"
	"os"
	"strings"
)

func completionCommand() *command {
	return &command{
		name:    "completion",
		summary: "print a shell completion script (bash, zsh, fish)",
		help: `Prints the completion script for SHELL, made from the same descriptions as the help:
oshim's commands, engines, stages and options, and files or directories where an option
takes one. The package installs them; by hand:
  oshim completion bash > /usr/share/bash-completion/completions/oshim
  oshim completion zsh > /usr/share/zsh/vendor-completions/_oshim
  oshim completion fish > /usr/share/fish/vendor_completions.d/oshim.fish`,
		variantName: "SHELL",
		variants: []variant{
			{name: "bash", summary: "for bash with bash-completion"},
			{name: "zsh", summary: "for zsh's completion system (compinit)"},
			{name: "fish", summary: "for fish"},
		},
		run: func(inv invocation) int {
			if len(inv.args) > 0 {
				return fail(fmt.Errorf("completion: unexpected argument %q", inv.args[0]))
			}
			cmds := commands()
			switch inv.variant.name {
			case "bash":
				writeBash(os.Stdout, cmds)
			case "zsh":
				writeZsh(os.Stdout, cmds)
			case "fish":
				writeFish(os.Stdout, cmds)
			}
			return 0
		},
	}
}

// completionWords are the words a command's first argument completes to: its variants,
// or for help the commands and "config".
func completionWords(c *command, cmds []*command) []string {
	var words []string
	for _, v := range c.listedVariants() {
		words = append(words, v.name)
	}
	if c.name == "help" {
		for _, x := range cmds {
			words = append(words, x.name)
		}
		words = append(words, "config")
	}
	return words
}

func optionNames(opts []option) string {
	names := make([]string, len(opts))
	for i, o := range opts {
		names[i] = "--" + o.name
	}
	return strings.Join(names, " ")
}

// bashValue is the bash code completing the value of o.
func bashValue(o option) string {
	switch o.complete {
	case "file":
		return `compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur"))`
	case "dir":
		return `compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur"))`
	case "":
		return "COMPREPLY=()"
	}
	return fmt.Sprintf(`COMPREPLY=($(compgen -W %q -- "$cur"))`, o.complete)
}

// writeBash prints the bash completion: the word position decides between commands,
// variants, options and option values.
func writeBash(w io.Writer, cmds []*command) {
	var names []string
	for _, c := range cmds {
		names = append(names, c.name)
	}
	fmt.Fprintf(w, `# bash completion for oshim; made by 'oshim completion bash'.
_oshim() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local opts="" variant=""
    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W %q -- "$cur"))
        return
    fi
    case "${COMP_WORDS[1]}" in
`, strings.Join(names, " "))
	for _, c := range cmds {
		if c.raw {
			continue
		}
		fmt.Fprintf(w, "    %s)\n", c.name)
		if words := completionWords(c, cmds); len(words) > 0 {
			fmt.Fprintf(w, "        if [ \"$COMP_CWORD\" -eq 2 ]; then COMPREPLY=($(compgen -W %q -- \"$cur\")); return; fi\n", strings.Join(words, " "))
		}
		fmt.Fprintf(w, "        opts=%q\n", optionNames(c.options))
		if len(c.variants) > 0 {
			fmt.Fprintf(w, "        variant=${COMP_WORDS[2]}\n        case \"$variant\" in\n")
			for _, v := range c.listedVariants() {
				if len(v.options) > 0 {
					fmt.Fprintf(w, "        %s) opts=\"$opts %s\" ;;\n", strings.Join(append([]string{v.name}, v.aliases...), "|"), optionNames(v.options))
				}
			}
			fmt.Fprintf(w, "        esac\n")
		}
		fmt.Fprintf(w, "        case \"$prev\" in\n")
		seen := map[string]bool{}
		for _, v := range append([]variant{{}}, c.listedVariants()...) {
			opts := v.options
			if v.name == "" {
				opts = c.options
			}
			for _, o := range opts {
				if o.arg == "" || seen[o.name] {
					continue
				}
				seen[o.name] = true
				fmt.Fprintf(w, "        --%s) %s; return ;;\n", o.name, bashValue(o))
			}
		}
		fmt.Fprintf(w, "        esac\n        ;;\n")
	}
	fmt.Fprint(w, `    *) return ;;
    esac
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -F _oshim oshim
`)
}

// zshQuote quotes s for a single-quoted zsh word.
func zshQuote(s string) string { return strings.ReplaceAll(s, "'", `'\''`) }

// short is the first sentence of a description, for completion menus.
func short(s string) string {
	if i := strings.Index(s, ". "); i > 0 {
		s = s[:i]
	}
	if len(s) > 70 {
		s = s[:67] + "..."
	}
	return s
}

// zshSpec is an _arguments spec for o.
func zshSpec(o option) string {
	desc := strings.NewReplacer("[", `\[`, "]", `\]`, ":", `\:`).Replace(short(o.help))
	spec := "--" + o.name + "[" + desc + "]"
	switch o.complete {
	case "":
		if o.arg != "" {
			spec += ":" + o.arg + ": "
		}
	case "file":
		spec += ":" + o.arg + ":_files"
	case "dir":
		spec += ":" + o.arg + ":_files -/"
	default:
		spec += ":" + o.arg + ":(" + o.complete + ")"
	}
	return "'" + zshQuote(spec) + "'"
}

func zshDescribe(w io.Writer, tag string, items []docItem) {
	fmt.Fprintf(w, "      local -a items; items=(")
	for _, it := range items {
		fmt.Fprintf(w, " '%s:%s'", zshQuote(strings.ReplaceAll(it.term, ":", `\:`)), zshQuote(short(it.text)))
	}
	fmt.Fprintf(w, " )\n      _describe -t %s %s items\n", tag, tag)
}

// writeZsh prints the zsh completion function.
func writeZsh(w io.Writer, cmds []*command) {
	fmt.Fprint(w, "#compdef oshim\n# zsh completion for oshim; made by 'oshim completion zsh'.\n_oshim() {\n  if (( CURRENT == 2 )); then\n")
	var items []docItem
	for _, c := range cmds {
		items = append(items, docItem{c.name, c.summary})
	}
	zshDescribe(w, "commands", items)
	fmt.Fprint(w, "    return\n  fi\n  local cmd=$words[2]\n  case $cmd in\n")
	for _, c := range cmds {
		if c.raw {
			continue
		}
		fmt.Fprintf(w, "  %s)\n", c.name)
		if words := completionWords(c, cmds); len(words) > 0 {
			fmt.Fprint(w, "    if (( CURRENT == 3 )); then\n")
			var vs []docItem
			for _, v := range c.listedVariants() {
				vs = append(vs, docItem{v.name, v.summary})
			}
			if c.name == "help" {
				for _, word := range words {
					vs = append(vs, docItem{word, "help"})
				}
			}
			zshDescribe(w, strings.ToLower(c.variantName+"s"), vs)
			fmt.Fprint(w, "      return\n    fi\n")
		}
		if len(c.variants) == 0 {
			fmt.Fprintf(w, "    shift words; (( CURRENT-- ))\n    _arguments")
			for _, o := range c.options {
				fmt.Fprintf(w, " %s", zshSpec(o))
			}
			fmt.Fprint(w, " '*:argument:_files'\n    ;;\n")
			continue
		}
		fmt.Fprint(w, "    shift 2 words; (( CURRENT -= 2 ))\n    case $words[1] in\n")
		for _, v := range c.listedVariants() {
			fmt.Fprintf(w, "    %s) _arguments", strings.Join(append([]string{v.name}, v.aliases...), "|"))
			for _, o := range c.optionsFor(&v) {
				fmt.Fprintf(w, " %s", zshSpec(o))
			}
			fmt.Fprint(w, " ;;\n")
		}
		fmt.Fprint(w, "    esac\n    ;;\n")
	}
	fmt.Fprint(w, "  esac\n}\n_oshim \"$@\"\n")
}

// fishQuote quotes s for a single-quoted fish word.
func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, "'", `\'`).Replace(s) + "'"
}

// writeFish prints the fish completions.
func writeFish(w io.Writer, cmds []*command) {
	fmt.Fprint(w, "# fish completion for oshim; made by 'oshim completion fish'.\ncomplete -c oshim -f\n")
	var names []string
	for _, c := range cmds {
		names = append(names, c.name)
		fmt.Fprintf(w, "complete -c oshim -n __fish_use_subcommand -a %s -d %s\n", c.name, fishQuote(short(c.summary)))
	}
	for _, c := range cmds {
		if c.raw {
			continue
		}
		in := "__fish_seen_subcommand_from " + c.name
		if words := completionWords(c, cmds); len(words) > 0 {
			// Only as the word right after the command.
			cond := in + "; and test (count (commandline -opc)) -eq 2"
			for _, v := range c.listedVariants() {
				fmt.Fprintf(w, "complete -c oshim -n %s -a %s -d %s\n", fishQuote(cond), v.name, fishQuote(short(v.summary)))
			}
			if c.name == "help" {
				fmt.Fprintf(w, "complete -c oshim -n %s -a %s\n", fishQuote(cond), fishQuote(strings.Join(words, " ")))
			}
		}
		fishOptions(w, in, c.options)
		for _, v := range c.listedVariants() {
			fishOptions(w, in+"; and __fish_seen_subcommand_from "+strings.Join(append([]string{v.name}, v.aliases...), " "), v.options)
		}
	}
}

func fishOptions(w io.Writer, cond string, opts []option) {
	for _, o := range opts {
		value := ""
		switch o.complete {
		case "file":
			value = " -r -F"
		case "dir":
			value = " -x -a '(__fish_complete_directories)'"
		case "":
			if o.arg != "" {
				value = " -x"
			}
		default:
			value = " -x -a " + fishQuote(o.complete)
		}
		fmt.Fprintf(w, "complete -c oshim -n %s -l %s%s -d %s\n", fishQuote(cond), o.name, value, fishQuote(short(o.help)))
	}
}
