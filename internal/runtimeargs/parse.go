// Package runtimeargs parses a runc/crun command line once, the way the runtimes do, so
// oshim finds the subcommand, the bundle, the process file and the container id without
// guessing: a container named "create" or a bundle path containing "run" must not confuse it.
package runtimeargs

import (
	"fmt"
	"path/filepath"
	"strings"
)

// Invocation is what oshim needs to know of one runtime call. The argv itself is
// forwarded unchanged; nothing here is ever turned back into arguments.
type Invocation struct {
	Global Globals
	// Command is the subcommand ("create", "state", ...); empty when only global flags
	// such as --version or --help were given.
	Command string
	// ID is the container id of create, run and exec; for other subcommands it is their
	// first positional argument, when there is one.
	ID string
	// Bundle is the absolute bundle directory of create and run (default: the working directory).
	Bundle string
	// ConfigFile is the absolute path of the spec that create or run will read: crun's
	// --config, relative to the bundle, or the bundle's config.json.
	ConfigFile string
	// Process is exec's --process file; empty when the process comes from arguments.
	Process string
	// ExecCaps lists exec's --cap values (capabilities added on the command line).
	ExecCaps []string
}

// Globals are the runtime's global options that oshim itself honours.
type Globals struct {
	Root      string
	Log       string
	LogFormat string
	LogLevel  string
	Debug     bool
	Help      bool
	Version   bool
}

// Parse reads args (without the program name). cwd resolves relative bundle paths.
func Parse(args []string, cwd string) (*Invocation, error) {
	g, rest, err := parseFlags(args, globalFlags, true)
	if err != nil {
		return nil, fmt.Errorf("global options: %w", err)
	}
	inv := &Invocation{Global: Globals{
		Root:      g.last("root"),
		Log:       g.last("log"),
		LogFormat: g.last("log-format"),
		LogLevel:  g.last("log-level"),
		Debug:     g.isSet("debug"),
		Help:      g.isSet("help") || g.isSet("usage"),
		Version:   g.isSet("version"),
	}}
	if len(rest) == 0 {
		return inv, nil
	}
	inv.Command, rest = rest[0], rest[1:]
	switch inv.Command {
	case "create", "run":
		return inv, inv.parseCreate(rest, cwd)
	case "exec":
		return inv, inv.parseExec(rest)
	}
	// Other subcommands pass through untouched; their id is only used to find oshim's
	// own records (state, delete), so a best-effort first positional is enough.
	for _, a := range rest {
		if !strings.HasPrefix(a, "-") {
			inv.ID = a
			break
		}
	}
	return inv, nil
}

func (inv *Invocation) parseCreate(args []string, cwd string) error {
	f, pos, err := parseFlags(args, createFlags, false)
	if err != nil {
		return fmt.Errorf("%s options: %w", inv.Command, err)
	}
	if f.isSet("help") {
		inv.Global.Help = true
		return nil
	}
	if len(pos) != 1 {
		return fmt.Errorf("%s needs exactly one container id, got %d arguments %q", inv.Command, len(pos), pos)
	}
	if pos[0] == "" {
		return fmt.Errorf("%s: the container id is empty", inv.Command)
	}
	inv.ID = pos[0]
	inv.Bundle = cwd
	if b := f.last("bundle"); b != "" {
		inv.Bundle = absFrom(cwd, b)
	}
	inv.ConfigFile = filepath.Join(inv.Bundle, "config.json")
	if c := f.last("config"); c != "" {
		inv.ConfigFile = absFrom(inv.Bundle, c)
	}
	return nil
}

func (inv *Invocation) parseExec(args []string) error {
	f, pos, err := parseFlags(args, execFlags, true)
	if err != nil {
		return fmt.Errorf("exec options: %w", err)
	}
	if f.isSet("help") {
		inv.Global.Help = true
		return nil
	}
	if len(pos) == 0 || pos[0] == "" {
		return fmt.Errorf("exec needs a container id")
	}
	inv.ID = pos[0]
	inv.ExecCaps = f["cap"]
	if p := f.last("process"); p != "" {
		// The runtime opens the file relative to its own working directory, which is ours.
		inv.Process = p
	}
	return nil
}

func absFrom(base, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(base, p)
}

// values holds every value given for each canonical flag name, in order.
type values map[string][]string

func (v values) last(name string) string {
	if vs := v[name]; len(vs) > 0 {
		return vs[len(vs)-1]
	}
	return ""
}

func (v values) isSet(name string) bool {
	vs, ok := v[name]
	return ok && (len(vs) == 0 || vs[len(vs)-1] != "false")
}

// parseFlags splits args into flags and positional arguments. inOrder stops at the first
// positional argument and returns it with everything after it, as runc does for global
// options and exec; otherwise flags may follow positionals, as both runtimes allow for
// create and run. "--" ends the flags either way.
func parseFlags(args []string, fs flagSet, inOrder bool) (values, []string, error) {
	v := values{}
	var pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return v, append(pos, args[i+1:]...), nil
		}
		if len(a) < 2 || a[0] != '-' {
			if inOrder {
				return v, append(pos, args[i:]...), nil
			}
			pos = append(pos, a)
			continue
		}
		spec, val, hasVal, err := lookup(fs, a)
		if err != nil {
			return nil, nil, err
		}
		switch spec.arity {
		case boolFlag:
			if hasVal && val != "true" && val != "false" {
				return nil, nil, fmt.Errorf("flag %s takes true or false, not %q", a, val)
			}
		case optionalBool:
			if !hasVal && i+1 < len(args) && optionalValues[args[i+1]] {
				i++
				val, hasVal = args[i], true
			}
		case valueFlag:
			if !hasVal {
				if i+1 >= len(args) {
					return nil, nil, fmt.Errorf("flag %s needs a value", a)
				}
				i++
				val = args[i]
			}
			hasVal = true
		}
		if hasVal {
			v[spec.name] = append(v[spec.name], val)
		} else if _, ok := v[spec.name]; !ok {
			v[spec.name] = nil
		}
	}
	return v, pos, nil
}

// lookup resolves "--name", "--name=v", "-name" (runc accepts single-dash long names),
// "-x", "-x=v" and argp's "-xVALUE".
func lookup(fs flagSet, arg string) (flagSpec, string, bool, error) {
	body := strings.TrimPrefix(strings.TrimPrefix(arg, "-"), "-")
	name, val, hasVal := strings.Cut(body, "=")
	if spec, ok := fs[name]; ok && name != "" {
		return spec, val, hasVal, nil
	}
	if !strings.HasPrefix(arg, "--") && len(body) > 1 {
		if spec, ok := fs[body[:1]]; ok && spec.arity == valueFlag {
			return spec, body[1:], true, nil
		}
	}
	return flagSpec{}, "", false, fmt.Errorf("unknown flag %s: oshim cannot tell whether it takes a value, so it cannot find the subcommand safely", arg)
}
