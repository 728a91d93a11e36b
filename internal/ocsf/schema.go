package ocsf

// SchemaVersion is the OCSF schema version oshim's events follow (metadata.version).
//
// The classes, attributes and enum values used here come from ocsf-schema v1.7.0
// (github.com/ocsf/ocsf-schema): events/base_event.json with includes/classification.json
// and includes/occurrence.json, events/findings/finding.json and detection_finding.json,
// events/discovery/discovery.json and device_config_state_change.json, dictionary.json,
// and the objects metadata, product, finding_info, remediation, device (endpoint),
// container, evidences, process, user, resource_details, actor and observable.
// ocsfcheck/schema/*.json holds the required attributes and enums the tests check
// every event against, with the exact sources.
//
// Both classes exist since 1.1.0; 1.7.0 is the newest release whose full definitions
// (classes, objects and dictionary together) the tests were written from.
const SchemaVersion = "1.7.0"

// ocsfClass is what an event needs of its class: identity and the one activity oshim
// reports in it.
type ocsfClass struct {
	uid          int
	name         string
	categoryUID  int
	categoryName string
	activityID   int
	activityName string
}

// typeUID is the event type: the schema defines type_uid as class_uid * 100 + activity_id.
func (c ocsfClass) typeUID() int64 { return int64(c.uid)*100 + int64(c.activityID) }

func (c ocsfClass) typeName() string { return c.name + ": " + c.activityName }

var (
	// Findings category (2), class uid 4; activity 1 "Create": a finding is reported once.
	ocsfDetectionFinding = ocsfClass{uid: 2004, name: "Detection Finding", categoryUID: 2, categoryName: "Findings", activityID: 1, activityName: "Create"}
	// Discovery category (5), class uid 19; activity 1 "Log": oshim logs the change it made.
	ocsfConfigChange = ocsfClass{uid: 5019, name: "Device Config State Change", categoryUID: 5, categoryName: "Discovery", activityID: 1, activityName: "Log"}
)

// ocsfSeverity is severity_id (dictionary.json), with its caption as the sibling.
type ocsfSeverity int

const (
	ocsfSevInformational ocsfSeverity = 1
	ocsfSevLow           ocsfSeverity = 2
	ocsfSevMedium        ocsfSeverity = 3
	ocsfSevHigh          ocsfSeverity = 4
)

func (s ocsfSeverity) caption() string {
	switch s {
	case ocsfSevInformational:
		return "Informational"
	case ocsfSevLow:
		return "Low"
	case ocsfSevMedium:
		return "Medium"
	default:
		return "High"
	}
}

// Enum values of other attributes, named by attribute, value and caption.
const (
	// status_id of a finding (finding.json): 1 "New".
	ocsfFindingStatusNew = 1
	// status_id of an event (dictionary.json): 1 "Success".
	ocsfStatusSuccess = 1
	// confidence_id: 3 "High"; oshim's detections compare sets or read an errno.
	ocsfConfidenceHigh = 3
	// state_id of Device Config State Change: 99 "Other", named in state.
	ocsfStateOther = 99
	// device.type_id 0 "Unknown": oshim does not know what kind of host it runs on.
	ocsfDeviceTypeUnknown = 0
	// user.type_id: 1 "User", 2 "Admin" (root).
	ocsfUserTypeUser  = 1
	ocsfUserTypeAdmin = 2
	// resource_details.role_id 1 "Target".
	ocsfRoleTarget = 1
	// observable.type_id: 1 "Hostname", 10 "Resource UID".
	ocsfObservableHostname    = 1
	ocsfObservableResourceUID = 10
)

// ocsfProfileContainer is the profile that adds device.container; an event that uses
// it must list it in metadata.profiles.
const ocsfProfileContainer = "container"
