package ocsf

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"unicode/utf8"
)

// The event's JSON is written by hand. encoding/json builds an encoder for each type by
// reflection on first use, which a fresh oshim process pays on every container start:
// more than the rest of the event. The output is byte for byte what encoding/json
// writes with SetEscapeHTML(false) (FuzzEventEncoding holds the two together), so the
// struct tags stay the schema's documentation and a reader sees no difference.

// line encodes the event as one JSON line. HTML characters stay as they are: the
// readers are log pipelines, not browsers.
func (e *Event) line() ([]byte, error) {
	w := jsonObject{b: make([]byte, 0, 2048)}
	w.open()
	w.int("activity_id", int64(e.ActivityID))
	w.str("activity_name", e.ActivityName)
	w.int("category_uid", int64(e.CategoryUID))
	w.str("category_name", e.CategoryName)
	w.int("class_uid", int64(e.ClassUID))
	w.str("class_name", e.ClassName)
	w.int("type_uid", e.TypeUID)
	w.str("type_name", e.TypeName)
	w.int("severity_id", int64(e.SeverityID))
	w.str("severity", e.Severity)
	w.int("time", e.Time)
	w.int("timezone_offset", int64(e.TimezoneOffset))
	w.key("metadata")
	e.Metadata.encode(&w)
	w.str("message", e.Message)
	w.int("status_id", int64(e.StatusID))
	w.str("status", e.Status)
	w.strOmit("status_detail", e.StatusDetail)
	if e.Device != nil {
		w.key("device")
		e.Device.encode(&w)
	}
	if len(e.Observables) > 0 {
		w.key("observables")
		w.array(len(e.Observables), func(i int) { e.Observables[i].encode(&w) })
	}
	if e.FindingInfo != nil {
		w.key("finding_info")
		e.FindingInfo.encode(&w)
	}
	w.boolOmit("is_alert", e.IsAlert)
	w.intOmit("confidence_id", int64(e.ConfidenceID))
	w.strOmit("confidence", e.Confidence)
	if len(e.Evidences) > 0 {
		w.key("evidences")
		w.array(len(e.Evidences), func(i int) { e.Evidences[i].encode(&w) })
	}
	if len(e.Resources) > 0 {
		w.key("resources")
		w.array(len(e.Resources), func(i int) { e.Resources[i].encode(&w) })
	}
	if e.Remediation != nil {
		w.key("remediation")
		w.open()
		w.str("desc", e.Remediation.Desc)
		w.close()
	}
	if e.Actor != nil {
		w.key("actor")
		w.open()
		w.str("app_name", e.Actor.AppName)
		w.close()
	}
	w.intOmit("state_id", int64(e.StateID))
	w.strOmit("state", e.State)
	if len(e.Unmapped) > 0 {
		w.key("unmapped")
		w.anyMap(e.Unmapped)
	}
	w.close()
	if w.err != nil {
		return nil, fmt.Errorf("encode OCSF event %s: %w", e.Metadata.UID, w.err)
	}
	return append(w.b, '\n'), nil
}

func (m *ocsfMetadata) encode(w *jsonObject) {
	w.open()
	w.key("product")
	w.open()
	w.str("name", m.Product.Name)
	w.strOmit("vendor_name", m.Product.VendorName)
	w.strOmit("version", m.Product.Version)
	w.close()
	w.str("version", m.Version)
	w.strOmit("uid", m.UID)
	if len(m.Profiles) > 0 {
		w.key("profiles")
		w.strings(m.Profiles)
	}
	w.boolOmit("is_truncated", m.IsTruncated)
	w.close()
}

func (d *ocsfDevice) encode(w *jsonObject) {
	w.open()
	w.int("type_id", int64(d.TypeID))
	w.str("type", d.Type)
	w.str("hostname", d.Hostname)
	w.str("name", d.Name)
	if d.Container != nil {
		w.key("container")
		d.Container.encode(w)
	}
	w.close()
}

func (c *ocsfContainer) encode(w *jsonObject) {
	w.open()
	w.str("uid", c.UID)
	w.strOmit("name", c.Name)
	w.strOmit("pod_uuid", c.PodUUID)
	w.strOmit("orchestrator", c.Orchestrator)
	w.close()
}

func (o *ocsfObservable) encode(w *jsonObject) {
	w.open()
	w.str("name", o.Name)
	w.int("type_id", int64(o.TypeID))
	w.str("type", o.Type)
	w.str("value", o.Value)
	w.close()
}

func (f *ocsfFindingInfo) encode(w *jsonObject) {
	w.open()
	w.str("uid", f.UID)
	w.str("title", f.Title)
	w.strOmit("desc", f.Desc)
	if len(f.Types) > 0 {
		w.key("types")
		w.strings(f.Types)
	}
	w.int("created_time", f.CreatedTime)
	w.close()
}

func (e *ocsfEvidence) encode(w *jsonObject) {
	w.open()
	if e.Container != nil {
		w.key("container")
		e.Container.encode(w)
	}
	if e.Process != nil {
		w.key("process")
		w.open()
		w.str("uid", e.Process.UID)
		w.strOmit("name", e.Process.Name)
		w.strOmit("path", e.Process.Path)
		if e.Process.User != nil {
			w.key("user")
			e.Process.User.encode(w)
		}
		w.close()
	}
	if e.User != nil {
		w.key("user")
		e.User.encode(w)
	}
	if len(e.Data) > 0 {
		w.key("data")
		w.anyMap(e.Data)
	}
	w.close()
}

func (u *ocsfUser) encode(w *jsonObject) {
	w.open()
	w.str("uid", u.UID)
	w.int("type_id", int64(u.TypeID))
	w.str("type", u.Type)
	w.close()
}

func (r *ocsfResource) encode(w *jsonObject) {
	w.open()
	w.str("uid", r.UID)
	w.strOmit("name", r.Name)
	w.strOmit("type", r.Type)
	w.int("role_id", int64(r.RoleID))
	w.str("role", r.Role)
	w.close()
}

// jsonObject appends JSON to b: objects, whose members it separates, and arrays.
type jsonObject struct {
	b []byte
	// first says the innermost open object or array has no member yet.
	first bool
	// err is the first value that could not be encoded.
	err error
}

func (w *jsonObject) open() { w.b, w.first = append(w.b, '{'), true }

func (w *jsonObject) close() { w.b, w.first = append(w.b, '}'), false }

// key starts a member.
func (w *jsonObject) key(k string) {
	if !w.first {
		w.b = append(w.b, ',')
	}
	w.first = false
	w.b = appendJSONString(w.b, k)
	w.b = append(w.b, ':')
}

func (w *jsonObject) str(k, v string) {
	w.key(k)
	w.b = appendJSONString(w.b, v)
}

func (w *jsonObject) strOmit(k, v string) {
	if v != "" {
		w.str(k, v)
	}
}

func (w *jsonObject) int(k string, v int64) {
	w.key(k)
	w.b = strconv.AppendInt(w.b, v, 10)
}

func (w *jsonObject) intOmit(k string, v int64) {
	if v != 0 {
		w.int(k, v)
	}
}

func (w *jsonObject) boolOmit(k string, v bool) {
	if v {
		w.key(k)
		w.b = append(w.b, "true"...)
	}
}

// array writes n elements, each by elem.
func (w *jsonObject) array(n int, elem func(i int)) {
	w.b = append(w.b, '[')
	for i := range n {
		if i > 0 {
			w.b = append(w.b, ',')
		}
		elem(i)
	}
	w.b, w.first = append(w.b, ']'), false
}

// strings writes a string array; nil is null, as encoding/json writes it.
func (w *jsonObject) strings(s []string) {
	if s == nil {
		w.b = append(w.b, "null"...)
		return
	}
	w.array(len(s), func(i int) { w.b = appendJSONString(w.b, s[i]) })
}

// anyMap writes a map as encoding/json does, its keys sorted. Values are the types
// oshim's events hold; any other goes through encoding/json.
func (w *jsonObject) anyMap(m map[string]any) {
	w.open()
	for _, k := range slices.Sorted(maps.Keys(m)) {
		w.key(k)
		switch v := m[k].(type) {
		case string:
			w.b = appendJSONString(w.b, v)
		case []string:
			w.strings(v)
		case int:
			w.b = strconv.AppendInt(w.b, int64(v), 10)
		case uint32:
			w.b = strconv.AppendUint(w.b, uint64(v), 10)
		case map[string]string:
			w.open()
			for _, k2 := range slices.Sorted(maps.Keys(v)) {
				w.str(k2, v[k2])
			}
			w.close()
		default:
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(v); err != nil && w.err == nil {
				w.err = fmt.Errorf("%s: %w", k, err)
			}
			w.b = append(w.b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
		}
	}
	w.close()
}

// appendJSONString appends s quoted as encoding/json quotes it without HTML escaping:
// invalid UTF-8 becomes U+FFFD, and U+2028 and U+2029 are escaped, which JavaScript
// readers need.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
