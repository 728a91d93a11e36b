package procstatus

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestParseSamples(t *testing.T) {
	tests := []struct {
		name string
		file string
		want Status
	}{
		{
			name: "host root shell: full set except CAP_SYS_RESOURCE (bit 24)",
			file: "host-root.status",
			want: Status{Prm: 0x1fffeffffff, Eff: 0x1fffeffffff, Bnd: 0x1fffeffffff},
		},
		{
			// bit 5 CAP_KILL, bit 8 CAP_SETPCAP, bit 10 CAP_NET_BIND_SERVICE
			name: "crun uid 1000 with CAP_NET_BIND_SERVICE ambient",
			file: "crun-uid1000-ambient.status",
			want: Status{Inh: 0x400, Prm: 0x400, Eff: 0x400, Bnd: 0x520, Amb: 0x400, NoNewPrivs: true, UID: 1000},
		},
		{
			name: "runc root without no_new_privs: permitted is inheritable|bounding",
			file: "runc-root-nnp0.status",
			want: Status{Inh: 0x400, Prm: 0x520, Eff: 0x520, Bnd: 0x520, Amb: 0x400},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Read(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got  %v\nwant %v", got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	sample, err := os.ReadFile(filepath.Join("testdata", "crun-uid1000-ambient.status"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		edit    func(string) string
		wantErr string
	}{
		{
			name:    "missing CapAmb",
			edit:    func(s string) string { return dropLine(s, "CapAmb:") },
			wantErr: "no CapAmb line",
		},
		{
			name:    "missing NoNewPrivs (kernel before 4.10)",
			edit:    func(s string) string { return dropLine(s, "NoNewPrivs:") },
			wantErr: "no NoNewPrivs line",
		},
		{
			name:    "duplicate CapEff",
			edit:    func(s string) string { return s + "CapEff:\t0000000000000000\n" },
			wantErr: "duplicate CapEff line",
		},
		{
			name:    "mask with 0x prefix",
			edit:    func(s string) string { return strings.Replace(s, "CapBnd:\t0000000000000520", "CapBnd:\t0x520", 1) },
			wantErr: "CapBnd: capability mask",
		},
		{
			name: "mask too long",
			edit: func(s string) string {
				return strings.Replace(s, "CapBnd:\t0000000000000520", "CapBnd:\t00000000000000520", 1)
			},
			wantErr: "want 1 to 16 hex digits",
		},
		{
			name:    "empty mask",
			edit:    func(s string) string { return strings.Replace(s, "CapBnd:\t0000000000000520", "CapBnd:", 1) },
			wantErr: "want 1 to 16 hex digits",
		},
		{
			name:    "NoNewPrivs not a flag",
			edit:    func(s string) string { return strings.Replace(s, "NoNewPrivs:\t1", "NoNewPrivs:\t2", 1) },
			wantErr: `NoNewPrivs: "2" is not 0 or 1`,
		},
		{
			name:    "unknown seccomp mode",
			edit:    func(s string) string { return strings.Replace(s, "Seccomp:\t0", "Seccomp:\t3", 1) },
			wantErr: `Seccomp: "3" is not 0, 1 or 2`,
		},
		{
			name:    "Uid with three ids",
			edit:    func(s string) string { return strings.Replace(s, "Uid:\t1000\t1000\t1000\t1000", "Uid:\t1 2 3", 1) },
			wantErr: "want 4 ids",
		},
		{
			name:    "negative uid",
			edit:    func(s string) string { return strings.Replace(s, "Uid:\t1000\t1000\t1000\t1000", "Uid:\t1 -2 3 4", 1) },
			wantErr: "effective uid",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.edit(string(sample))
			if in == string(sample) {
				t.Fatal("the edit changed nothing: the sample no longer has the expected line")
			}
			_, err := Parse(strings.NewReader(in))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("got error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestReadMissingFile(t *testing.T) {
	_, err := Read(filepath.Join(t.TempDir(), "status"))
	if !os.IsNotExist(err) {
		t.Errorf("got %v, want a not-exist error", err)
	}
}

func dropLine(s, prefix string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(s, "\n") {
		if !strings.HasPrefix(line, prefix) {
			b.WriteString(line)
		}
	}
	return b.String()
}

// FuzzParse checks that Parse never panics and that whatever it accepts
// survives a round trip through the kernel's text format.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"host-root.status", "crun-uid1000-ambient.status", "runc-root-nnp0.status"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(bytes.NewReader(data))
		if err != nil {
			return
		}
		again, err := Parse(strings.NewReader(format(s)))
		if err != nil {
			t.Fatalf("formatted status does not parse: %v", err)
		}
		if again != s {
			t.Fatalf("round trip changed %v into %v", s, again)
		}
	})
}

// format writes s the way the kernel prints it.
func format(s Status) string {
	flag := 0
	if s.NoNewPrivs {
		flag = 1
	}
	return strings.Join([]string{
		"Uid:\t7\t" + strconv.Itoa(s.UID) + "\t7\t7",
		"CapInh:\t" + s.Inh.String(),
		"CapPrm:\t" + s.Prm.String(),
		"CapEff:\t" + s.Eff.String(),
		"CapBnd:\t" + s.Bnd.String(),
		"CapAmb:\t" + s.Amb.String(),
		"NoNewPrivs:\t" + strconv.Itoa(flag),
		"Seccomp:\t" + strconv.Itoa(s.Seccomp),
	}, "\n") + "\n"
}
