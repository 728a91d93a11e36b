package ocsfcheck_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oshim/oshim/internal/ocsf"
	"github.com/oshim/oshim/internal/ocsf/ocsfcheck"
)

func load(t testing.TB) *ocsfcheck.Schema {
	t.Helper()
	s, err := ocsfcheck.Load()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestLoad(t *testing.T) {
	s := load(t)
	if s.Version != ocsf.SchemaVersion {
		t.Fatalf("schema version %q, events carry %q", s.Version, ocsf.SchemaVersion)
	}
}

// event encodes the OCSF event of one finding of the given kind.
func event(t testing.TB, kind ocsf.FindingKind) []byte {
	t.Helper()
	f := ocsf.Finding{
		Kind: kind, ContainerID: "c1", Arg0: "/bin/sv", Contract: "k", OnSkew: "repair",
		Host: "h", Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
	}
	if kind != ocsf.ProbeDenied {
		f.Caps = []string{"CAP_SETPCAP"}
	}
	ev, err := ocsf.Build(f, ocsf.OshimProduct("1"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCheckAcceptsOshimEvents(t *testing.T) {
	s := load(t)
	tests := []struct {
		name  string
		kind  ocsf.FindingKind
		class int
	}{
		{"skew is a Detection Finding", ocsf.SkewFound, 2004},
		{"denial is a Detection Finding", ocsf.ProbeDenied, 2004},
		{"repair is a Device Config State Change", ocsf.SpecRepaired, 5019},
		{"loan is a Device Config State Change", ocsf.CapsLent, 5019},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line := event(t, tt.kind)
			if errs := s.Check(line); len(errs) > 0 {
				t.Fatalf("Check: %q\n%s", errs, line)
			}
			var ev struct {
				ClassUID int `json:"class_uid"`
			}
			if err := json.Unmarshal(line, &ev); err != nil || ev.ClassUID != tt.class {
				t.Fatalf("class_uid %d (%v), want %d", ev.ClassUID, err, tt.class)
			}
		})
	}
}

func TestCheckRejects(t *testing.T) {
	s := load(t)
	valid := string(event(t, ocsf.SkewFound))
	tests := []struct {
		name string
		line string
		want string
	}{
		{"not JSON", "{", "not valid JSON"},
		{"an array", "[1]", "not a JSON object"},
		{"class_uid as a string", `{"class_uid":"2004"}`, "class_uid is not an integer"},
		{"unknown class", `{"class_uid":1001}`, "class_uid 1001 is not a class the checker knows"},
		{"empty Detection Finding", `{"class_uid":2004}`, "finding_info: required attribute missing"},
		{"unknown attribute", strings.Replace(valid, `"message":`, `"mesage":"x","message":`, 1), "mesage: not an attribute here"},
		{"time as a string", strings.Replace(valid, `"time":`, `"time":"1","x":`, 1), "time: want an integer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := s.Check([]byte(tt.line))
			if !slices.ContainsFunc(errs, func(e string) bool { return strings.Contains(e, tt.want) }) {
				t.Fatalf("Check = %q, want an error containing %q", errs, tt.want)
			}
		})
	}
}

// FuzzCheck: the checker reads whatever a test hands it, and must answer, never panic.
func FuzzCheck(f *testing.F) {
	s := load(f)
	f.Add(event(f, ocsf.SkewFound))
	f.Add(event(f, ocsf.CapsLent))
	f.Add([]byte(`{"class_uid":2004,"metadata":{"profiles":[1,"container"]},"evidences":[{}]}`))
	f.Add([]byte(`{"class_uid":5019,"device":{"container":{"uid":null}},"type_uid":1e3}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		errs := s.Check(line)
		if !slices.IsSorted(errs) {
			t.Fatalf("errors not sorted: %q", errs)
		}
	})
}
