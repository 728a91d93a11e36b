package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The checker below validates an encoded event against testdata/ocsf-schema-*.json,
// which record what OCSF 1.7.0 requires of oshim's two classes (see the _sources in
// each file). It checks every required attribute of the class, the base event and each
// object present; that every attribute present is defined where it appears; JSON types
// (integers are numbers without fraction, strings are strings); enum values and their
// caption siblings; at_least_one constraints; type_uid arithmetic; and that a profile's
// attribute comes with the profile in metadata.profiles.

type ocsfAttrSpec struct {
	Type        string            `json:"type"`
	IsArray     bool              `json:"is_array"`
	Requirement string            `json:"requirement"`
	Sibling     string            `json:"sibling"`
	Enum        map[string]string `json:"enum"`
	Profile     string            `json:"profile"`
}

type ocsfObjectSpec struct {
	Attributes map[string]ocsfAttrSpec `json:"attributes"`
	AtLeastOne []string                `json:"at_least_one"`
}

type ocsfClassFile struct {
	Version    string                  `json:"version"`
	Name       string                  `json:"name"`
	Extends    string                  `json:"extends"`
	Attributes map[string]ocsfAttrSpec `json:"attributes"`
}

type ocsfTestSchema struct {
	version string
	classes map[int]map[string]ocsfAttrSpec
	objects map[string]ocsfObjectSpec
	types   map[string]string
}

var ocsfSchemaOnce = sync.OnceValues(loadOCSFTestSchema)

func ocsfSchemaForTest(t testing.TB) *ocsfTestSchema {
	t.Helper()
	s, err := ocsfSchemaOnce()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func loadOCSFTestSchema() (*ocsfTestSchema, error) {
	read := func(name string, v any) error {
		b, err := os.ReadFile(filepath.Join("testdata", "ocsf-schema-"+name+".json"))
		if err != nil {
			return err
		}
		// The files document themselves in _about and _sources; the rest must decode
		// strictly, so a misspelled key in the testdata cannot go unnoticed.
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(b, &raw); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		delete(raw, "_about")
		delete(raw, "_sources")
		clean, err := json.Marshal(raw)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		dec := json.NewDecoder(bytes.NewReader(clean))
		dec.DisallowUnknownFields()
		if err := dec.Decode(v); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		return nil
	}
	var base ocsfClassFile
	if err := read("base_event", &base); err != nil {
		return nil, err
	}
	var objs struct {
		Version string                    `json:"version"`
		Types   map[string]string         `json:"types"`
		Objects map[string]ocsfObjectSpec `json:"objects"`
	}
	if err := read("objects", &objs); err != nil {
		return nil, err
	}
	s := &ocsfTestSchema{version: base.Version, classes: map[int]map[string]ocsfAttrSpec{}, objects: objs.Objects, types: objs.Types}
	for _, name := range []string{"detection_finding", "device_config_state_change"} {
		var c ocsfClassFile
		if err := read(name, &c); err != nil {
			return nil, err
		}
		if c.Extends != "base_event" || c.Version != base.Version || objs.Version != base.Version {
			return nil, fmt.Errorf("%s: extends %q at version %q, want base_event at %q", name, c.Extends, c.Version, base.Version)
		}
		attrs := map[string]ocsfAttrSpec{}
		for k, v := range base.Attributes {
			attrs[k] = v
		}
		// A class refines inherited attributes field by field, as the schema's "extends" does.
		for k, v := range c.Attributes {
			a := attrs[k]
			if v.Type != "" {
				a.Type, a.IsArray = v.Type, v.IsArray
			}
			if v.Requirement != "" {
				a.Requirement = v.Requirement
			}
			if v.Sibling != "" {
				a.Sibling = v.Sibling
			}
			if v.Enum != nil {
				a.Enum = v.Enum
			}
			attrs[k] = a
		}
		if len(attrs["class_uid"].Enum) != 1 {
			return nil, fmt.Errorf("%s: class_uid must have exactly one value", name)
		}
		for k := range attrs["class_uid"].Enum {
			uid, err := strconv.Atoi(k)
			if err != nil {
				return nil, fmt.Errorf("%s: class_uid %q: %w", name, k, err)
			}
			s.classes[uid] = attrs
		}
	}
	return s, nil
}

type ocsfChecker struct {
	s        *ocsfTestSchema
	errs     []string
	profiles map[string]string // profile -> first attribute path that needs it
}

func (c *ocsfChecker) fail(format string, args ...any) {
	c.errs = append(c.errs, fmt.Sprintf(format, args...))
}

// check validates one encoded event and returns what is wrong with it, sorted.
func (s *ocsfTestSchema) check(line []byte) []string {
	c := &ocsfChecker{s: s, profiles: map[string]string{}}
	if !json.Valid(line) {
		return []string{"not valid JSON"}
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	var ev map[string]any
	if err := dec.Decode(&ev); err != nil {
		return []string{"not a JSON object: " + err.Error()}
	}
	classUID, ok := ocsfInt(ev["class_uid"])
	if !ok {
		return []string{"class_uid is not an integer"}
	}
	attrs, ok := s.classes[int(classUID)]
	if !ok {
		return []string{fmt.Sprintf("class_uid %d is not a class the tests know", classUID)}
	}
	c.object("", ev, attrs, nil)
	activity, aok := ocsfInt(ev["activity_id"])
	typeUID, tok := ocsfInt(ev["type_uid"])
	if aok && tok && typeUID != classUID*100+activity {
		c.fail("type_uid %d != class_uid %d * 100 + activity_id %d", typeUID, classUID, activity)
	}
	md, _ := ev["metadata"].(map[string]any)
	if v, _ := md["version"].(string); v != s.version {
		c.fail("metadata.version %q, want %q", md["version"], s.version)
	}
	var listed []string
	if ps, ok := md["profiles"].([]any); ok {
		for _, p := range ps {
			if p, ok := p.(string); ok {
				listed = append(listed, p)
			}
		}
	}
	for p, at := range c.profiles {
		if !slices.Contains(listed, p) {
			c.fail("%s needs profile %q in metadata.profiles %v", at, p, listed)
		}
	}
	sort.Strings(c.errs)
	return c.errs
}

func (c *ocsfChecker) object(path string, m map[string]any, attrs map[string]ocsfAttrSpec, atLeastOne []string) {
	join := func(k string) string {
		if path == "" {
			return k
		}
		return path + "." + k
	}
	for name, spec := range attrs {
		if v, ok := m[name]; spec.Requirement == "required" && (!ok || v == nil) {
			c.fail("%s: required attribute missing", join(name))
		}
	}
	for k, v := range m {
		spec, ok := attrs[k]
		if !ok {
			c.fail("%s: not an attribute here in OCSF %s", join(k), c.s.version)
			continue
		}
		if spec.Profile != "" {
			if _, seen := c.profiles[spec.Profile]; !seen {
				c.profiles[spec.Profile] = join(k)
			}
		}
		c.value(join(k), v, spec)
		if spec.Sibling != "" && spec.Enum != nil {
			id, isInt := ocsfInt(v)
			label, hasLabel := m[spec.Sibling]
			want, known := spec.Enum[strconv.FormatInt(id, 10)]
			if isInt && hasLabel && known && id != 99 && label != want {
				c.fail("%s = %v but %s = %q, want %q", join(k), id, join(spec.Sibling), label, want)
			}
		}
	}
	if len(atLeastOne) > 0 && !slices.ContainsFunc(atLeastOne, func(k string) bool { return m[k] != nil }) {
		c.fail("%s: needs at least one of %v", path, atLeastOne)
	}
}

func (c *ocsfChecker) value(path string, v any, spec ocsfAttrSpec) {
	if !spec.IsArray {
		c.scalar(path, v, spec)
		return
	}
	arr, ok := v.([]any)
	if !ok {
		c.fail("%s: want an array, got %T", path, v)
		return
	}
	for i, e := range arr {
		c.scalar(fmt.Sprintf("%s[%d]", path, i), e, spec)
	}
}

func (c *ocsfChecker) scalar(path string, v any, spec ocsfAttrSpec) {
	t := spec.Type
	if prim, ok := c.s.types[t]; ok {
		t = prim
	}
	switch t {
	case "integer_t", "long_t":
		n, ok := ocsfInt(v)
		switch {
		case !ok:
			c.fail("%s: want an integer (%s), got %T %v", path, spec.Type, v, v)
		case t == "integer_t" && (n < math.MinInt32 || n > math.MaxInt32):
			c.fail("%s: %d is out of integer_t's range", path, n)
		case spec.Enum != nil:
			if _, known := spec.Enum[strconv.FormatInt(n, 10)]; !known {
				c.fail("%s: %d is not one of %v", path, n, ocsfEnumKeys(spec.Enum))
			}
		}
	case "string_t":
		if _, ok := v.(string); !ok {
			c.fail("%s: want a string (%s), got %T", path, spec.Type, v)
		}
	case "boolean_t":
		if _, ok := v.(bool); !ok {
			c.fail("%s: want a boolean, got %T", path, v)
		}
	case "json_t":
	case "object":
		if _, ok := v.(map[string]any); !ok {
			c.fail("%s: want an object, got %T", path, v)
		}
	default:
		obj, known := c.s.objects[t]
		if !known {
			c.fail("%s: type %q is not in testdata/ocsf-schema-objects.json", path, t)
			return
		}
		m, ok := v.(map[string]any)
		if !ok {
			c.fail("%s: want a %s object, got %T", path, t, v)
			return
		}
		c.object(path, m, obj.Attributes, obj.AtLeastOne)
	}
}

// ocsfInt reports v as an integer when it is a JSON number without fraction or exponent.
func ocsfInt(v any) (int64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	i, err := strconv.ParseInt(n.String(), 10, 64)
	return i, err == nil
}

func ocsfEnumKeys(e map[string]string) []string {
	keys := make([]string, 0, len(e))
	for k := range e {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
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
	}
}

func TestOCSFEventsMatchSchema(t *testing.T) {
	s := ocsfSchemaForTest(t)
	for name, f := range ocsfTestFindings() {
		t.Run(name, func(t *testing.T) {
			ev, err := Event(f, OshimProduct("1.2.3"))
			if err != nil {
				t.Fatal(err)
			}
			line, err := ev.line()
			if err != nil {
				t.Fatal(err)
			}
			if errs := s.check(line); len(errs) > 0 {
				t.Fatalf("event does not match OCSF %s:\n  %s\nevent: %s", s.version, strings.Join(errs, "\n  "), line)
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
		ev, err := Event(f, OshimProduct("1.2.3"))
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
		{"unknown class", SkewFound, func(m map[string]any) { m["class_uid"] = json.Number("2001") }, "class_uid 2001 is not a class the tests know"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := valid(tt.kind)
			tt.mutate(m)
			line, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			errs := s.check(line)
			if !slices.ContainsFunc(errs, func(e string) bool { return strings.Contains(e, tt.want) }) {
				t.Fatalf("checker errors %q, want one containing %q", errs, tt.want)
			}
		})
	}
}
