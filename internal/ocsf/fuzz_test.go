package ocsf

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/oshim/oshim/internal/podinfo"
)

// FuzzEvent feeds arbitrary strings into every field of a Finding: Event must never
// panic, and every event it returns must be one line of valid JSON that matches the
// OCSF schema, byte for byte what encoding/json writes for it.
func FuzzEvent(f *testing.F) {
	s := ocsfSchemaForTest(f)
	kinds := []FindingKind{SkewFound, ProbeDenied, SpecRepaired, CapsLent, "unknown"}
	f.Add(uint8(0), "c0ffee", "/opt/openshell/bin/openshell-sandbox", "/run/b", "supervisor", "repair", "CAP_SETPCAP", "", "none", "node-1", uint32(0), 0, int64(1791358200123456789), int16(120), "ns|pod|0f0e0d0c-0b0a-0908-0706-050403020100|ctr|img:1")
	f.Add(uint8(1), "id", "sandbox", "", "", "deny", "", "PR_CAPBSET_DROP EPERM under seccomp (Seccomp: 2, NoNewPrivs: 1)", "unconfined", "", uint32(1000), 2, int64(-1), int16(-300), "")
	f.Add(uint8(2), "x\n\"y\\</script>", "\xff\xfe", "\u2028", "<&>", "", "CAP_A,CAP_B", "line1\nline2\x00", "system_u:system_r:container_t:s0", "h\t", uint32(1<<31), -7, int64(0), int16(0), "\x7f|\u2029|\b\f|<>|\xff")
	f.Add(uint8(3), "é", "a", "", "c", "report", ",,,", "\xe2\x82", "", "host", uint32(4294967295), 1, int64(1<<62), int16(840), "|||")
	f.Add(uint8(4), "c", "a", "b", "c", "d", "CAP_X", "", "", "h", uint32(1), 0, int64(5), int16(0), "a|b")
	f.Fuzz(func(t *testing.T, kind uint8, id, arg0, bundle, contract, onSkew, caps, detail, lsm, host string, uid uint32, seccomp int, nanos int64, offsetMin int16, pod string) {
		fd := Finding{
			Kind: kinds[int(kind)%len(kinds)], ContainerID: id, Bundle: bundle, Arg0: arg0, UID: uid,
			Contract: contract, OnSkew: onSkew, Detail: detail, Seccomp: seccomp, LSM: lsm, Host: host,
			// A zone's offset shows up in timezone_offset; keep it within the ±18 h time zones span.
			Time: time.Unix(0, nanos).In(time.FixedZone("z", int(offsetMin)%1081*60)),
		}
		if caps != "" {
			fd.Caps = strings.Split(caps, ",")
		}
		p := append(strings.Split(pod, "|"), "", "", "", "", "")
		fd.Pod = podinfo.Info{Namespace: p[0], Pod: p[1], PodUID: p[2], Container: p[3], Image: p[4]}
		ev, err := Build(fd, OshimProduct(bundle))
		if err != nil {
			return
		}
		line, err := ev.line()
		if err != nil {
			t.Fatal(err)
		}
		if i := bytes.IndexByte(line, '\n'); i != len(line)-1 {
			t.Fatalf("event is not one line: newline at %d of %d", i, len(line))
		}
		if !json.Valid(line) {
			t.Fatalf("invalid JSON: %q", line)
		}
		if want := reflectLine(t, ev); !bytes.Equal(line, want) {
			t.Fatalf("hand-written encoding differs from encoding/json:\n%s\n%s", line, want)
		}
		if errs := s.Check(line); len(errs) > 0 {
			t.Fatalf("event does not match OCSF: %q\n%s", errs, line)
		}
	})
}

// reflectLine is the event as encoding/json writes it, which line must match.
func reflectLine(t testing.TB, ev *Event) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(ev); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
