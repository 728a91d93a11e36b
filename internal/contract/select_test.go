package contract

import (
	"strings"
	"testing"

	"github.com/oshim/oshim/internal/annotation"
	"github.com/oshim/oshim/internal/caps"
)

func boolp(b bool) *bool { return &b }

func testSet(t *testing.T) *Set {
	t.Helper()
	s, _, err := NewSet([]Contract{
		{Name: "supervisor", Match: Match{Commands: []Pattern{MustPattern(`^/opt/openshell/bin/openshell-sandbox$`)}}, OnSkew: Repair},
		{Name: "managed", Match: Match{Annotations: map[string]Pattern{`^openshell\.managed$`: MustPattern(`^true$`)}}, OnSkew: Report},
		{Name: "pickable", Selectable: true, OnSkew: Repair},
		{Name: "hidden", Selectable: false, Match: Match{Commands: []Pattern{MustPattern(`^/never$`)}}},
		{Name: "strict", Selectable: true, OnSkew: Deny},
		{Name: "noinit", Selectable: true, Init: boolp(false)},
	})
	if err != nil {
		t.Fatalf("NewSet: %v", err)
	}
	return s
}

func TestSelect(t *testing.T) {
	tests := []struct {
		description  string
		arg0         string
		annotations  map[string]string
		wantName     string
		wantOnSkew   OnSkew
		wantBounding Bounding
		wantErr      string
	}{
		{description: "command match", arg0: "/opt/openshell/bin/openshell-sandbox", wantName: "supervisor", wantOnSkew: Repair, wantBounding: BoundingSpec},
		{description: "no match", arg0: "/bin/sh"},
		{description: "anchored pattern does not match a longer path", arg0: "/tmp/opt/openshell/bin/openshell-sandbox"},
		{description: "annotation match", arg0: "/bin/sh", annotations: map[string]string{"openshell.managed": "true"}, wantName: "managed", wantOnSkew: Report, wantBounding: BoundingSpec},
		{description: "annotation value mismatch", arg0: "/bin/sh", annotations: map[string]string{"openshell.managed": "yes"}},
		{description: "first match wins", arg0: "/opt/openshell/bin/openshell-sandbox", annotations: map[string]string{"openshell.managed": "true"}, wantName: "supervisor", wantOnSkew: Repair, wantBounding: BoundingSpec},
		{description: "selectable by annotation", arg0: "/bin/sh", annotations: map[string]string{annotation.Contract: "pickable"}, wantName: "pickable", wantOnSkew: Repair, wantBounding: BoundingSpec},
		{description: "annotation naming the matching contract is fine", arg0: "/opt/openshell/bin/openshell-sandbox", annotations: map[string]string{annotation.Contract: "supervisor"}, wantName: "supervisor", wantOnSkew: Repair, wantBounding: BoundingSpec},
		{description: "not selectable", arg0: "/bin/sh", annotations: map[string]string{annotation.Contract: "hidden"}, wantErr: "not selectable"},
		{description: "unknown contract", arg0: "/bin/sh", annotations: map[string]string{annotation.Contract: "nope"}, wantErr: "names no contract"},
		{description: "cannot escape a matching contract", arg0: "/opt/openshell/bin/openshell-sandbox", annotations: map[string]string{annotation.Contract: "pickable"}, wantErr: "cannot replace"},
		{description: "narrow repair to deny", arg0: "/opt/openshell/bin/openshell-sandbox", annotations: map[string]string{annotation.OnSkew: "deny"}, wantName: "supervisor", wantOnSkew: Deny, wantBounding: BoundingSpec},
		{description: "narrow repair to report", arg0: "/opt/openshell/bin/openshell-sandbox", annotations: map[string]string{annotation.OnSkew: "report"}, wantName: "supervisor", wantOnSkew: Report, wantBounding: BoundingSpec},
		{description: "cannot widen deny to repair", arg0: "/bin/sh", annotations: map[string]string{annotation.Contract: "strict", annotation.OnSkew: "repair"}, wantErr: "loosen"},
		{description: "cannot widen report to repair", arg0: "/bin/sh", annotations: map[string]string{"openshell.managed": "true", annotation.OnSkew: "repair"}, wantErr: "loosen"},
		{description: "bad on-skew value", arg0: "/opt/openshell/bin/openshell-sandbox", annotations: map[string]string{annotation.OnSkew: "ignore"}, wantErr: "want \"repair\""},
		{description: "narrow bounding to clear", arg0: "/opt/openshell/bin/openshell-sandbox", annotations: map[string]string{annotation.Bounding: "clear"}, wantName: "supervisor", wantOnSkew: Repair, wantBounding: BoundingClear},
		{description: "clear needs the init", arg0: "/bin/sh", annotations: map[string]string{annotation.Contract: "noinit", annotation.Bounding: "clear"}, wantErr: "init = false"},
		{description: "annotations alone do nothing without a contract", arg0: "/bin/sh", annotations: map[string]string{annotation.OnSkew: "deny"}},
	}
	s := testSet(t)
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			c, err := s.Select(tc.arg0, tc.annotations)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Select error = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Select: %v", err)
			}
			if tc.wantName == "" {
				if c != nil {
					t.Fatalf("Select = %q, want none", c.Name)
				}
				return
			}
			if c == nil || c.Name != tc.wantName || c.OnSkew != tc.wantOnSkew || c.Bounding != tc.wantBounding {
				t.Fatalf("Select = %+v, want %s %s %s", c, tc.wantName, tc.wantOnSkew, tc.wantBounding)
			}
		})
	}
}

func TestSelectDoesNotChangeTheSet(t *testing.T) {
	s := testSet(t)
	if _, err := s.Select("/opt/openshell/bin/openshell-sandbox", map[string]string{annotation.OnSkew: "deny"}); err != nil {
		t.Fatal(err)
	}
	c, _ := s.Lookup("supervisor")
	if c.OnSkew != Repair {
		t.Fatalf("narrowing leaked into the set: on_skew = %q", c.OnSkew)
	}
}

func FuzzSelect(f *testing.F) {
	f.Add("/opt/openshell/bin/openshell-sandbox", annotation.OnSkew, "deny")
	f.Add("/bin/sh", annotation.Contract, "pickable")
	f.Add("/bin/sh", annotation.Bounding, "clear")
	f.Fuzz(func(t *testing.T, arg0, key, value string) {
		s := testSet(t)
		ann := map[string]string{key: value}
		c, err := s.Select(arg0, ann)
		if err != nil || c == nil {
			return
		}
		orig, _ := s.Lookup(c.Name)
		if c.OnSkew.strictness() < orig.OnSkew.strictness() {
			t.Fatalf("annotation %q=%q loosened %s to %s", key, value, orig.OnSkew, c.OnSkew)
		}
		if orig.Bounding == BoundingClear && c.Bounding != BoundingClear {
			t.Fatalf("annotation %q=%q kept a bounding set the contract clears", key, value)
		}
		if c.Required() != orig.Required() {
			t.Fatalf("annotation %q=%q changed the required caps", key, value)
		}
	})
}

// TestNoAnnotationWidens: what annotations and selectable contracts can never do.
func TestNoAnnotationWidens(t *testing.T) {
	setpcap := []CapName{CapName(caps.SETPCAP)}
	tests := []struct {
		description string
		contracts   []Contract
		annotations map[string]string
		wantErr     string
	}{
		{
			description: "report mode cannot clear the bounding set: it would need a loan",
			contracts:   []Contract{{Name: "r", Match: Match{All: true}, OnSkew: Report, Bounding: BoundingClear}},
			wantErr:     `on_skew = "report" only observes`,
		},
		{
			description: "a contract containers may pick must not grant",
			contracts:   []Contract{{Name: "g", Selectable: true, Require: setpcap}},
			wantErr:     "would let any container gain CAP_SETPCAP by annotation",
		},
		{
			description: "an annotation cannot turn a report contract into a clearing one",
			contracts:   []Contract{{Name: "r", Match: Match{All: true}, OnSkew: Report, Require: setpcap}},
			annotations: map[string]string{annotation.Bounding: "clear"},
			wantErr:     "report mode only observes",
		},
		{
			description: "an annotation cannot make a clearing contract report only",
			contracts:   []Contract{{Name: "c", Match: Match{All: true}, Bounding: BoundingClear}},
			annotations: map[string]string{annotation.OnSkew: "report"},
			wantErr:     "report mode only observes",
		},
		{
			description: "a selectable contract that only refuses is fine",
			contracts:   []Contract{{Name: "d", Selectable: true, Require: setpcap, OnSkew: Deny}},
			annotations: map[string]string{annotation.Contract: "d", annotation.Bounding: "clear"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			s, _, err := NewSet(tc.contracts)
			if err == nil {
				_, err = s.Select("/x", tc.annotations)
			}
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("error %v, want none", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}
