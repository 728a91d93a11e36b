package runtimeargs

// arity says how a flag consumes values.
type arity int

const (
	// boolFlag takes no separate value; "--flag=true|false" is still accepted.
	boolFlag arity = iota
	// valueFlag takes the next argument, or the text after "=" (or after a short
	// flag's letter).
	valueFlag
	// optionalValue is argp's OPTION_ARG_OPTIONAL (crun's --tty[=VALUE], -tVALUE): a
	// value only when attached, never the next argument.
	optionalValue
)

// flagSet is one command's flags, as groups of definitions. It is searched, not
// indexed: every oshim call parses its arguments once, and a few dozen string
// comparisons cost less than building a map of every spelling on each call.
type flagSet [][]flagDef

type flagSpec struct {
	name  string
	arity arity
}

type flagDef struct {
	names []string
	arity arity
}

func def(a arity, names ...string) flagDef { return flagDef{names: names, arity: a} }

// find returns the definition of the flag spelt name ("bundle", "b").
func (fs flagSet) find(name string) (flagSpec, bool) {
	for _, g := range fs {
		for _, d := range g {
			for _, n := range d.names {
				if n == name {
					return flagSpec{name: d.names[0], arity: d.arity}, true
				}
			}
		}
	}
	return flagSpec{}, false
}

// The flags of runc 1.1 (urfave/cli) and crun 1.8 (argp), by command, as their
// sources define them: what each flag is called and whether it takes a value decides
// where the subcommand, the container id and the process start, so a flag one
// runtime lacks or reads differently must not be guessed.
var (
	globalCommon = []flagDef{
		def(boolFlag, "debug"),
		def(boolFlag, "systemd-cgroup"),
		def(valueFlag, "root"),
		def(valueFlag, "log"),
		def(valueFlag, "log-format"),
		// Both consume a value: runc's is a string flag, crun's a mandatory argument
		// (which crun before 1.22 even stores as --root).
		def(valueFlag, "rootless"),
	}
	globalRunc = []flagDef{def(valueFlag, "criu"), def(boolFlag, "help", "h"), def(boolFlag, "version", "v")}
	globalCrun = []flagDef{
		def(valueFlag, "cgroup-manager"), def(valueFlag, "log-level"),
		def(boolFlag, "help", "?"), def(boolFlag, "usage"), def(boolFlag, "version", "v", "V"),
	}

	createCommon = []flagDef{
		def(valueFlag, "bundle", "b"),
		def(valueFlag, "console-socket"),
		def(valueFlag, "pid-file"),
		def(valueFlag, "preserve-fds"),
		def(boolFlag, "no-pivot"),
		def(boolFlag, "no-new-keyring"),
	}
	createRunc = []flagDef{def(valueFlag, "pidfd-socket"), def(boolFlag, "help", "h")}
	createCrun = []flagDef{def(valueFlag, "config", "f"), def(boolFlag, "no-subreaper"), def(boolFlag, "help", "?"), def(boolFlag, "usage")}
	runCommon  = []flagDef{def(boolFlag, "detach", "d"), def(boolFlag, "no-subreaper")}
	runRunc    = []flagDef{def(boolFlag, "keep")}

	execCommon = []flagDef{
		def(valueFlag, "console-socket"),
		def(valueFlag, "cwd"),
		def(valueFlag, "env", "e"),
		def(valueFlag, "user", "u"),
		def(valueFlag, "process", "p"),
		def(boolFlag, "detach", "d"),
		def(valueFlag, "pid-file"),
		def(valueFlag, "process-label"),
		def(valueFlag, "apparmor"),
		def(boolFlag, "no-new-privs"),
		def(valueFlag, "cap", "c"),
		def(valueFlag, "preserve-fds"),
		def(valueFlag, "cgroup"),
	}
	execRunc = []flagDef{
		def(boolFlag, "tty", "t"),
		def(valueFlag, "additional-gids", "g"),
		def(boolFlag, "ignore-paused"),
		def(valueFlag, "pidfd-socket"),
		def(boolFlag, "help", "h"),
	}
	execCrun = []flagDef{def(optionalValue, "tty", "t"), def(boolFlag, "help", "?"), def(boolFlag, "usage")}
)

// tables are one runtime's flags by command.
type tables struct {
	global, create, run, exec flagSet
	// reorder: flags of create and run may follow the container id (urfave/cli moves
	// them to the front); argp in crun stops at the first positional argument.
	reorder bool
	// config: create and run take --config (crun only).
	config bool
}

// tablesOf returns one runtime's tables.
func tablesOf(d Dialect) tables {
	if d == Crun {
		return tables{
			global: flagSet{globalCommon, globalCrun},
			create: flagSet{createCommon, createCrun},
			run:    flagSet{createCommon, createCrun, runCommon},
			exec:   flagSet{execCommon, execCrun},
			config: true,
		}
	}
	return tables{
		global: flagSet{globalCommon, globalRunc},
		create: flagSet{createCommon, createRunc},
		run:    flagSet{createCommon, createRunc, runCommon, runRunc},
		exec:   flagSet{execCommon, execRunc},
		// runc's create and run take flags after the id.
		reorder: true,
	}
}

// isExecProcessFlag says whether flag name builds the process of an exec without
// --process; with a process file the runtimes ignore such flags, so they are dropped
// when oshim writes the file.
func isExecProcessFlag(name string) bool {
	switch name {
	case "cwd", "env", "user", "process", "process-label", "apparmor", "no-new-privs", "cap", "tty", "additional-gids":
		return true
	}
	return false
}
