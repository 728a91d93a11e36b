package main

import (
	"errors"
	"flag"
	"strconv"
)

// option is one --name of a command. The same value is parsed into and documented.
type option struct {
	name string
	// arg is the value's placeholder ("FILE"); empty for a switch.
	arg  string
	help string
	// def is the default shown in the help; empty when there is none to show (the
	// help then says what an unset option means, if anything).
	def   string
	value flag.Value
	// complete says what a shell may complete the value with: "file", "dir", or a
	// space-separated list of words; empty completes nothing.
	complete string
}

// stringOption binds --name ARG to p; p's current value is the default.
func stringOption(p *string, name, arg, help string) option {
	return option{name: name, arg: arg, help: help, def: *p, value: (*stringValue)(p), complete: completeFor(arg)}
}

// boolOption binds the switch --name to p.
func boolOption(p *bool, name, help string) option {
	return option{name: name, help: help, value: (*boolValue)(p)}
}

// completeFor guesses a value's completion from its placeholder.
func completeFor(arg string) string {
	switch arg {
	case "FILE", "PATH":
		return "file"
	case "DIR":
		return "dir"
	}
	return ""
}

type stringValue string

func (s *stringValue) Set(v string) error { *s = stringValue(v); return nil }
func (s *stringValue) String() string     { return string(*s) }

type boolValue bool

func (b *boolValue) Set(v string) error {
	x, err := strconv.ParseBool(v)
	if err != nil {
		return errors.New("want true or false")
	}
	*b = boolValue(x)
	return nil
}

func (b *boolValue) String() string { return strconv.FormatBool(bool(*b)) }

// IsBoolFlag makes the flag package accept --name without a value.
func (b *boolValue) IsBoolFlag() bool { return true }
