package admit

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

	"github.com/sirupsen/logrus"

	"github.com/oshim/oshim/internal/annotation"
	"github.com/oshim/oshim/internal/config"
	"github.com/oshim/oshim/internal/metrics"
	"github.com/oshim/oshim/internal/ocsf"
	"github.com/oshim/oshim/internal/ocsf/ocsfcheck"
	"github.com/oshim/oshim/internal/records"
	"github.com/oshim/oshim/internal/spec"
)

// request admits a container whose spec withholds CAP_SETPCAP (process user uid)
// under the contract body, with OCSF events going to the returned file.
func request(t *testing.T, mode Mode, body string, uid int) (Request, string, *bytes.Buffer) {
	t.Helper()
	events := filepath.Join(t.TempDir(), "ocsf.jsonl")
	cfg, err := config.Parse([]byte("ocsf_log = \"" + events + "\"\n[[contract]]\nname = \"k\"\nmatch.all = true\n" + body + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	o, err := spec.ParseObject([]byte(`{"process":{"args":["/sv"],"user":{"uid":` + itoa(uid) + `},"capabilities":{"bounding":["CAP_KILL"],"effective":["CAP_KILL"],"permitted":["CAP_KILL"]}},` +
		`"mounts":[{"destination":"/dev","type":"tmpfs","source":"tmpfs"}],"annotations":{"io.oshim.result":"ok: forged"}}`))
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	log := logrus.New()
	log.SetOutput(&logs)
	// Any static executable will do as the init's copy: it is copied, never run here.
	init, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return Request{
		InitBinary: init,
		Mode:       mode, Spec: o, Contracts: cfg.Set, ID: "c1", Bundle: "/b/c1",
		Store: records.Store{Dir: filepath.Join(t.TempDir(), "run")}, InitSource: "/init", Metrics: metrics.Sink{Dir: t.TempDir()},
		Report: ocsf.Reporter{Sink: cfg.OCSFSink(true), Product: ocsf.OshimProduct("1.2.3"), Log: log}, Log: log,
	}, events, &logs
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// kinds reads an OCSF file, checks every line against the schema and that its time is
// given in UTC, and returns the oshim_kind of each event.
func kinds(t *testing.T, path string) []string {
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
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if errs := schema.Check(sc.Bytes()); len(errs) > 0 {
			t.Fatalf("event does not match OCSF: %q\n%s", errs, sc.Bytes())
		}
		var ev struct {
			TimezoneOffset *int `json:"timezone_offset"`
			Unmapped       map[string]any
		}
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatal(err)
		}
		if ev.TimezoneOffset == nil || *ev.TimezoneOffset != 0 {
			t.Errorf("timezone_offset missing or not 0 (UTC): %s", sc.Bytes())
		}
		out = append(out, ev.Unmapped["oshim_kind"].(string))
	}
	return out
}

// inZone makes the local time zone one an hour ahead of UTC for the test.
func inZone(t *testing.T) {
	local := time.Local
	time.Local = time.FixedZone("UTC+1", 3600)
	t.Cleanup(func() { time.Local = local })
}

func TestAdmit(t *testing.T) {
	inZone(t)
	tests := []struct {
		name       string
		mode       Mode
		contract   string
		uid        int
		wantEvents []string
		wantDenied bool
		wantRecord bool
		wantLent   bool
		wantRepair string
	}{
		{name: "repair", contract: "require = [\"CAP_SETPCAP\"]\ninit = false", wantEvents: []string{"skew-found", "spec-repaired"}, wantRecord: true,
			wantRepair: "granted CAP_SETPCAP in bounding,effective,permitted"},
		{name: "repair and clear: nothing lent to root", contract: "require = [\"CAP_SETPCAP\"]\nbounding = \"clear\"", wantEvents: []string{"skew-found", "spec-repaired"}, wantRecord: true},
		{name: "clear without require: a loan", contract: `bounding = "clear"`, wantEvents: []string{"caps-lent"}, wantRecord: true, wantLent: true},
		{name: "non-root repair and loan", contract: "require = [\"CAP_NET_ADMIN\"]\nbounding = \"clear\"", uid: 1000, wantEvents: []string{"skew-found", "spec-repaired", "caps-lent"}, wantRecord: true, wantLent: true},
		{name: "report changes nothing", contract: "require = [\"CAP_SETPCAP\"]\non_skew = \"report\"", wantEvents: []string{"skew-found"}, wantRecord: true, wantRepair: "none"},
		{name: "deny reports the skew and writes nothing", contract: "require = [\"CAP_SETPCAP\"]\non_skew = \"deny\"", wantEvents: []string{"skew-found"}, wantDenied: true},
		{name: "precreate leaves a denied container's skew to its createRuntime hook", mode: Precreate, contract: "require = [\"CAP_SETPCAP\"]\non_skew = \"deny\"", wantDenied: true},
		{name: "explain writes nothing", mode: Explain, contract: `bounding = "clear"`},
		{name: "detection records the skew, changes nothing", mode: Detect, contract: `require = ["CAP_SETPCAP"]`, wantEvents: []string{"skew-found"}, wantRecord: true,
			wantRepair: "none (detection only: the runtime has read the spec)"},
		{name: "no skew, no loan", contract: "require = [\"CAP_KILL\"]\ninit = false", wantRecord: true, wantRepair: "none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, events, logs := request(t, tt.mode, tt.contract, tt.uid)
			out, err := Admit(req)
			if IsDenied(err) != tt.wantDenied || (err != nil && !tt.wantDenied) {
				t.Fatalf("Admit error %v, want denied %t", err, tt.wantDenied)
			}
			if got := kinds(t, events); !slices.Equal(got, tt.wantEvents) {
				t.Errorf("events %v, want %v", got, tt.wantEvents)
			}
			if logs.Len() > 0 {
				t.Errorf("logged: %s", logs.String())
			}
			rec, found, err := req.Store.Load("", "c1")
			if err != nil || found != tt.wantRecord {
				t.Fatalf("record found %t (%v), want %t", found, err, tt.wantRecord)
			}
			if found && (rec.Lent != tt.wantLent || (tt.wantRepair != "" && rec.Repair != tt.wantRepair)) {
				t.Errorf("record lent %t repair %q, want %t %q", rec.Lent, rec.Repair, tt.wantLent, tt.wantRepair)
			}
			_, forged := req.Spec.Get("annotations", annotation.Result)
			if forged != (tt.mode == Detect) {
				t.Errorf("forged io.oshim.result left in the spec: %t (mode %d)", forged, tt.mode)
			}
			counted, err := metrics.Read(req.Metrics.Dir)
			if err != nil {
				t.Fatal(err)
			}
			wantMatched := uint64(1)
			if tt.mode == Explain || (tt.mode == Precreate && tt.wantDenied) {
				wantMatched = 0
			}
			if got := counted["k"][metrics.Matched]; got != wantMatched {
				t.Errorf("containers matched counted %d, want %d", got, wantMatched)
			}
			if tt.wantDenied {
				if _, err := os.Stat(req.Store.Dir); !os.IsNotExist(err) {
					t.Errorf("a denied container left files in the run directory: %v", err)
				}
				return
			}
			if out.Plan == nil {
				t.Fatal("no plan")
			}
		})
	}
}

func TestReportResult(t *testing.T) {
	inZone(t)
	tests := []struct {
		name string
		m    records.Measured
		want []string
	}{
		{name: "ok", m: records.Measured{OK: true, Probe: "ok"}},
		{name: "probe denied", m: records.Measured{Step: "probe PR_CAPBSET_DROP", Probe: "denied", Message: "EPERM", Seccomp: 2, LSM: "none"}, want: []string{"probe-denied"}},
		{name: "bounding drop denied", m: records.Measured{Step: "apply", Errno: 1, Probe: "ok", Message: "drop-bounding CAP_CHOWN: operation not permitted (errno 1, EPERM)"}, want: []string{"probe-denied"}},
		{name: "verification failed", m: records.Measured{Step: "verify", Probe: "ok", Message: "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, events, _ := request(t, Create, `require = ["CAP_KILL"]`, 0)
			m := tt.m
			m.Received = time.Now().UTC() // as the collector stamps it
			ms := metrics.Sink{Dir: t.TempDir()}
			ReportResult(req.Report, ms, &records.Container{ID: "c1", Arg0: "/sv", Contract: "k", OnSkew: "repair"}, &m)
			if got := kinds(t, events); !slices.Equal(got, tt.want) {
				t.Fatalf("events %v, want %v", got, tt.want)
			}
			c, err := metrics.Read(ms.Dir)
			if err != nil {
				t.Fatal(err)
			}
			if got := c["k"][metrics.ProbeDenial]; got != uint64(len(tt.want)) {
				t.Errorf("probe denials counted %d, want %d", got, len(tt.want))
			}
			if got, want := c["k"][metrics.InitFailure], tt.m.Step != "" && !tt.m.OK; (got == 1) != want {
				t.Errorf("init failures counted %d, want %t", got, want)
			}
		})
	}
}

// TestAdmitUndoesOnFailure: a rewrite that fails (no /dev mount for the init) leaves
// no init directory and no record.
func TestAdmitUndoesOnFailure(t *testing.T) {
	req, _, _ := request(t, Create, `bounding = "clear"`, 0)
	if err := req.Spec.Set([]any{}, "mounts"); err != nil {
		t.Fatal(err)
	}
	if _, err := Admit(req); err == nil || !strings.Contains(err.Error(), "/dev mount") {
		t.Fatalf("Admit error %v, want the missing /dev mount", err)
	}
	entries, _ := os.ReadDir(filepath.Join(req.Store.Dir, "default"))
	if len(entries) != 0 {
		t.Fatalf("left %v in the run directory", entries)
	}
}
