package ocsf

import (
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/oshim/oshim/internal/digest"
	"github.com/oshim/oshim/internal/podinfo"
)

// Event is one OCSF event: a Detection Finding (class 2004) or a Device Config State
// Change (class 5019). Attributes the event's class does not define stay empty and are
// omitted; the required ones of both classes and the base event are always written.
type Event struct {
	// Classification and occurrence, required by the base event.
	ActivityID     int          `json:"activity_id"`
	ActivityName   string       `json:"activity_name"`
	CategoryUID    int          `json:"category_uid"`
	CategoryName   string       `json:"category_name"`
	ClassUID       int          `json:"class_uid"`
	ClassName      string       `json:"class_name"`
	TypeUID        int64        `json:"type_uid"`
	TypeName       string       `json:"type_name"`
	SeverityID     ocsfSeverity `json:"severity_id"`
	Severity       string       `json:"severity"`
	Time           int64        `json:"time"`
	TimezoneOffset int          `json:"timezone_offset"`
	Metadata       ocsfMetadata `json:"metadata"`

	Message      string           `json:"message"`
	StatusID     int              `json:"status_id"`
	Status       string           `json:"status"`
	StatusDetail string           `json:"status_detail,omitempty"`
	Device       *ocsfDevice      `json:"device,omitempty"`
	Observables  []ocsfObservable `json:"observables,omitempty"`

	// Detection Finding.
	FindingInfo  *ocsfFindingInfo `json:"finding_info,omitempty"`
	IsAlert      bool             `json:"is_alert,omitempty"`
	ConfidenceID int              `json:"confidence_id,omitempty"`
	Confidence   string           `json:"confidence,omitempty"`
	Evidences    []ocsfEvidence   `json:"evidences,omitempty"`
	Resources    []ocsfResource   `json:"resources,omitempty"`
	Remediation  *ocsfRemediation `json:"remediation,omitempty"`

	// Device Config State Change.
	Actor   *ocsfActor `json:"actor,omitempty"`
	StateID int        `json:"state_id,omitempty"`
	State   string     `json:"state,omitempty"`

	// Unmapped holds oshim's own fields that no OCSF attribute covers, such as the
	// contract's name and on_skew mode.
	Unmapped map[string]any `json:"unmapped,omitempty"`
}

// ProductInfo names the product that reports the events (metadata.product).
type ProductInfo struct {
	Name       string
	VendorName string
	Version    string
}

// OshimProduct returns oshim's own product record at the given version.
func OshimProduct(version string) ProductInfo {
	return ProductInfo{Name: "oshim", VendorName: "oshim", Version: version}
}

// Event builds the OCSF event for a finding: a Detection Finding for SkewFound and
// ProbeDenied, a Device Config State Change for SpecRepaired and CapsLent. Free-text
// fields longer than 4 KiB are cut, and the event then says so (metadata.is_truncated).
func Build(f Finding, p ProductInfo) (*Event, error) {
	if p.Name == "" {
		return nil, errors.New("product has no name")
	}
	if err := f.validate(); err != nil {
		return nil, err
	}
	if f.Host == "" {
		h, err := os.Hostname()
		if err != nil {
			return nil, fmt.Errorf("read hostname: %w", err)
		}
		f.Host = h
	}
	f, truncated := f.clipped()
	var ev *Event
	switch f.Kind {
	case SkewFound:
		ev = skewEvent(f)
	case ProbeDenied:
		ev = denialEvent(f)
	default: // SpecRepaired, CapsLent: validate accepts no other kind
		ev = changeEvent(f)
	}
	ev.Metadata.Product = ocsfProduct{Name: p.Name, VendorName: p.VendorName, Version: p.Version}
	ev.Metadata.IsTruncated = truncated
	return ev, nil
}

// newEvent fills what every event holds.
func newEvent(c ocsfClass, sev ocsfSeverity, f Finding) *Event {
	_, offset := f.Time.Zone()
	return &Event{
		ActivityID: c.activityID, ActivityName: c.activityName,
		CategoryUID: c.categoryUID, CategoryName: c.categoryName,
		ClassUID: c.uid, ClassName: c.name,
		TypeUID: c.typeUID(), TypeName: c.typeName(),
		SeverityID: sev, Severity: sev.caption(),
		Time: f.Time.UnixMilli(), TimezoneOffset: offset / 60,
		Metadata: ocsfMetadata{Version: SchemaVersion, UID: f.uid()},
		Device:   &ocsfDevice{TypeID: ocsfDeviceTypeUnknown, Type: "Unknown", Hostname: f.Host, Name: f.Host},
		Observables: []ocsfObservable{
			{Name: "device.hostname", TypeID: ocsfObservableHostname, Type: "Hostname", Value: f.Host},
		},
		Unmapped: map[string]any{
			"oshim_kind": string(f.Kind),
			"contract":   f.Contract,
			"on_skew":    f.OnSkew,
			"bundle":     f.Bundle,
			"arg0":       f.Arg0,
			"uid":        f.UID,
			"pod":        podUnmapped(f.Pod),
		},
	}
}

// podUnmapped is the pod's namespace, name and uid and the image, which no attribute of
// OCSF's container object holds, or a sentence saying the engine passed none.
func podUnmapped(p podinfo.Info) any {
	if !p.Known() {
		return podinfo.None
	}
	return map[string]string{"namespace": p.Namespace, "name": p.Pod, "uid": p.PodUID, "container": p.Container, "image": p.Image}
}

// container is the OCSF container object: oshim's id for it, and where the engine
// passed them its name, its pod's uid and its orchestrator.
func container(f Finding) *ocsfContainer {
	c := &ocsfContainer{UID: f.ContainerID, Name: f.Pod.Container}
	if isUUID(f.Pod.PodUID) {
		c.PodUUID = f.Pod.PodUID
	}
	if f.Pod.Namespace != "" {
		c.Orchestrator = "Kubernetes"
	}
	return c
}

// isUUID says whether s is a UUID as OCSF's uuid_t wants it (8-4-4-4-12 hex digits).
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if r != '-' {
				return false
			}
		case !strings.ContainsRune("0123456789abcdefABCDEF", r):
			return false
		}
	}
	return true
}

// uid identifies a finding: the same finding always hashes the same, two findings
// differ in kind, container, time, capabilities or detail.
func (f Finding) uid() string {
	var b []byte
	for _, s := range []string{string(f.Kind), f.ContainerID, f.Time.UTC().Format("2006-01-02T15:04:05.999999999"), strings.Join(f.Caps, ","), f.Detail} {
		b = append(append(b, s...), 0)
	}
	sum := digest.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

func ocsfPronoun(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}
