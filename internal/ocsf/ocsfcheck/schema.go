// Package ocsfcheck validates encoded OCSF events against what OCSF 1.7.0 requires of
// the classes oshim writes (Detection Finding 2004, Device Config State Change 5019).
// It is for tests: report's unit tests and the end-to-end tests check every event
// oshim writes with it, so an event that a SIEM would reject fails a test.
//
// schema/*.json record the required attributes, types and enums of the base event, the
// two classes and the objects oshim uses, with their exact sources (_sources).
package ocsfcheck

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"path"
	"strconv"
)

//go:embed schema/*.json
var schemaFiles embed.FS

// attrSpec is one attribute's definition.
type attrSpec struct {
	Type        string            `json:"type"`
	IsArray     bool              `json:"is_array"`
	Requirement string            `json:"requirement"`
	Sibling     string            `json:"sibling"`
	Enum        map[string]string `json:"enum"`
	Profile     string            `json:"profile"`
}

type objectSpec struct {
	Attributes map[string]attrSpec `json:"attributes"`
	AtLeastOne []string            `json:"at_least_one"`
}

type classFile struct {
	Version    string              `json:"version"`
	Name       string              `json:"name"`
	Extends    string              `json:"extends"`
	Attributes map[string]attrSpec `json:"attributes"`
}

// Schema is the part of OCSF the checker knows.
type Schema struct {
	// Version is the OCSF version the files describe; events must carry it in
	// metadata.version.
	Version string
	classes map[int]map[string]attrSpec
	objects map[string]objectSpec
	types   map[string]string
}

// Load reads the embedded schema files.
func Load() (*Schema, error) {
	var base classFile
	if err := readSchema("base_event", &base); err != nil {
		return nil, err
	}
	var objs struct {
		Version string                `json:"version"`
		Types   map[string]string     `json:"types"`
		Objects map[string]objectSpec `json:"objects"`
	}
	if err := readSchema("objects", &objs); err != nil {
		return nil, err
	}
	s := &Schema{Version: base.Version, classes: map[int]map[string]attrSpec{}, objects: objs.Objects, types: objs.Types}
	for _, name := range []string{"detection_finding", "device_config_state_change"} {
		var c classFile
		if err := readSchema(name, &c); err != nil {
			return nil, err
		}
		if c.Extends != "base_event" || c.Version != base.Version || objs.Version != base.Version {
			return nil, fmt.Errorf("%s: extends %q at version %q, want base_event at %q", name, c.Extends, c.Version, base.Version)
		}
		attrs := map[string]attrSpec{}
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

// readSchema decodes schema/NAME.json into v. The files document themselves in _about
// and _sources; the rest must decode strictly, so a misspelled key cannot go unnoticed.
func readSchema(name string, v any) error {
	b, err := schemaFiles.ReadFile(path.Join("schema", name+".json"))
	if err != nil {
		return fmt.Errorf("read OCSF schema %s: %w", name, err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("OCSF schema %s: %w", name, err)
	}
	delete(raw, "_about")
	delete(raw, "_sources")
	clean, err := json.Marshal(raw)
	if err != nil {
		return fmt.Errorf("OCSF schema %s: %w", name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(clean))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("OCSF schema %s: %w", name, err)
	}
	return nil
}
