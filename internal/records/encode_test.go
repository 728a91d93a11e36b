package records

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/oshim/oshim/internal/podinfo"
)

// plainContainer has Container's fields and tags but not its MarshalJSON: what
// encoding/json writes for it is what MarshalJSON must write.
type plainContainer Container

func checkEncoding(t *testing.T, c *Container) {
	t.Helper()
	got, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	want, err := json.Marshal((*plainContainer)(c))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("MarshalJSON:\n%s\nencoding/json:\n%s", got, want)
	}
	var back Container
	if err := back.UnmarshalJSON(got); err != nil {
		t.Fatalf("the record does not decode: %v", err)
	}
	var plain plainContainer
	if err := json.Unmarshal(got, &plain); err != nil {
		t.Fatalf("encoding/json does not decode the record: %v", err)
	}
	if !reflect.DeepEqual(back, Container(plain)) {
		t.Fatalf("UnmarshalJSON:\n%#v\nencoding/json:\n%#v", back, Container(plain))
	}
}

// TestRecordDecoding reads records as a reader of other versions' files may meet
// them: members missing, unknown or null, and broken files.
func TestRecordDecoding(t *testing.T) {
	tests := []struct {
		description string
		in          string
		wantErr     bool
	}{
		{description: "an older record, without the newer members", in: `{"id":"c1","bundle":"/b","specBefore":{"bounding":["CAP_KILL"]},"created":"2026-01-02T03:04:05Z","init":true}`},
		{description: "a newer record, with members this version does not know", in: `{"id":"c1","future":{"x":[1,2,{"y":null}]},"result":{"ok":true,"later":"z"}}`},
		{description: "nulls", in: `{"id":null,"pod":null,"specAfter":null,"result":null,"created":null,"uid":null}`},
		{description: "an empty result", in: `{"result":{}}`},
		{description: "null", in: `null`},
		{description: "truncated", in: `{"id":"c1","specBefore":{"bounding":["CAP_KILL"`, wantErr: true},
		{description: "a member of the wrong type", in: `{"uid":"0"}`, wantErr: true},
		{description: "a uid over 32 bits", in: `{"uid":4294967296}`, wantErr: true},
		{description: "not JSON", in: `container`, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			var got Container
			err := got.UnmarshalJSON([]byte(tc.in))
			var plain plainContainer
			wantErr := json.Unmarshal([]byte(tc.in), &plain)
			if (err != nil) != tc.wantErr || (wantErr != nil) != tc.wantErr {
				t.Fatalf("UnmarshalJSON: %v; encoding/json: %v; want an error: %t", err, wantErr, tc.wantErr)
			}
			if err == nil && !reflect.DeepEqual(got, Container(plain)) {
				t.Fatalf("UnmarshalJSON:\n%#v\nencoding/json:\n%#v", got, Container(plain))
			}
		})
	}
}

func TestRecordEncoding(t *testing.T) {
	at := time.Date(2026, 12, 3, 22, 0, 0, 123456789, time.UTC)
	tests := []struct {
		description string
		c           Container
	}{
		{description: "empty", c: Container{}},
		{description: "repaired, with an init result", c: Container{
			ID: "c1", Root: "/run/crun", Bundle: "/b", PidFile: "/b/pid\n", Arg0: "/bin/sv<&>", UID: 1000,
			Pod:      podinfo.Info{Namespace: "ns", Pod: "p", PodUID: "u", Container: "c", Image: "i:1"},
			Contract: "k", Bounding: "clear", OnSkew: "repair", Skew: "missing CAP_SETPCAP", Repair: "granted",
			NoNewPrivs: true, SetNoNewPrivs: true, Lent: true,
			Before:  map[string][]string{"bounding": {"CAP_KILL"}, "ambient": nil},
			After:   map[string][]string{"bounding": {"CAP_KILL", "CAP_SETPCAP"}, "effective": {}},
			Main:    map[string][]string{},
			Runtime: "/usr/bin/crun", RuntimeVersion: "crun version 1.8.1", Created: at, Init: true,
			Result: &Measured{OK: true, Summary: "ok\n\"quoted\"", Step: "verify", Errno: 1, Message: "m\u2028",
				Probe: "ok", State: map[string][]string{"CapEff": {"x"}}, NoNewPrivs: true, Seccomp: 2, LSM: "unconfined",
				ReportOnly: true, Received: at.In(time.FixedZone("z", -5*3600))},
		}},
		{description: "result without state", c: Container{ID: "c2", Result: &Measured{}}},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) { checkEncoding(t, &tc.c) })
	}
}

func FuzzRecordEncoding(f *testing.F) {
	f.Add("c1", "/run/crun", "/b", "sh", "ns", "k", "CAP_KILL", "ok", uint32(0), true, int64(0))
	f.Add("\xff", "\u2028", "<>", "\x00", "", "", "", "", uint32(1<<31), false, int64(-1))
	f.Fuzz(func(t *testing.T, id, root, bundle, arg0, ns, contract, capName, summary string, uid uint32, withResult bool, nanos int64) {
		c := &Container{ID: id, Root: root, Bundle: bundle, PidFile: bundle, Arg0: arg0, UID: uid, Pod: podinfo.Info{Namespace: ns, Image: arg0},
			Contract: contract, Repair: summary, Lent: withResult,
			Before: map[string][]string{capName: {capName, summary}}, After: map[string][]string{"bounding": {capName}},
			Created: time.Unix(0, nanos).UTC()}
		if withResult {
			c.Result = &Measured{Summary: summary, Message: id, State: map[string][]string{capName: nil}, Received: time.Unix(0, nanos)}
		}
		checkEncoding(t, c)
	})
}
