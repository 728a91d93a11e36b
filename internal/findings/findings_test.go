package findings

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/sirupsen/logrus"

	"github.com/oshim/oshim/internal/config"
	"github.com/oshim/oshim/internal/report"
	"github.com/oshim/oshim/internal/report/ocsfcheck"
	"github.com/oshim/oshim/internal/rewrite"
)

// testReporter reports on container c1 with the sink of the config cfgText, and logs
// to the returned buffer.
func testReporter(t *testing.T, cfgText string) (Reporter, *config.Config, *bytes.Buffer) {
	t.Helper()
	cfg, err := config.Parse([]byte(cfgText))
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	log := logrus.New()
	log.SetOutput(&logs)
	r := Reporter{Sink: cfg.OCSFSink(true), Product: report.OshimProduct("1.2.3"), Log: log, ContainerID: "c1", Bundle: "/b/c1"}
	return r, cfg, &logs
}

// events reads an OCSF file, checks every line against the schema, and returns the
// oshim_kind of each event.
func events(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	schema, err := ocsfcheck.Load()
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if errs := schema.Check(sc.Bytes()); len(errs) > 0 {
			t.Fatalf("event does not match OCSF: %q\n%s", errs, sc.Bytes())
		}
		var ev struct {
			Metadata struct {
				Product struct{ Version string }
			}
			Unmapped map[string]any
		}
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatal(err)
		}
		if ev.Metadata.Product.Version != "1.2.3" {
			t.Errorf("metadata.product.version %q", ev.Metadata.Product.Version)
		}
		kinds = append(kinds, ev.Unmapped["oshim_kind"].(string))
	}
	return kinds
}

func TestSkewAndRewrite(t *testing.T) {
	withoutSetpcap := []string{"CAP_KILL"}
	tests := []struct {
		name     string
		contract string
		uid      uint32
		want     []string
	}{
		{name: "repair", contract: "require = [\"CAP_SETPCAP\"]\ninit = false", want: []string{"skew-found", "spec-repaired"}},
		{name: "repair and clear: nothing lent to root", contract: "require = [\"CAP_SETPCAP\"]\nbounding = \"clear\"", want: []string{"skew-found", "spec-repaired"}},
		{name: "clear without require: a loan", contract: "bounding = \"clear\"", want: []string{"caps-lent"}},
		{name: "non-root repair and loan", contract: "require = [\"CAP_NET_ADMIN\"]\nbounding = \"clear\"", uid: 1000, want: []string{"skew-found", "spec-repaired", "caps-lent"}},
		{name: "report changes nothing", contract: "require = [\"CAP_SETPCAP\"]\non_skew = \"report\"\ninit = false", want: []string{"skew-found"}},
		{name: "deny reports the skew", contract: "require = [\"CAP_SETPCAP\"]\non_skew = \"deny\"", want: []string{"skew-found"}},
		{name: "no skew, no loan", contract: "require = [\"CAP_KILL\"]\ninit = false"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "ocsf.jsonl")
			r, cfg, logs := testReporter(t, "ocsf_log = \""+path+"\"\n[[contract]]\nname = \"k\"\nmatch.all = true\n"+tt.contract+"\n")
			proc := &specs.Process{Args: []string{"/sv"}, User: specs.User{UID: tt.uid}, Capabilities: &specs.LinuxCapabilities{
				Bounding: withoutSetpcap, Effective: withoutSetpcap, Permitted: withoutSetpcap,
			}}
			c, err := cfg.Set.Select("/sv", nil)
			if err != nil {
				t.Fatal(err)
			}
			pl := rewrite.NewPlan(c, proc)
			r.Skew(pl, proc)
			if pl.Err() == nil {
				r.Rewrite(pl, proc, pl.Repair())
			}
			if got := events(t, path); !slices.Equal(got, tt.want) {
				t.Fatalf("events %v, want %v", got, tt.want)
			}
			if logs.Len() > 0 {
				t.Errorf("logged: %s", logs.String())
			}
		})
	}
}

func TestResult(t *testing.T) {
	tests := []struct {
		name string
		m    report.Measured
		want []string
	}{
		{name: "ok", m: report.Measured{OK: true, Probe: "ok"}},
		{name: "probe denied", m: report.Measured{Step: "probe PR_CAPBSET_DROP", Probe: "denied", Message: "EPERM", Seccomp: 2, LSM: "none"}, want: []string{"probe-denied"}},
		{name: "bounding drop denied", m: report.Measured{Step: "apply", Probe: "ok", Message: "drop-bounding CAP_CHOWN: operation not permitted (errno 1, EPERM)"}, want: []string{"probe-denied"}},
		{name: "verification failed", m: report.Measured{Step: "verify", Probe: "ok", Message: "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "ocsf.jsonl")
			r, _, _ := testReporter(t, "ocsf_log = \""+path+"\"\n")
			m := tt.m
			m.Received = time.Now()
			r.Result(&report.Container{ID: "c1", Arg0: "/sv", Contract: "k", OnSkew: "repair"}, &m)
			if got := events(t, path); !slices.Equal(got, tt.want) {
				t.Fatalf("events %v, want %v", got, tt.want)
			}
		})
	}
}

// TestEmitFailureOnlyWarns: an unwritable OCSF file is logged and nothing else.
func TestEmitFailureOnlyWarns(t *testing.T) {
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	r, _, logs := testReporter(t, "ocsf_log = \""+filepath.Join(blocker, "ocsf.jsonl")+"\"\n")
	r.emit(report.Finding{Kind: report.SkewFound, ContainerID: "c1", Caps: []string{"CAP_SETPCAP"}, Time: time.Now()})
	if !strings.Contains(logs.String(), "level=warning") || !strings.Contains(logs.String(), "could not write OCSF events") {
		t.Fatalf("log %q, want a warning", logs.String())
	}
}

// TestEmitOff: ocsf_log = "" without syslog sends nothing, and says nothing about it.
func TestEmitOff(t *testing.T) {
	r, _, logs := testReporter(t, "ocsf_log = \"\"\n")
	r.emit(report.Finding{Kind: "not a kind", ContainerID: "c1", Time: time.Now()})
	if sink := r.Sink; sink.Path != "" || sink.Syslog || logs.Len() != 0 {
		t.Fatalf("with ocsf_log = \"\": sink %+v, log %q", sink, logs.String())
	}
}
