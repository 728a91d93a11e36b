package ocsf

// The OCSF objects oshim's events hold, with the attribute names of ocsf-schema 1.7.0.
// Integers stay Go integers so they encode as JSON numbers, never as strings. Only
// attributes oshim fills exist here; empty optional ones are omitted.

type ocsfMetadata struct {
	Product     ocsfProduct `json:"product"`
	Version     string      `json:"version"`
	UID         string      `json:"uid,omitempty"`
	Profiles    []string    `json:"profiles,omitempty"`
	IsTruncated bool        `json:"is_truncated,omitempty"`
}

type ocsfProduct struct {
	Name       string `json:"name"`
	VendorName string `json:"vendor_name,omitempty"`
	Version    string `json:"version,omitempty"`
}

type ocsfFindingInfo struct {
	UID         string   `json:"uid"`
	Title       string   `json:"title"`
	Desc        string   `json:"desc,omitempty"`
	Types       []string `json:"types,omitempty"`
	CreatedTime int64    `json:"created_time"`
}

type ocsfRemediation struct {
	Desc string `json:"desc"`
}

type ocsfDevice struct {
	TypeID   int    `json:"type_id"`
	Type     string `json:"type"`
	Hostname string `json:"hostname"`
	Name     string `json:"name"`
	// Container comes with the container profile (metadata.profiles).
	Container *ocsfContainer `json:"container,omitempty"`
}

type ocsfContainer struct {
	UID          string `json:"uid"`
	Name         string `json:"name,omitempty"`
	PodUUID      string `json:"pod_uuid,omitempty"`
	Orchestrator string `json:"orchestrator,omitempty"`
}

type ocsfEvidence struct {
	Container *ocsfContainer `json:"container,omitempty"`
	Process   *ocsfProcess   `json:"process,omitempty"`
	User      *ocsfUser      `json:"user,omitempty"`
	Data      map[string]any `json:"data,omitempty"`
}

type ocsfProcess struct {
	// UID is the producer's id for the process: oshim knows the container's main
	// process by its container, long before it has a pid.
	UID  string    `json:"uid"`
	Name string    `json:"name,omitempty"`
	Path string    `json:"path,omitempty"`
	User *ocsfUser `json:"user,omitempty"`
}

type ocsfUser struct {
	UID    string `json:"uid"`
	TypeID int    `json:"type_id"`
	Type   string `json:"type"`
}

type ocsfResource struct {
	UID    string `json:"uid"`
	Name   string `json:"name,omitempty"`
	Type   string `json:"type,omitempty"`
	RoleID int    `json:"role_id"`
	Role   string `json:"role"`
}

type ocsfActor struct {
	AppName string `json:"app_name"`
}

type ocsfObservable struct {
	Name   string `json:"name"`
	TypeID int    `json:"type_id"`
	Type   string `json:"type"`
	Value  string `json:"value"`
}
