package ocsf

import (
	"fmt"

	"github.com/oshim/oshim/internal/jsonwrite"
)

// line encodes the event as one JSON line. HTML characters stay as they are: the
// readers are log pipelines, not browsers. jsonwrite writes it without reflection, byte
// for byte what encoding/json writes (FuzzEvent holds the two together).
func (e *Event) line() ([]byte, error) {
	w := jsonwrite.New(2048)
	w.Open()
	w.Int("activity_id", int64(e.ActivityID))
	w.Str("activity_name", e.ActivityName)
	w.Int("category_uid", int64(e.CategoryUID))
	w.Str("category_name", e.CategoryName)
	w.Int("class_uid", int64(e.ClassUID))
	w.Str("class_name", e.ClassName)
	w.Int("type_uid", e.TypeUID)
	w.Str("type_name", e.TypeName)
	w.Int("severity_id", int64(e.SeverityID))
	w.Str("severity", e.Severity)
	w.Int("time", e.Time)
	w.Int("timezone_offset", int64(e.TimezoneOffset))
	w.Key("metadata")
	e.Metadata.encode(w)
	w.Str("message", e.Message)
	w.Int("status_id", int64(e.StatusID))
	w.Str("status", e.Status)
	w.StrOmit("status_detail", e.StatusDetail)
	if e.Device != nil {
		w.Key("device")
		e.Device.encode(w)
	}
	if len(e.Observables) > 0 {
		w.Key("observables")
		w.Array(len(e.Observables), func(i int) { e.Observables[i].encode(w) })
	}
	if e.FindingInfo != nil {
		w.Key("finding_info")
		e.FindingInfo.encode(w)
	}
	w.BoolOmit("is_alert", e.IsAlert)
	w.IntOmit("confidence_id", int64(e.ConfidenceID))
	w.StrOmit("confidence", e.Confidence)
	if len(e.Evidences) > 0 {
		w.Key("evidences")
		w.Array(len(e.Evidences), func(i int) { e.Evidences[i].encode(w) })
	}
	if len(e.Resources) > 0 {
		w.Key("resources")
		w.Array(len(e.Resources), func(i int) { e.Resources[i].encode(w) })
	}
	if e.Remediation != nil {
		w.Key("remediation")
		w.Open()
		w.Str("desc", e.Remediation.Desc)
		w.Close()
	}
	if e.Actor != nil {
		w.Key("actor")
		w.Open()
		w.Str("app_name", e.Actor.AppName)
		w.Close()
	}
	w.IntOmit("state_id", int64(e.StateID))
	w.StrOmit("state", e.State)
	if len(e.Unmapped) > 0 {
		w.Key("unmapped")
		w.AnyMap(e.Unmapped)
	}
	w.Close()
	b, err := w.Bytes()
	if err != nil {
		return nil, fmt.Errorf("encode OCSF event %s: %w", e.Metadata.UID, err)
	}
	return append(b, '\n'), nil
}

func (m *ocsfMetadata) encode(w *jsonwrite.Writer) {
	w.Open()
	w.Key("product")
	w.Open()
	w.Str("name", m.Product.Name)
	w.StrOmit("vendor_name", m.Product.VendorName)
	w.StrOmit("version", m.Product.Version)
	w.Close()
	w.Str("version", m.Version)
	w.StrOmit("uid", m.UID)
	if len(m.Profiles) > 0 {
		w.Key("profiles")
		w.Strings(m.Profiles)
	}
	w.BoolOmit("is_truncated", m.IsTruncated)
	w.Close()
}

func (d *ocsfDevice) encode(w *jsonwrite.Writer) {
	w.Open()
	w.Int("type_id", int64(d.TypeID))
	w.Str("type", d.Type)
	w.Str("hostname", d.Hostname)
	w.Str("name", d.Name)
	if d.Container != nil {
		w.Key("container")
		d.Container.encode(w)
	}
	w.Close()
}

func (c *ocsfContainer) encode(w *jsonwrite.Writer) {
	w.Open()
	w.Str("uid", c.UID)
	w.StrOmit("name", c.Name)
	w.StrOmit("pod_uuid", c.PodUUID)
	w.StrOmit("orchestrator", c.Orchestrator)
	w.Close()
}

func (o *ocsfObservable) encode(w *jsonwrite.Writer) {
	w.Open()
	w.Str("name", o.Name)
	w.Int("type_id", int64(o.TypeID))
	w.Str("type", o.Type)
	w.Str("value", o.Value)
	w.Close()
}

func (f *ocsfFindingInfo) encode(w *jsonwrite.Writer) {
	w.Open()
	w.Str("uid", f.UID)
	w.Str("title", f.Title)
	w.StrOmit("desc", f.Desc)
	if len(f.Types) > 0 {
		w.Key("types")
		w.Strings(f.Types)
	}
	w.Int("created_time", f.CreatedTime)
	w.Close()
}

func (e *ocsfEvidence) encode(w *jsonwrite.Writer) {
	w.Open()
	if e.Container != nil {
		w.Key("container")
		e.Container.encode(w)
	}
	if e.Process != nil {
		w.Key("process")
		w.Open()
		w.Str("uid", e.Process.UID)
		w.StrOmit("name", e.Process.Name)
		w.StrOmit("path", e.Process.Path)
		if e.Process.User != nil {
			w.Key("user")
			e.Process.User.encode(w)
		}
		w.Close()
	}
	if e.User != nil {
		w.Key("user")
		e.User.encode(w)
	}
	if len(e.Data) > 0 {
		w.Key("data")
		w.AnyMap(e.Data)
	}
	w.Close()
}

func (u *ocsfUser) encode(w *jsonwrite.Writer) {
	w.Open()
	w.Str("uid", u.UID)
	w.Int("type_id", int64(u.TypeID))
	w.Str("type", u.Type)
	w.Close()
}

func (r *ocsfResource) encode(w *jsonwrite.Writer) {
	w.Open()
	w.Str("uid", r.UID)
	w.StrOmit("name", r.Name)
	w.StrOmit("type", r.Type)
	w.Int("role_id", int64(r.RoleID))
	w.Str("role", r.Role)
	w.Close()
}
