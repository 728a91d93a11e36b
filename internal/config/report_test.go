package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oshim/oshim/internal/ocsf"
	"github.com/oshim/oshim/internal/records"
)

func TestReportKeys(t *testing.T) {
	tests := []struct {
		name     string
		text     string
		wantLog  string
		wantMax  int64
		wantRecs int
		syslog   bool
	}{
		{name: "defaults", text: "", wantLog: ocsf.DefaultPath, wantMax: ocsf.DefaultMaxBytes, wantRecs: records.DefaultMaxRecords},
		{name: "empty ocsf_log turns the file off", text: "ocsf_log = \"\"\n", wantLog: "", wantMax: ocsf.DefaultMaxBytes, wantRecs: records.DefaultMaxRecords},
		{
			name:    "every key set",
			text:    "ocsf_log = \"/var/log/x.jsonl\"\nocsf_max_bytes = 4096\nsyslog = true\nmax_records = 7\n",
			wantLog: "/var/log/x.jsonl", wantMax: 4096, wantRecs: 7, syslog: true,
		},
		{name: "ocsf_max_bytes 0 is the default", text: "ocsf_max_bytes = 0\n", wantLog: ocsf.DefaultPath, wantMax: ocsf.DefaultMaxBytes, wantRecs: records.DefaultMaxRecords},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse([]byte(tt.text))
			if err != nil {
				t.Fatal(err)
			}
			if c.OCSFLog != tt.wantLog || c.OCSFMaxBytes != tt.wantMax || c.MaxRecords != tt.wantRecs || c.Syslog != tt.syslog {
				t.Fatalf("ocsf_log %q ocsf_max_bytes %d max_records %d syslog %t; want %q %d %d %t",
					c.OCSFLog, c.OCSFMaxBytes, c.MaxRecords, c.Syslog, tt.wantLog, tt.wantMax, tt.wantRecs, tt.syslog)
			}
			want := ocsf.Sink{Path: tt.wantLog, MaxBytes: tt.wantMax, Syslog: tt.syslog}
			if got := c.OCSFSink(true); got != want {
				t.Fatalf("OCSFSink(rootful) = %+v, want %+v", got, want)
			}
			// The default file is root's; a path the file names is written by anyone.
			if tt.wantLog == ocsf.DefaultPath {
				want.Path = ""
			}
			if got := c.OCSFSink(false); got != want {
				t.Fatalf("OCSFSink(rootless) = %+v, want %+v", got, want)
			}
		})
	}
}

func TestReportKeysOfAMissingFile(t *testing.T) {
	c, err := Source{Path: filepath.Join(t.TempDir(), "absent.toml")}.Load()
	if err != nil {
		t.Fatal(err)
	}
	if c.OCSFLog != ocsf.DefaultPath || c.OCSFMaxBytes != ocsf.DefaultMaxBytes || c.MaxRecords != records.DefaultMaxRecords {
		t.Fatalf("defaults not set: %+v", c)
	}
}

func TestReportKeyErrors(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{name: "relative ocsf_log", text: "runtime = \"crun\"\nocsf_log = \"log/ocsf.jsonl\"\n", want: []string{"line 2", "ocsf_log", "absolute"}},
		{name: "negative ocsf_max_bytes", text: "ocsf_max_bytes = -1\n", want: []string{"line 1", "ocsf_max_bytes"}},
		{name: "max_records 0", text: "\nmax_records = 0\n", want: []string{"line 2", "max_records", "at least 1"}},
		{name: "wrong type", text: "syslog = \"yes\"\n", want: []string{"line 1"}},
		{name: "misspelled key lists the report keys", text: "ocsf_logs = \"/x\"\n", want: []string{"unknown key", "ocsf_log, ocsf_max_bytes, syslog, max_records"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "config.toml")
			if err := os.WriteFile(p, []byte(tt.text), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(p)
			if err == nil {
				t.Fatalf("Load succeeded, want an error containing %q", tt.want)
			}
			for _, w := range append(tt.want, p) {
				if !strings.Contains(err.Error(), w) {
					t.Fatalf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}
