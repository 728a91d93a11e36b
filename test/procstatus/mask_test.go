package procstatus

import (
	"encoding/json"
	"reflect"
	"strconv"
	"testing"
)

func TestMask(t *testing.T) {
	tests := []struct {
		name     string
		mask     Mask
		bits     []int
		text     string
		setpcap  bool // bit 8
		has63    bool
		hasOut64 bool
	}{
		{name: "empty", mask: 0, bits: []int{}, text: "0000000000000000"},
		{name: "CAP_SETPCAP only", mask: 1 << 8, bits: []int{8}, text: "0000000000000100", setpcap: true},
		{name: "runc default: AUDIT_WRITE KILL NET_BIND_SERVICE", mask: 0x20000420, bits: []int{5, 10, 29}, text: "0000000020000420"},
		{name: "all 64 bits", mask: ^Mask(0), bits: seq(64), text: "ffffffffffffffff", setpcap: true, has63: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.mask.Bits(); !reflect.DeepEqual(got, tt.bits) {
				t.Errorf("Bits() = %v, want %v", got, tt.bits)
			}
			if got := tt.mask.String(); got != tt.text {
				t.Errorf("String() = %q, want %q", got, tt.text)
			}
			if got := tt.mask.Has(8); got != tt.setpcap {
				t.Errorf("Has(8) = %t, want %t", got, tt.setpcap)
			}
			if got := tt.mask.Has(63); got != tt.has63 {
				t.Errorf("Has(63) = %t, want %t", got, tt.has63)
			}
			if tt.mask.Has(64) || tt.mask.Has(-1) {
				t.Error("Has outside 0..63 must be false")
			}
			var back Mask
			if err := back.UnmarshalText([]byte(tt.text)); err != nil || back != tt.mask {
				t.Errorf("UnmarshalText(%q) = %v, %v; want %v", tt.text, back, err, tt.mask)
			}
		})
	}
}

func TestStatusJSON(t *testing.T) {
	s := Status{Eff: 0x100, Bnd: 0x520, NoNewPrivs: true, Seccomp: 2, UID: 1000}
	data, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"CapInh":"0000000000000000","CapPrm":"0000000000000000","CapEff":"0000000000000100","CapBnd":"0000000000000520","CapAmb":"0000000000000000","NoNewPrivs":true,"Seccomp":2,"Uid":1000}`
	if string(data) != want {
		t.Errorf("got  %s\nwant %s", data, want)
	}
	var back Status
	if err := json.Unmarshal(data, &back); err != nil || back != s {
		t.Errorf("round trip: %v, %v", back, err)
	}
}

// FuzzMaskText checks that any accepted mask text encodes back to a value
// that parses to the same mask.
func FuzzMaskText(f *testing.F) {
	for _, s := range []string{"0000000000000100", "1fffeffffff", "ffffffffffffffff", "", "0x1", "-1", "+1", "1_0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var m Mask
		if err := m.UnmarshalText([]byte(s)); err != nil {
			return
		}
		if v, err := strconv.ParseUint(s, 16, 64); err != nil || Mask(v) != m {
			t.Fatalf("accepted %q as %v, strconv says %v, %v", s, m, v, err)
		}
		var back Mask
		if err := back.UnmarshalText([]byte(m.String())); err != nil || back != m {
			t.Fatalf("String() %q does not parse back: %v, %v", m.String(), back, err)
		}
	})
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}
