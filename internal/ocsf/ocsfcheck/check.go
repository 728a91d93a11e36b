package ocsfcheck

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
)

// checker collects what is wrong with one event.
type checker struct {
	s        *Schema
	errs     []string
	profiles map[string]string // profile -> first attribute path that needs it
}

func (c *checker) fail(format string, args ...any) {
	c.errs = append(c.errs, fmt.Sprintf(format, args...))
}

// Check validates one encoded event and returns what is wrong with it, sorted; none
// means the event is valid. It checks every required attribute of the class, the base
// event and each object present; that every attribute present is defined where it
// appears; JSON types (integers are numbers without fraction, strings are strings);
// enum values and their caption siblings; at_least_one constraints; type_uid
// arithmetic; and that a profile's attribute comes with the profile in
// metadata.profiles.
func (s *Schema) Check(line []byte) []string {
	c := &checker{s: s, profiles: map[string]string{}}
	if !json.Valid(line) {
		return []string{"not valid JSON"}
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	var ev map[string]any
	if err := dec.Decode(&ev); err != nil {
		return []string{"not a JSON object: " + err.Error()}
	}
	classUID, ok := asInt(ev["class_uid"])
	if !ok {
		return []string{"class_uid is not an integer"}
	}
	attrs, ok := s.classes[int(classUID)]
	if !ok {
		return []string{fmt.Sprintf("class_uid %d is not a class the checker knows", classUID)}
	}
	c.object("", ev, attrs, nil)
	activity, aok := asInt(ev["activity_id"])
	typeUID, tok := asInt(ev["type_uid"])
	if aok && tok && typeUID != classUID*100+activity {
		c.fail("type_uid %d != class_uid %d * 100 + activity_id %d", typeUID, classUID, activity)
	}
	md, _ := ev["metadata"].(map[string]any)
	if v, _ := md["version"].(string); v != s.Version {
		c.fail("metadata.version %q, want %q", md["version"], s.Version)
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

func (c *checker) object(path string, m map[string]any, attrs map[string]attrSpec, atLeastOne []string) {
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
			c.fail("%s: not an attribute here in OCSF %s", join(k), c.s.Version)
			continue
		}
		if spec.Profile != "" {
			if _, seen := c.profiles[spec.Profile]; !seen {
				c.profiles[spec.Profile] = join(k)
			}
		}
		c.value(join(k), v, spec)
		if spec.Sibling != "" && spec.Enum != nil {
			id, isInt := asInt(v)
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

func (c *checker) value(path string, v any, spec attrSpec) {
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

func (c *checker) scalar(path string, v any, spec attrSpec) {
	t := spec.Type
	if prim, ok := c.s.types[t]; ok {
		t = prim
	}
	switch t {
	case "integer_t", "long_t":
		n, ok := asInt(v)
		switch {
		case !ok:
			c.fail("%s: want an integer (%s), got %T %v", path, spec.Type, v, v)
		case t == "integer_t" && (n < math.MinInt32 || n > math.MaxInt32):
			c.fail("%s: %d is out of integer_t's range", path, n)
		case spec.Enum != nil:
			if _, known := spec.Enum[strconv.FormatInt(n, 10)]; !known {
				c.fail("%s: %d is not one of %v", path, n, enumKeys(spec.Enum))
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
			c.fail("%s: type %q is not in schema/objects.json", path, t)
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

// asInt reports v as an integer when it is a JSON number without fraction or exponent.
func asInt(v any) (int64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	i, err := strconv.ParseInt(n.String(), 10, 64)
	return i, err == nil
}

func enumKeys(e map[string]string) []string {
	keys := make([]string, 0, len(e))
	for k := range e {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
