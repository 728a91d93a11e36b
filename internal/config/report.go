package config

import (
	"fmt"
	"path/filepath"

	"github.com/oshim/oshim/internal/toml"

	"github.com/oshim/oshim/internal/ocsf"
	"github.com/oshim/oshim/internal/records"
)

// validateReport checks the keys for oshim's reports: where OCSF events go and how many
// per-container records the run directory keeps.
func (c *Config) validateReport(doc *toml.Document) error {
	if c.OCSFLog != "" && !filepath.IsAbs(c.OCSFLog) {
		return fmt.Errorf("line %d: ocsf_log = %q: must be an absolute path, or \"\" to write no OCSF file", lineOf(doc, "ocsf_log"), c.OCSFLog)
	}
	if c.OCSFMaxBytes < 0 {
		return fmt.Errorf("line %d: ocsf_max_bytes = %d: must be a positive number of bytes (0: the default, %d)", lineOf(doc, "ocsf_max_bytes"), c.OCSFMaxBytes, ocsf.DefaultMaxBytes)
	}
	// An explicit 0 would mean no record at all, and exec sessions are capped by them.
	if _, set := doc.Root["max_records"]; set && c.MaxRecords < 1 {
		return fmt.Errorf("line %d: max_records = %d: must be at least 1 (default %d)", lineOf(doc, "max_records"), c.MaxRecords, records.DefaultMaxRecords)
	}
	return nil
}

// setReportDefaults fills in what the file leaves out; defined tells which top-level
// keys the file sets. ocsf_log = "" stays "": it turns the OCSF file off.
func (c *Config) setReportDefaults(defined func(key string) bool) {
	if !defined("ocsf_log") {
		c.OCSFLog, c.ocsfLogDefault = ocsf.DefaultPath, true
	}
	if c.OCSFMaxBytes == 0 {
		c.OCSFMaxBytes = ocsf.DefaultMaxBytes
	}
	if !defined("max_records") {
		c.MaxRecords = records.DefaultMaxRecords
	}
}

// OCSFSink is where oshim sends its OCSF events. The default file is root's: for
// another user (rootful is false) only a file the config names is written.
func (c *Config) OCSFSink(rootful bool) ocsf.Sink {
	s := ocsf.Sink{Path: c.OCSFLog, MaxBytes: c.OCSFMaxBytes, Syslog: c.Syslog}
	if !rootful && c.ocsfLogDefault {
		s.Path = ""
	}
	return s
}
