package runtimeargs

// arity says how a flag consumes values.
type arity int

const (
	// boolFlag takes no separate value; "--flag=v" is still accepted.
	boolFlag arity = iota
	// valueFlag takes the next argument, or the text after "=".
	valueFlag
	// optionalBool is runc's string "--rootless VALUE" and crun's "--rootless[=VALUE]":
	// a following argument is consumed only when it is one of optionalValues.
	optionalBool
)

var optionalValues = map[string]bool{"true": true, "false": true, "auto": true}

// flagSet maps every spelling of a flag ("root", "b") to its canonical name and arity.
type flagSet map[string]flagSpec

type flagSpec struct {
	name  string
	arity arity
}

func newFlagSet(defs ...flagDef) flagSet {
	fs := flagSet{}
	for _, d := range defs {
		for _, n := range d.names {
			fs[n] = flagSpec{name: d.names[0], arity: d.arity}
		}
	}
	return fs
}

type flagDef struct {
	names []string
	arity arity
}

func def(a arity, names ...string) flagDef { return flagDef{names: names, arity: a} }

// globalFlags is the union of runc's and crun's global options.
var globalFlags = newFlagSet(
	def(boolFlag, "debug"),
	def(boolFlag, "systemd-cgroup"),
	def(optionalBool, "rootless"),
	def(valueFlag, "root"),
	def(valueFlag, "log"),
	def(valueFlag, "log-format"),
	def(valueFlag, "log-level"),
	def(valueFlag, "criu"),
	def(valueFlag, "cgroup-manager"),
	def(boolFlag, "help", "h", "?"),
	def(boolFlag, "usage"),
	def(boolFlag, "version", "v", "V"),
)

// createFlags is the union of runc's and crun's options of create and run.
var createFlags = newFlagSet(
	def(valueFlag, "bundle", "b"),
	def(valueFlag, "config", "f"),
	def(valueFlag, "console-socket"),
	def(valueFlag, "pidfd-socket"),
	def(valueFlag, "pid-file"),
	def(valueFlag, "preserve-fds"),
	def(boolFlag, "no-pivot"),
	def(boolFlag, "no-new-keyring"),
	def(boolFlag, "detach", "d"),
	def(boolFlag, "keep"),
	def(boolFlag, "no-subreaper"),
	def(boolFlag, "help", "h"),
)

// execFlags is the union of runc's and crun's options of exec.
var execFlags = newFlagSet(
	def(valueFlag, "console-socket"),
	def(valueFlag, "pidfd-socket"),
	def(valueFlag, "cwd"),
	def(valueFlag, "env", "e"),
	def(boolFlag, "tty", "t"),
	def(valueFlag, "user", "u"),
	def(valueFlag, "additional-gids", "g"),
	def(valueFlag, "process", "p"),
	def(boolFlag, "detach", "d"),
	def(valueFlag, "pid-file"),
	def(valueFlag, "process-label"),
	def(valueFlag, "apparmor"),
	def(boolFlag, "no-new-privs"),
	def(valueFlag, "cap", "c"),
	def(valueFlag, "preserve-fds"),
	def(valueFlag, "cgroup"),
	def(boolFlag, "ignore-paused"),
	def(boolFlag, "help", "h"),
)
