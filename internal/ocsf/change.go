package ocsf

import (
	"fmt"
	"strings"
)

// changeEvent reports a change oshim made to the spec as a Device Config State Change
// of the host, with the container in device.container.
func changeEvent(f Finding) *Event {
	caps := strings.Join(f.Caps, ", ")
	// A repair grants the workload more than the orchestrator asked for; a loan lasts
	// only until the init drops it.
	sev, state := ocsfSevLow, "Capabilities granted"
	msg := fmt.Sprintf("container %s (%s): oshim granted %s in the spec (contract %s)", f.ContainerID, f.Arg0, caps, f.Contract)
	if f.Kind == CapsLent {
		sev, state = ocsfSevInformational, "Capabilities lent to init"
		msg = fmt.Sprintf("container %s (%s): oshim lent %s to its in-container init, which drops %s before the workload runs (contract %s)", f.ContainerID, f.Arg0, caps, ocsfPronoun(len(f.Caps)), f.Contract)
	}
	ev := newEvent(ocsfConfigChange, sev, f)
	ev.Message = msg
	ev.StatusID, ev.Status = ocsfStatusSuccess, "Success"
	ev.StatusDetail = f.Detail
	ev.Device.Container = container(f)
	ev.Metadata.Profiles = []string{ocsfProfileContainer}
	ev.Actor = &ocsfActor{AppName: "oshim"}
	ev.StateID, ev.State = ocsfStateOther, state
	ev.Unmapped["caps"] = f.Caps
	return ev
}
