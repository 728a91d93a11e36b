package ocsf

import (
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestOCSFEventByKind(t *testing.T) {
	findings := ocsfTestFindings()
	tests := []struct {
		name        string
		finding     string
		class       int
		category    int
		typeUID     int64
		severity    ocsfSeverity
		status      string
		message     string
		remediation string
		types       []string
		state       string
		evidence    map[string]any
	}{
		{
			name: "skew under repair is a low Detection Finding", finding: "skew under repair",
			class: 2004, category: 2, typeUID: 200401, severity: ocsfSevLow, status: "New",
			message:     "container c0ffee (/opt/openshell/bin/openshell-sandbox): the spec withholds CAP_SETPCAP required by contract supervisor (on_skew=repair)",
			remediation: "Align the orchestrator's capability list with what the workload requires: add CAP_SETPCAP to the container's capabilities (or stop dropping it)",
			types:       []string{"Capability Skew"},
			evidence:    map[string]any{"missing_caps": []string{"CAP_SETPCAP"}},
		},
		{
			name: "skew under deny is a medium Detection Finding", finding: "skew under deny, non-root, two caps",
			class: 2004, category: 2, typeUID: 200401, severity: ocsfSevMedium, status: "New",
			message:     "the spec withholds CAP_SETPCAP, CAP_NET_ADMIN required by contract supervisor (on_skew=deny)",
			remediation: "Align the orchestrator's capability list with what the workload requires: add CAP_SETPCAP, CAP_NET_ADMIN to the container's capabilities (or stop dropping them)",
			types:       []string{"Capability Skew"},
			evidence:    map[string]any{"missing_caps": []string{"CAP_SETPCAP", "CAP_NET_ADMIN"}},
		},
		{
			name: "probe denial is a high Detection Finding naming seccomp", finding: "denial under seccomp",
			class: 2004, category: 2, typeUID: 200401, severity: ocsfSevHigh, status: "New",
			message:     "PR_CAPBSET_DROP denied although CAP_SETPCAP is effective: PR_CAPBSET_DROP EPERM under seccomp (Seccomp: 2, NoNewPrivs: 1)",
			remediation: "Adjust the container's seccomp profile (the init ran under a seccomp filter) to allow prctl(PR_CAPBSET_DROP)",
			types:       []string{"Capability Operation Denied"},
			evidence:    map[string]any{"detail": "PR_CAPBSET_DROP EPERM under seccomp (Seccomp: 2, NoNewPrivs: 1)", "seccomp_mode": 2, "lsm_label": "none"},
		},
		{
			name: "repair is a low Device Config State Change", finding: "repair",
			class: 5019, category: 5, typeUID: 501901, severity: ocsfSevLow, status: "Success",
			message: "container c0ffee (/opt/openshell/bin/openshell-sandbox): oshim granted CAP_SETPCAP in the spec (contract supervisor)",
			state:   "Capabilities granted",
		},
		{
			name: "a loan is an informational Device Config State Change", finding: "caps lent",
			class: 5019, category: 5, typeUID: 501901, severity: ocsfSevInformational, status: "Success",
			message: "oshim lent CAP_SETPCAP to its in-container init, which drops it before the workload runs (contract supervisor)",
			state:   "Capabilities lent to init",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := findings[tt.finding]
			ev, err := Build(f, OshimProduct("1.2.3"))
			if err != nil {
				t.Fatal(err)
			}
			if ev.ClassUID != tt.class || ev.CategoryUID != tt.category || ev.TypeUID != tt.typeUID {
				t.Errorf("class %d category %d type_uid %d, want %d %d %d", ev.ClassUID, ev.CategoryUID, ev.TypeUID, tt.class, tt.category, tt.typeUID)
			}
			if ev.SeverityID != tt.severity || ev.Status != tt.status {
				t.Errorf("severity %d status %q, want %d %q", ev.SeverityID, ev.Status, tt.severity, tt.status)
			}
			if !strings.Contains(ev.Message, tt.message) {
				t.Errorf("message %q, want it to contain %q", ev.Message, tt.message)
			}
			if ev.Time != f.Time.UnixMilli() || ev.Metadata.Version != SchemaVersion {
				t.Errorf("time %d version %q", ev.Time, ev.Metadata.Version)
			}
			if want := (ocsfProduct{Name: "oshim", VendorName: "oshim", Version: "1.2.3"}); ev.Metadata.Product != want {
				t.Errorf("product %+v, want %+v", ev.Metadata.Product, want)
			}
			if ev.Device == nil || ev.Device.Hostname != "node-1" {
				t.Errorf("device %+v, want hostname node-1", ev.Device)
			}
			if ev.Unmapped["contract"] != "supervisor" || ev.Unmapped["oshim_kind"] != string(f.Kind) || ev.Unmapped["arg0"] != f.Arg0 {
				t.Errorf("unmapped %v", ev.Unmapped)
			}
			if tt.class == 2004 {
				checkOCSFDetection(t, ev, f, tt.remediation, tt.types, tt.evidence)
				return
			}
			if ev.State != tt.state || ev.StateID != ocsfStateOther || ev.FindingInfo != nil || ev.Remediation != nil {
				t.Errorf("state %d %q finding_info %v remediation %v", ev.StateID, ev.State, ev.FindingInfo, ev.Remediation)
			}
			if ev.Device.Container == nil || ev.Device.Container.UID != f.ContainerID || !reflect.DeepEqual(ev.Metadata.Profiles, []string{"container"}) {
				t.Errorf("device.container %+v profiles %v", ev.Device.Container, ev.Metadata.Profiles)
			}
			if !reflect.DeepEqual(ev.Unmapped["caps"], f.Caps) || ev.StatusDetail != f.Detail {
				t.Errorf("unmapped caps %v status_detail %q", ev.Unmapped["caps"], ev.StatusDetail)
			}
		})
	}
}

func checkOCSFDetection(t *testing.T, ev *Event, f Finding, remediation string, types []string, evidence map[string]any) {
	t.Helper()
	fi := ev.FindingInfo
	if fi == nil || fi.UID == "" || fi.UID != ev.Metadata.UID || !reflect.DeepEqual(fi.Types, types) || fi.CreatedTime != ev.Time {
		t.Fatalf("finding_info %+v, want uid, types %v", fi, types)
	}
	if ev.Remediation == nil || !strings.HasPrefix(ev.Remediation.Desc, remediation) {
		t.Errorf("remediation %+v, want it to start %q", ev.Remediation, remediation)
	}
	if !ev.IsAlert || ev.ConfidenceID != ocsfConfidenceHigh {
		t.Errorf("is_alert %v confidence_id %d", ev.IsAlert, ev.ConfidenceID)
	}
	if len(ev.Evidences) != 1 || len(ev.Resources) != 1 {
		t.Fatalf("evidences %+v resources %+v", ev.Evidences, ev.Resources)
	}
	e := ev.Evidences[0]
	if e.Container.UID != f.ContainerID || e.Process.Path != f.Arg0 || e.Process.Name != "openshell-sandbox" || e.User != e.Process.User {
		t.Errorf("evidence container %+v process %+v", e.Container, e.Process)
	}
	if !reflect.DeepEqual(e.Data, evidence) {
		t.Errorf("evidence data %v, want %v", e.Data, evidence)
	}
	wantUser := ocsfUser{UID: "0", TypeID: ocsfUserTypeAdmin, Type: "Admin"}
	if f.UID != 0 {
		wantUser = ocsfUser{UID: "1000", TypeID: ocsfUserTypeUser, Type: "User"}
	}
	if *e.User != wantUser {
		t.Errorf("user %+v, want %+v", *e.User, wantUser)
	}
	if r := ev.Resources[0]; r.UID != f.ContainerID || r.RoleID != ocsfRoleTarget {
		t.Errorf("resource %+v", r)
	}
}

func TestOCSFEventRejects(t *testing.T) {
	good := ocsfTestFindings()["skew under repair"]
	tests := []struct {
		name    string
		mod     func(f *Finding, p *ProductInfo)
		wantErr string
	}{
		{"unknown kind", func(f *Finding, _ *ProductInfo) { f.Kind = "skew" }, `unknown finding kind "skew"`},
		{"no container id", func(f *Finding, _ *ProductInfo) { f.ContainerID = "" }, "no container id"},
		{"no time", func(f *Finding, _ *ProductInfo) { f.Time = time.Time{} }, "no time"},
		{"skew without caps", func(f *Finding, _ *ProductInfo) { f.Caps = nil }, "names no capabilities"},
		{"loan without caps", func(f *Finding, _ *ProductInfo) { f.Kind, f.Caps = CapsLent, nil }, "names no capabilities"},
		{"product without a name", func(_ *Finding, p *ProductInfo) { p.Name = "" }, "product has no name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, p := good, OshimProduct("1")
			tt.mod(&f, &p)
			ev, err := Build(f, p)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Event() = %v, %v; want error containing %q", ev, err, tt.wantErr)
			}
		})
	}
}

func TestOCSFFindingUID(t *testing.T) {
	base := ocsfTestFindings()["skew under repair"]
	a, err := Build(base, OshimProduct("1"))
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Build(base, OshimProduct("2"))
	if a.FindingInfo.UID != again.FindingInfo.UID {
		t.Fatalf("same finding, uids %s and %s", a.FindingInfo.UID, again.FindingInfo.UID)
	}
	changes := map[string]func(f *Finding){
		"kind":      func(f *Finding) { f.Kind = ProbeDenied },
		"container": func(f *Finding) { f.ContainerID = "other" },
		"time":      func(f *Finding) { f.Time = f.Time.Add(time.Nanosecond) },
		"caps":      func(f *Finding) { f.Caps = []string{"CAP_SYS_ADMIN"} },
		"detail":    func(f *Finding) { f.Detail = "again" },
	}
	for name, mod := range changes {
		t.Run(name, func(t *testing.T) {
			f := base
			mod(&f)
			b, err := Build(f, OshimProduct("1"))
			if err != nil {
				t.Fatal(err)
			}
			if b.Metadata.UID == a.Metadata.UID {
				t.Fatalf("a different %s kept uid %s", name, a.Metadata.UID)
			}
		})
	}
}

func TestOCSFEventClipsLongFields(t *testing.T) {
	f := ocsfTestFindings()["repair"]
	f.Detail = strings.Repeat("é", 3000)                    // 6000 bytes of 2-byte runes
	f.Arg0 = "/bin/" + strings.Repeat("\xff", ocsfMaxField) // invalid UTF-8 is cut anywhere
	f.Caps = make([]string, ocsfMaxCaps+5)
	for i := range f.Caps {
		f.Caps[i] = "CAP_SETPCAP"
	}
	caps := f.Caps
	ev, err := Build(f, OshimProduct("1"))
	if err != nil {
		t.Fatal(err)
	}
	if !ev.Metadata.IsTruncated {
		t.Error("is_truncated not set")
	}
	if len(ev.StatusDetail) > ocsfMaxField || !utf8.ValidString(ev.StatusDetail) || !strings.HasPrefix(f.Detail, ev.StatusDetail) {
		t.Errorf("status_detail of %d bytes, valid UTF-8 %v", len(ev.StatusDetail), utf8.ValidString(ev.StatusDetail))
	}
	if got := ev.Unmapped["arg0"].(string); len(got) != ocsfMaxField {
		t.Errorf("arg0 of %d bytes, want %d", len(got), ocsfMaxField)
	}
	if got := ev.Unmapped["caps"].([]string); len(got) != ocsfMaxCaps || len(caps) != ocsfMaxCaps+5 {
		t.Errorf("%d caps in the event, %d in the finding", len(got), len(caps))
	}

	short, err := Build(ocsfTestFindings()["repair"], OshimProduct("1"))
	if err != nil {
		t.Fatal(err)
	}
	if short.Metadata.IsTruncated {
		t.Error("is_truncated set on an event with short fields")
	}
}

func TestOCSFEventAsksForTheHostname(t *testing.T) {
	want, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	f := ocsfTestFindings()["caps lent"]
	f.Host = ""
	ev, err := Build(f, OshimProduct("1"))
	if err != nil {
		t.Fatal(err)
	}
	if ev.Device.Hostname != want || ev.Observables[0].Value != want {
		t.Fatalf("device %+v observables %+v, want hostname %q", ev.Device, ev.Observables, want)
	}
}

func TestOCSFDenialRemediation(t *testing.T) {
	tests := []struct {
		name    string
		seccomp int
		lsm     string
		want    string
	}{
		{"seccomp filter, no LSM", 2, "none", "Adjust the container's seccomp profile (the init ran under a seccomp filter) to allow"},
		{"seccomp filter and an AppArmor profile", 2, "containers-default-0.50.1 (enforce)", `or the LSM profile "containers-default-0.50.1 (enforce)" if the filter already allows the call`},
		{"an SELinux label only", 0, "system_u:system_r:container_t:s0:c1,c2", `Adjust the LSM profile "system_u:system_r:container_t:s0:c1,c2" confining the container to allow`},
		{"unconfined and no filter", 0, "unconfined", "Adjust the container's seccomp profile or its LSM (AppArmor/SELinux) policy to allow"},
		{"nothing measured", 0, "", "Adjust the container's seccomp profile or its LSM (AppArmor/SELinux) policy to allow"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ocsfDenialRemediation(Finding{ContainerID: "c1", Seccomp: tt.seccomp, LSM: tt.lsm})
			if !strings.Contains(got, tt.want) || !strings.Contains(got, "prctl(PR_CAPBSET_DROP) (option 24) in container c1") {
				t.Fatalf("remediation %q, want it to contain %q", got, tt.want)
			}
		})
	}
}
