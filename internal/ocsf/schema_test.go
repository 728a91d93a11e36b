package ocsf

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oshim/oshim/internal/podinfo"

	"github.com/oshim/oshim/internal/ocsf/ocsfcheck"
)

// Every event is checked with ocsfcheck against what OCSF 1.7.0 requires of its class
// (ocsfcheck/schema/*.json); the end-to-end tests use the same checker on the events
// oshim writes.

var ocsfSchemaOnce = sync.OnceValues(ocsfcheck.Load)

func ocsfSchemaForTest(t testing.TB) *ocsfcheck.Schema {
	t.Helper()
	s, err := ocsfSchemaOnce()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// ocsfTestFindings has one finding per kind and variant that changes the event's shape.
func ocsfTestFindings() map[string]Finding {
	at := time.Date(2026, 10, 7, 9, 30, 0, 123456789, time.FixedZone("CEST", 2*3600))
	base := Finding{ContainerID: "c0ffee", Bundle: "/run/containers/c0ffee", Arg0: "/opt/openshell/bin/openshell-sandbox", Contract: "supervisor", OnSkew: "repair", Host: "node-1", Time: at}
	with := func(mod func(*Finding)) Finding {
		f := base
		mod(&f)
		return f
	}
	return map[string]Finding{
		"skew under repair": with(func(f *Finding) { f.Kind, f.Caps = SkewFound, []string{"CAP_SETPCAP"} }),
		"skew under deny, non-root, two caps": with(func(f *Finding) {
			f.Kind, f.OnSkew, f.UID, f.Caps = SkewFound, "deny", 1000, []string{"CAP_SETPCAP", "CAP_NET_ADMIN"}
		}),
		"skew with a bare command name": with(func(f *Finding) { f.Kind, f.Arg0, f.Caps = SkewFound, "sandbox", []string{"CAP_SETPCAP"} }),
		"denial under seccomp": with(func(f *Finding) {
			f.Kind, f.Seccomp, f.LSM, f.Detail = ProbeDenied, 2, "none", "PR_CAPBSET_DROP EPERM under seccomp (Seccomp: 2, NoNewPrivs: 1)"
		}),
		"denial by an LSM, no detail, no arg0": with(func(f *Finding) { f.Kind, f.LSM, f.Arg0 = ProbeDenied, "containers-default-0.50.1 (enforce)", "" }),
		"repair": with(func(f *Finding) {
			f.Kind, f.Caps, f.Detail = SpecRepaired, []string{"CAP_SETPCAP"}, "bounding+permitted+effective: CAP_SETPCAP"
		}),
		"caps lent": with(func(f *Finding) { f.Kind, f.Caps = CapsLent, []string{"CAP_SETPCAP"} }),
		"truncated": with(func(f *Finding) {
			f.Kind, f.Caps, f.Detail = SpecRepaired, []string{"CAP_SETPCAP"}, strings.Repeat("é", 3000)
		}),
		"caps lent in UTC, no bundle": with(func(f *Finding) { f.Kind, f.Caps, f.Bundle, f.Time = CapsLent, []string{"CAP_SETPCAP"}, "", at.UTC() }),
		"skew in a Kubernetes pod": with(func(f *Finding) {
			f.Kind, f.Caps = SkewFound, []string{"CAP_SETPCAP"}
			f.Pod = podinfo.Info{Namespace: "team-a", Pod: "sandbox-0", PodUID: "1b4e28ba-2fa1-11d2-883f-0016d3cca427", Container: "supervisor", Image: "registry.example.com/sandbox:1"}
		}),
		"repair in a pod without a uuid": with(func(f *Finding) {
			f.Kind, f.Caps = SpecRepaired, []string{"CAP_SETPCAP"}
			f.Pod = podinfo.Info{Namespace: "team-a", Pod: "sandbox-0", PodUID: "not-a-uuid", Container: "supervisor"}
		}),
	}
}

// TestPodContext: an event names the pod where the engine passed it, and says so
// where it did not.
func TestPodContext(t *testing.T) {
	fs := ocsfTestFindings()
	ev, err := Build(fs["skew in a Kubernetes pod"], OshimProduct("1"))
	if err != nil {
		t.Fatal(err)
	}
	c := ev.Evidences[0].Container
	if c.Name != "supervisor" || c.PodUUID != "1b4e28ba-2fa1-11d2-883f-0016d3cca427" || c.Orchestrator != "Kubernetes" {
		t.Errorf("container %+v", c)
	}
	if p, ok := ev.Unmapped["pod"].(map[string]string); !ok || p["namespace"] != "team-a" || p["image"] != "registry.example.com/sandbox:1" {
		t.Errorf("unmapped pod %v", ev.Unmapped["pod"])
	}
	ev, err = Build(fs["skew under repair"], OshimProduct("1"))
	if err != nil {
		t.Fatal(err)
	}
	if ev.Unmapped["pod"] != podinfo.None {
		t.Errorf("an event without pod context says %v", ev.Unmapped["pod"])
	}
	ev, err = Build(fs["repair in a pod without a uuid"], OshimProduct("1"))
	if err != nil || ev.Device.Container.PodUUID != "" {
		t.Errorf("a pod uid that is no uuid went into pod_uuid: %+v, %v", ev.Device.Container, err)
	}
}

func TestOCSFEventsMatchSchema(t *testing.T) {
	s := ocsfSchemaForTest(t)
	for name, f := range ocsfTestFindings() {
		t.Run(name, func(t *testing.T) {
			ev, err := Build(f, OshimProduct("1.2.3"))
			if err != nil {
				t.Fatal(err)
			}
			line, err := ev.line()
			if err != nil {
				t.Fatal(err)
			}
			if errs := s.Check(line); len(errs) > 0 {
				t.Fatalf("event does not match OCSF %s:\n  %s\nevent: %s", s.Version, strings.Join(errs, "\n  "), line)
			}
		})
	}
}

// TestOCSFSchemaCheckerRejects shows the checker catches each kind of mistake, so a
// passing TestOCSFEventsMatchSchema means something.
func TestOCSFSchemaCheckerRejects(t *testing.T) {
	s := ocsfSchemaForTest(t)
	valid := func(kind FindingKind) map[string]any {
		f := ocsfTestFindings()["skew under repair"]
		if kind != SkewFound {
			f = ocsfTestFindings()["repair"]
		}
		ev, err := Build(f, OshimProduct("1.2.3"))
		if err != nil {
			t.Fatal(err)
		}
		line, _ := ev.line()
		var m map[string]any
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.UseNumber()
		if err := dec.Decode(&m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	obj := func(m map[string]any, k string) map[string]any { return m[k].(map[string]any) }
	tests := []struct {
		name   string
		kind   FindingKind
		mutate func(m map[string]any)
		want   string
	}{
		{"missing finding_info", SkewFound, func(m map[string]any) { delete(m, "finding_info") }, "finding_info: required attribute missing"},
		{"missing metadata.product", SkewFound, func(m map[string]any) { delete(obj(m, "metadata"), "product") }, "metadata.product: required attribute missing"},
		{"missing device in a config change", SpecRepaired, func(m map[string]any) { delete(m, "device") }, "device: required attribute missing"},
		{"missing remediation.desc", SkewFound, func(m map[string]any) { delete(obj(m, "remediation"), "desc") }, "remediation.desc: required attribute missing"},
		{"severity_id as a string", SkewFound, func(m map[string]any) { m["severity_id"] = "2" }, "severity_id: want an integer"},
		{"time with a fraction", SkewFound, func(m map[string]any) { m["time"] = json.Number("1.5") }, "time: want an integer"},
		{"message as a number", SkewFound, func(m map[string]any) { m["message"] = json.Number("7") }, "message: want a string"},
		{"unknown status_id", SkewFound, func(m map[string]any) { m["status_id"] = json.Number("7") }, "status_id: 7 is not one of"},
		{"finding activity in a config change", SpecRepaired, func(m map[string]any) { m["activity_id"] = json.Number("3"); m["type_uid"] = json.Number("501903") }, "activity_id: 3 is not one of"},
		{"type_uid arithmetic", SkewFound, func(m map[string]any) { m["type_uid"] = json.Number("200402") }, "type_uid 200402 != class_uid 2004 * 100 + activity_id 1"},
		{"severity caption", SkewFound, func(m map[string]any) { m["severity"] = "High" }, `severity = "High", want "Low"`},
		{"attribute of another class", SkewFound, func(m map[string]any) { m["state_id"] = json.Number("1") }, "state_id: not an attribute here"},
		{"profile not listed", SpecRepaired, func(m map[string]any) { delete(obj(m, "metadata"), "profiles") }, `device.container needs profile "container"`},
		{"container with neither uid nor name", SkewFound, func(m map[string]any) {
			obj(m["evidences"].([]any)[0].(map[string]any), "container")["uid"] = nil
		}, "evidences[0].container: needs at least one of [uid name]"},
		{"wrong metadata.version", SkewFound, func(m map[string]any) { obj(m, "metadata")["version"] = "1.1.0" }, `metadata.version "1.1.0"`},
		{"unknown class", SkewFound, func(m map[string]any) { m["class_uid"] = json.Number("2001") }, "class_uid 2001 is not a class the checker knows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := valid(tt.kind)
			tt.mutate(m)
			line, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			errs := s.Check(line)
			if !slices.ContainsFunc(errs, func(e string) bool { return strings.Contains(e, tt.want) }) {
				t.Fatalf("checker errors %q, want one containing %q", errs, tt.want)
			}
		})
	}
}
