package ocsf

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/oshim/oshim/internal/contract"
)

// ocsfDetection is what differs between oshim's Detection Findings.
type ocsfDetection struct {
	severity           ocsfSeverity
	title, findingType string
	desc, remediation  string
	// evidence is what oshim measured, as evidences[].data.
	evidence map[string]any
}

// detectionEvent fills what both Detection Findings hold: the finding, the container as
// the affected resource, and the workload's process as evidence.
func detectionEvent(f Finding, d ocsfDetection) *Event {
	ev := newEvent(ocsfDetectionFinding, d.severity, f)
	ev.StatusID, ev.Status = ocsfFindingStatusNew, "New"
	ev.FindingInfo = &ocsfFindingInfo{
		UID: ev.Metadata.UID, Title: d.title, Desc: d.desc,
		Types: []string{d.findingType}, CreatedTime: ev.Time,
	}
	ev.IsAlert = true
	ev.ConfidenceID, ev.Confidence = ocsfConfidenceHigh, "High"
	user := ocsfWorkloadUser(f.UID)
	ev.Evidences = []ocsfEvidence{{
		Container: container(f),
		Process:   ocsfWorkloadProcess(f, user),
		User:      user,
		Data:      d.evidence,
	}}
	ev.Resources = []ocsfResource{{UID: f.ContainerID, Name: f.ContainerID, Type: "container", RoleID: ocsfRoleTarget, Role: "Target"}}
	ev.Observables = append(ev.Observables, ocsfObservable{Name: "resources.uid", TypeID: ocsfObservableResourceUID, Type: "Resource UID", Value: f.ContainerID})
	ev.Remediation = &ocsfRemediation{Desc: d.remediation}
	return ev
}

func skewEvent(f Finding) *Event {
	// Under on_skew = "repair" oshim fixes the spec itself; otherwise the container is
	// refused or starts without what it needs.
	sev := ocsfSevMedium
	if f.OnSkew == string(contract.Repair) {
		sev = ocsfSevLow
	}
	caps := strings.Join(f.Caps, ", ")
	ev := detectionEvent(f, ocsfDetection{
		severity:    sev,
		title:       "Capability skew: the orchestrator withholds capabilities the workload requires",
		findingType: "Capability Skew",
		desc:        fmt.Sprintf("The spec of container %s withholds %s, which contract %q requires for %s; on_skew = %q.", f.ContainerID, caps, f.Contract, f.Arg0, f.OnSkew),
		remediation: fmt.Sprintf("Align the orchestrator's capability list with what the workload requires: add %s to the container's capabilities (or stop dropping %s)", caps, ocsfPronoun(len(f.Caps))),
		evidence:    map[string]any{"missing_caps": f.Caps},
	})
	ev.Message = fmt.Sprintf("container %s (%s): the spec withholds %s required by contract %s (on_skew=%s)", f.ContainerID, f.Arg0, caps, f.Contract, f.OnSkew)
	return ev
}

func denialEvent(f Finding) *Event {
	detail := f.Detail
	if detail == "" {
		detail = "PR_CAPBSET_DROP failed with EPERM while CAP_SETPCAP was effective"
	}
	// The workload's supervisor fails closed on this EPERM: the container will not run.
	ev := detectionEvent(f, ocsfDetection{
		severity:    ocsfSevHigh,
		title:       "Capability operation denied by seccomp or an LSM",
		findingType: "Capability Operation Denied",
		desc:        fmt.Sprintf("In container %s (%s), oshim's init probed PR_CAPBSET_DROP while holding CAP_SETPCAP and was refused, so a seccomp filter or an LSM denies the operation the workload needs: %s", f.ContainerID, f.Arg0, detail),
		remediation: ocsfDenialRemediation(f),
		evidence:    map[string]any{"detail": detail, "seccomp_mode": f.Seccomp, "lsm_label": f.LSM},
	})
	ev.Message = fmt.Sprintf("container %s (%s): PR_CAPBSET_DROP denied although CAP_SETPCAP is effective: %s", f.ContainerID, f.Arg0, detail)
	return ev
}

// ocsfDenialRemediation names the policy to adjust, as far as the init could tell.
func ocsfDenialRemediation(f Finding) string {
	lsm := f.LSM != "" && f.LSM != "none" && !strings.Contains(f.LSM, "unconfined")
	var target string
	switch {
	case f.Seccomp == 2 && lsm:
		target = fmt.Sprintf("the container's seccomp profile (the init ran under a seccomp filter), or the LSM profile %q if the filter already allows the call,", f.LSM)
	case f.Seccomp == 2:
		target = "the container's seccomp profile (the init ran under a seccomp filter)"
	case lsm:
		target = fmt.Sprintf("the LSM profile %q confining the container", f.LSM)
	default:
		target = "the container's seccomp profile or its LSM (AppArmor/SELinux) policy"
	}
	return fmt.Sprintf("Adjust %s to allow prctl(PR_CAPBSET_DROP) (option 24) in container %s: its supervisor needs the call to clear the bounding set of its children, and fails closed without it", target, f.ContainerID)
}

// ocsfWorkloadProcess describes the workload's process by what the spec says of it:
// args[0] gives its name, and its path when it holds one.
func ocsfWorkloadProcess(f Finding, user *ocsfUser) *ocsfProcess {
	p := &ocsfProcess{UID: f.ContainerID, User: user}
	if f.Arg0 != "" {
		p.Name = path.Base(f.Arg0)
	}
	if strings.Contains(f.Arg0, "/") {
		p.Path = f.Arg0
	}
	return p
}

func ocsfWorkloadUser(uid uint32) *ocsfUser {
	if uid == 0 {
		return &ocsfUser{UID: "0", TypeID: ocsfUserTypeAdmin, Type: "Admin"}
	}
	return &ocsfUser{UID: strconv.FormatUint(uint64(uid), 10), TypeID: ocsfUserTypeUser, Type: "User"}
}
