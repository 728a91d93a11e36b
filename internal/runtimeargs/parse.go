// Package runtimeargs parses a runc/crun command line once, the way the runtime that
// will read it does, so oshim finds the subcommand, the bundle, the spec file, the
// process and the container id without guessing: a container named "create" or a
// bundle path containing "run" must not confuse it, and neither may a flag the two
// runtimes read differently.
package runtimeargs

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
)

// Dialect is the runtime whose argument rules apply.
type Dialect string

const (
	Runc Dialect = "runc"
	Crun Dialect = "crun"
	// Unknown parses as both, and refuses what they would read differently.
	Unknown Dialect = ""
)

// DialectOf tells the dialect from the runtime's file name: "crun", "runc" and names
// that start with them (runc.amd64, crun-1.8).
func DialectOf(path string) Dialect {
	base := filepath.Base(path)
	switch {
	case strings.HasPrefix(base, "crun"):
		return Crun
	case strings.HasPrefix(base, "runc"):
		return Runc
	}
	return Unknown
}

// Invocation is what oshim needs to know of one runtime call.
type Invocation struct {
	Global Globals
	// GlobalArgs are the arguments before the subcommand, as given: for the calls oshim
	// makes to the runtime about the same container (state), which must look where
	// this call looks.
	GlobalArgs []string
	// Command is the subcommand ("create", "state", ...); empty when only global flags
	// such as --version or --help were given.
	Command string
	// ID is the container id of create, run and exec; for other subcommands it is their
	// first positional argument, when there is one.
	ID string
	// Bundle is the absolute bundle directory of create and run (default: the working directory).
	Bundle string
	// ConfigFile is the absolute path of the spec that create or run will read: the
	// bundle's config.json, or crun's --config.
	ConfigFile string
	// PidFile is create's or run's --pid-file, where the runtime writes the pid of the
	// container's first process, when it is absolute, as engines pass it; "" otherwise
	// (crun and runc do not read a relative one from the same directory).
	PidFile string
	// Detach is run's --detach: the call returns once the container has started.
	Detach bool
	// Exec is what an exec call asks for; nil for other commands.
	Exec *Exec
}

// Globals are the runtime's global options that oshim itself honours.
type Globals struct {
	Root      string
	Log       string
	LogFormat string
	LogLevel  string
	Debug     bool
	// Help is --help (or -h, --usage) anywhere oshim parses: the runtime prints help
	// and does nothing else.
	Help    bool
	Version bool
}

// Exec is an exec call: the process comes from Process, or from Command and the
// process flags.
type Exec struct {
	// Process is --process as given ("" when the process comes from arguments); the
	// runtime opens it relative to its working directory, which is oshim's.
	Process string
	// Command is the process's argv when there is no --process.
	Command []string
	// Caps are --cap values; Cwd, Env, User, AdditionalGids, ProcessLabel, AppArmor,
	// NoNewPrivs and Tty the other process flags, as given.
	Caps           []string
	Cwd            string
	Env            []string
	User           string
	AdditionalGids []string
	ProcessLabel   string
	AppArmor       string
	NoNewPrivs     bool
	Tty            bool
	// PreserveFDs is --preserve-fds: the fds from 3 that the process inherits.
	PreserveFDs int
	// kept are the flags that stay when oshim hands the runtime a process file.
	kept []string
}

// Parse reads args (without the program name) as the runtime of dialect d does. cwd
// resolves relative paths; "" means the working directory, read only for a relative
// path. With Unknown it parses as runc and as crun and refuses arguments they would
// read differently.
func Parse(args []string, cwd string, d Dialect) (*Invocation, error) {
	if d != Unknown {
		return parse(args, cwd, tablesOf(d))
	}
	a, errA := parse(args, cwd, tablesOf(Runc))
	b, errB := parse(args, cwd, tablesOf(Crun))
	switch {
	case errA != nil && errB != nil:
		return nil, errA
	case errA != nil || errB != nil || !reflect.DeepEqual(a, b):
		return nil, fmt.Errorf("runc and crun read these arguments differently, and the runtime's name does not say which it is: name the runtime crun or runc, or use only arguments both read alike")
	}
	return a, nil
}

func parse(args []string, cwd string, t tables) (*Invocation, error) {
	g, rest, err := parseFlags(args, t.global, false)
	if err != nil {
		return nil, fmt.Errorf("global options: %w", err)
	}
	inv := &Invocation{
		GlobalArgs: args[:len(args)-len(rest)],
		Global: Globals{
			Root:      g.last("root"),
			Log:       g.last("log"),
			LogFormat: g.last("log-format"),
			LogLevel:  g.last("log-level"),
			Debug:     g.isSet("debug"),
			Help:      g.isSet("help") || g.isSet("usage"),
			Version:   g.isSet("version"),
		},
	}
	if len(rest) == 0 {
		return inv, nil
	}
	inv.Command, rest = rest[0], rest[1:]
	switch inv.Command {
	case "create":
		return inv, inv.parseCreate(rest, cwd, t.create, t)
	case "run":
		return inv, inv.parseCreate(rest, cwd, t.run, t)
	case "exec":
		return inv, inv.parseExec(rest, t.exec)
	}
	// Other subcommands pass through untouched; their id is only used to find oshim's
	// own records (start, state, delete), so a best-effort first positional is enough.
	for _, a := range rest {
		if !strings.HasPrefix(a, "-") {
			inv.ID = a
			break
		}
	}
	return inv, nil
}

func (inv *Invocation) parseCreate(args []string, cwd string, fs flagSet, t tables) error {
	f, pos, err := parseFlags(args, fs, t.reorder)
	if err != nil {
		return fmt.Errorf("%s options: %w", inv.Command, err)
	}
	if f.isSet("help") || f.isSet("usage") {
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
	inv.Detach = f.isSet("detach")
	bundle := f.last("bundle")
	if bundle == "" {
		bundle = "."
	}
	if inv.Bundle, err = absFrom(cwd, bundle); err != nil {
		return err
	}
	inv.ConfigFile = filepath.Join(inv.Bundle, "config.json")
	if p := f.last("pid-file"); filepath.IsAbs(p) {
		inv.PidFile = filepath.Clean(p)
	}
	// crun reads "config.json" from the bundle, and any other relative --config from
	// the caller's working directory, before it changes into the bundle.
	if c := f.last("config"); t.config && c != "" && c != "config.json" {
		if inv.ConfigFile, err = absFrom(cwd, c); err != nil {
			return err
		}
	}
	return nil
}

func (inv *Invocation) parseExec(args []string, fs flagSet) error {
	f, pos, err := parseFlags(args, fs, false)
	if err != nil {
		return fmt.Errorf("exec options: %w", err)
	}
	if f.isSet("help") || f.isSet("usage") {
		inv.Global.Help = true
		return nil
	}
	if len(pos) == 0 || pos[0] == "" {
		return fmt.Errorf("exec needs a container id")
	}
	inv.ID = pos[0]
	e := &Exec{
		Process: f.last("process"), Command: nonEmpty(pos[1:]), Caps: f.all("cap"), Cwd: f.last("cwd"), Env: f.all("env"),
		User: f.last("user"), AdditionalGids: f.all("additional-gids"), ProcessLabel: f.last("process-label"),
		AppArmor: f.last("apparmor"), NoNewPrivs: f.isSet("no-new-privs"), Tty: f.isTty(),
	}
	if e.Process == "" && len(e.Command) == 0 {
		return fmt.Errorf("exec into %s: give a command or --process", inv.ID)
	}
	if e.Process != "" && len(e.Command) > 0 {
		return fmt.Errorf("exec into %s: --process and a command %q are both given", inv.ID, e.Command)
	}
	if n := f.last("preserve-fds"); n != "" {
		if e.PreserveFDs, err = strconv.Atoi(n); err != nil || e.PreserveFDs < 0 {
			return fmt.Errorf("exec --preserve-fds %q: want a number of file descriptors", n)
		}
	}
	for _, tok := range f.tokens {
		if !isExecProcessFlag(tok.name) {
			e.kept = append(e.kept, tok.raw...)
		}
	}
	inv.Exec = e
	return nil
}

// WithProcess is this exec call's argv with the process given by the file at path
// instead: the global options and every flag that is not about the process stay as
// given, in order.
func (inv *Invocation) WithProcess(path string) []string {
	out := append([]string{}, inv.GlobalArgs...)
	out = append(out, "exec")
	out = append(out, inv.Exec.kept...)
	return append(out, "--process", path, "--", inv.ID)
}

func nonEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

// absFrom makes p absolute from base, or from the working directory when base is "":
// engines pass absolute paths, and the working directory costs two stats to find.
func absFrom(base, p string) (string, error) {
	if filepath.IsAbs(p) {
		return filepath.Clean(p), nil
	}
	if base == "" {
		wd, err := os.Getwd()
		if err != nil {
			return "", fmt.Errorf("working directory, for the relative path %q: %w", p, err)
		}
		base = wd
	}
	return filepath.Join(base, p), nil
}

// values holds every value given for each canonical flag name, in order, and the
// tokens each flag was given as.
type values struct {
	m      map[string][]string
	tokens []token
}

type token struct {
	name string
	raw  []string
}

func (v values) last(name string) string {
	if vs := v.m[name]; len(vs) > 0 {
		return vs[len(vs)-1]
	}
	return ""
}

func (v values) all(name string) []string { return v.m[name] }

func (v values) isSet(name string) bool {
	vs := v.m[name]
	return len(vs) > 0 && vs[len(vs)-1] != "false"
}

// isTty reads --tty as its runtime does: runc's boolean, or crun's optional value,
// where "false" and "no" turn it off.
func (v values) isTty() bool {
	vs := v.m["tty"]
	return len(vs) > 0 && vs[len(vs)-1] != "false" && vs[len(vs)-1] != "no"
}

// parseFlags splits args into flags and positional arguments. It stops at the first
// positional argument and returns it with everything after it, as Go's flag package
// (runc's global options and exec) and argp in order (crun) do; reorder instead takes
// flags after positionals too, as urfave/cli does for runc's create and run. "--"
// ends the flags either way.
func parseFlags(args []string, fs flagSet, reorder bool) (values, []string, error) {
	v := values{m: map[string][]string{}}
	var pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return v, append(pos, args[i+1:]...), nil
		}
		if len(a) < 2 || a[0] != '-' {
			if !reorder {
				return v, append(pos, args[i:]...), nil
			}
			pos = append(pos, a)
			continue
		}
		spec, val, hasVal, err := lookup(fs, a)
		if err != nil {
			return v, nil, err
		}
		raw := []string{a}
		switch spec.arity {
		case boolFlag:
			if hasVal && val != "true" && val != "false" {
				return v, nil, fmt.Errorf("flag %s takes true or false, not %q", a, val)
			}
		case valueFlag:
			if !hasVal {
				if i+1 >= len(args) {
					return v, nil, fmt.Errorf("flag %s needs a value", a)
				}
				i++
				val = args[i]
				raw = append(raw, val)
			}
			hasVal = true
		}
		v.tokens = append(v.tokens, token{name: spec.name, raw: raw})
		// A flag given without a value counts as set: "" is never "false".
		v.m[spec.name] = append(v.m[spec.name], val)
	}
	return v, pos, nil
}

// lookup resolves "--name", "--name=v", "-name" (runc accepts single-dash long
// names), "-x", "-x=v" and argp's "-xVALUE".
func lookup(fs flagSet, arg string) (flagSpec, string, bool, error) {
	body := strings.TrimPrefix(strings.TrimPrefix(arg, "-"), "-")
	name, val, hasVal := strings.Cut(body, "=")
	if spec, ok := fs.find(name); ok && name != "" {
		return spec, val, hasVal, nil
	}
	if !strings.HasPrefix(arg, "--") && len(body) > 1 {
		if spec, ok := fs.find(body[:1]); ok && spec.arity != boolFlag {
			return spec, body[1:], true, nil
		}
	}
	return flagSpec{}, "", false, fmt.Errorf("unknown flag %s: oshim cannot tell whether it takes a value, so it cannot find the subcommand safely", arg)
}
