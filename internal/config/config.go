// Package config loads the admin's oshim config file: the real runtime, the run
// directory and the capability contracts.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/oshim/oshim/internal/contract"
	"github.com/oshim/oshim/internal/smallfile"
	"github.com/oshim/oshim/internal/toml"
)

// DefaultPath is where the admin config lives; env OSHIM_CONFIG points elsewhere.
const DefaultPath = "/etc/oshim/config.toml"

// MaxSize bounds the config file: it is read on every container start.
const MaxSize = 1 << 20

// Config is the admin config file.
type Config struct {
	// Runtime is the real runtime: a name looked up on PATH or an absolute path.
	Runtime string
	// RunDir holds per-container records and init copies.
	RunDir string
	// Contracts are the [[contract]] tables, in file order; after LoadSettings, only
	// once LoadContracts has decoded them.
	Contracts []contract.Contract

	// OCSFLog is the file OCSF events are appended to; "" writes none. Unset, it is
	// ocsf.DefaultPath.
	OCSFLog string
	// OCSFMaxBytes caps OCSFLog before it is rotated; unset or 0, ocsf.DefaultMaxBytes.
	OCSFMaxBytes int64
	// Syslog also sends every OCSF event to the local syslog (journald reads it too).
	Syslog bool
	// MaxRecords caps the per-container records in RunDir; unset, records.DefaultMaxRecords.
	MaxRecords int
	// MetricsTextfile is a node-exporter textfile oshim rewrites with its counters after
	// every update; "" writes none.
	MetricsTextfile string

	// Path is the file this was loaded from; empty when there was none.
	Path string
	// Set is the validated contracts.
	Set *contract.Set
	// Warnings are things that work but are probably not what the admin meant.
	Warnings []string
	// ocsfLogDefault says OCSFLog is the default, not set by the file.
	ocsfLogDefault bool
	// pending are the contract tables parsed and not yet decoded, nil once they are.
	pending *pendingContracts
}

// pendingContracts are the [[contract]] tables of a config whose contracts are not
// decoded yet, and the document they are in.
type pendingContracts struct {
	doc    *toml.Document
	tables []any
}

// EnvPath is the environment variable that names another admin config.
const EnvPath = "OSHIM_CONFIG"

// Source is the admin config's path and what chose it. Only the default path may be
// absent (no contracts): a path someone named is meant to exist, and a typo in it must
// not silently drop every contract.
type Source struct {
	Path string
	// Origin names what chose Path, for errors: EnvPath, "--config", ...; empty for
	// DefaultPath.
	Origin string
}

// Locate returns the config to use: flagValue (a --config option) when given, else env
// OSHIM_CONFIG, else DefaultPath.
func Locate(flagValue string) Source {
	if flagValue != "" {
		return Source{Path: flagValue, Origin: "--config"}
	}
	if p := os.Getenv(EnvPath); p != "" {
		return Source{Path: p, Origin: EnvPath}
	}
	return Source{Path: DefaultPath}
}

// Load reads the config file at path, which must exist.
func Load(path string) (*Config, error) {
	return Source{Path: path, Origin: "config"}.Load()
}

// Load reads the config, contracts included. An absent default file is no error: no
// contracts, pure passthrough. Every other problem is an error naming the file, and the
// line where one can be told.
func (s Source) Load() (*Config, error) {
	c, err := s.LoadSettings()
	if err != nil {
		return nil, err
	}
	if err := c.LoadContracts(); err != nil {
		return nil, err
	}
	return c, nil
}

// LoadSettings reads the config as Load does, but leaves the contracts parsed and
// undecoded until LoadContracts. Runtime calls other than create and run need none of
// them, and decoding them (every pattern compiled) is most of what reading the config
// costs such a call. A contract the file gets wrong then fails the calls that apply
// contracts, and no other: an engine can still stop and delete its containers while
// the admin mends the file.
func (s Source) LoadSettings() (*Config, error) {
	data, _, err := smallfile.Read(s.Path, MaxSize)
	if smallfile.Missing(err) {
		if s.Origin != "" {
			return nil, s.missing()
		}
		set, _, _ := contract.NewSet(nil)
		c := &Config{Set: set}
		c.setReportDefaults(func(string) bool { return false })
		return c, nil
	}
	if err != nil {
		return nil, err
	}
	c, err := parseSettings(data)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", s.Path, err)
	}
	c.Path = s.Path
	return c, nil
}

// LoadContracts decodes and validates the contracts LoadSettings left, once. Its error
// names the file and the line as Load's does.
func (c *Config) LoadContracts() error {
	if err := c.decodeContracts(); err != nil {
		return fmt.Errorf("config %s: %w", c.Path, err)
	}
	return nil
}

// missing is the error for a named config file that does not exist. It wraps
// fs.ErrNotExist.
func (s Source) missing() error {
	if s.Origin == EnvPath {
		return fmt.Errorf("%s=%s names no config file (%w): correct the path, or unset %s to use %s, where no file means no contracts",
			EnvPath, s.Path, fs.ErrNotExist, EnvPath, DefaultPath)
	}
	return fmt.Errorf("%s %s: no such config file (%w)", s.Origin, s.Path, fs.ErrNotExist)
}

// Parse decodes and validates config text, contracts included.
func Parse(data []byte) (*Config, error) {
	c, err := parseSettings(data)
	if err != nil {
		return nil, err
	}
	if err := c.decodeContracts(); err != nil {
		return nil, err
	}
	return c, nil
}

// parseSettings decodes and validates config text but for the contracts, which it keeps
// parsed for decodeContracts.
func parseSettings(data []byte) (*Config, error) {
	doc, err := toml.Parse(data)
	if err != nil {
		return nil, err
	}
	c := &Config{}
	tables, err := c.decodeSettings(doc)
	if err != nil {
		return nil, err
	}
	if err := c.validateRuntime(); err != nil {
		return nil, err
	}
	if err := c.validateReport(doc); err != nil {
		return nil, err
	}
	c.setReportDefaults(func(key string) bool { _, ok := doc.Root[key]; return ok })
	c.pending = &pendingContracts{doc: doc, tables: tables}
	return c, nil
}

// decodeContracts decodes and validates the contracts parseSettings kept; it does
// nothing once they are.
func (c *Config) decodeContracts() error {
	p := c.pending
	if p == nil {
		return nil
	}
	contracts := make([]contract.Contract, len(p.tables))
	for i, t := range p.tables {
		var err error
		if contracts[i], err = decodeContract(p.doc, i, t); err != nil {
			return err
		}
	}
	set, warnings, err := contract.NewSet(contracts)
	var invalid *contract.InvalidError
	if errors.As(err, &invalid) {
		// A validation error about one contract gets the line of its [[contract]].
		return fmt.Errorf("line %d: %w", lineOf(p.doc, "contract", strconv.Itoa(invalid.Index)), err)
	}
	if err != nil {
		return err
	}
	c.Contracts, c.Set, c.Warnings, c.pending = contracts, set, warnings, nil
	return nil
}

func (c *Config) validateRuntime() error {
	if c.Runtime != "" && strings.ContainsRune(c.Runtime, '/') && !filepath.IsAbs(c.Runtime) {
		return fmt.Errorf("runtime = %q: give a name looked up on PATH or an absolute path", c.Runtime)
	}
	if c.RunDir != "" && !filepath.IsAbs(c.RunDir) {
		return fmt.Errorf("run_dir = %q: must be an absolute path", c.RunDir)
	}
	if c.MetricsTextfile != "" && !filepath.IsAbs(c.MetricsTextfile) {
		return fmt.Errorf("metrics_textfile = %q: must be an absolute path (node-exporter's --collector.textfile.directory), or \"\" for none", c.MetricsTextfile)
	}
	return nil
}
