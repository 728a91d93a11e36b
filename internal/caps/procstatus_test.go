package caps

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseProcStatusSamples(t *testing.T) {
	// This machine's bounding set lacks CAP_SYS_RESOURCE.
	host := FullSet(CHECKPOINT_RESTORE).Remove(SYS_RESOURCE)
	crunDefault := NewSet(KILL, NET_BIND_SERVICE, AUDIT_WRITE)
	tests := []struct {
		name string
		file string
		want ProcStatus
	}{
		{
			name: "root shell",
			file: "status-root.txt",
			want: ProcStatus{State: State{Effective: host, Permitted: host, Bounding: host}},
		},
		{
			name: "capsh --drop=cap_setpcap",
			file: "status-capsh-drop-setpcap.txt",
			want: ProcStatus{State: State{
				Effective: host.Remove(SETPCAP), Permitted: host.Remove(SETPCAP), Bounding: host.Remove(SETPCAP),
			}},
		},
		{
			name: "setpriv as nobody with ambient NET_RAW",
			file: "status-setpriv-nobody-ambient.txt",
			want: ProcStatus{State: State{
				Effective: NewSet(NET_RAW), Permitted: NewSet(NET_RAW), Inheritable: NewSet(NET_RAW),
				Bounding: host, Ambient: NewSet(NET_RAW),
			}},
		},
		{
			name: "setpriv --no-new-privs --bounding-set=-all as root",
			file: "status-setpriv-nnp-nobounding.txt",
			want: ProcStatus{NoNewPrivs: true},
		},
		{
			name: "crun container with a seccomp filter",
			file: "status-crun-seccomp.txt",
			want: ProcStatus{
				State:      State{Effective: crunDefault, Permitted: crunDefault, Bounding: crunDefault},
				NoNewPrivs: true,
				Seccomp:    2,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, err := ParseProcStatus(f)
			if err != nil {
				t.Fatalf("ParseProcStatus: %v", err)
			}
			if got != tt.want {
				t.Errorf("got  %v nnp=%v seccomp=%d\nwant %v nnp=%v seccomp=%d",
					got.State, got.NoNewPrivs, got.Seccomp, tt.want.State, tt.want.NoNewPrivs, tt.want.Seccomp)
			}
		})
	}
}

// statusText renders the lines ParseProcStatus reads, as the kernel does.
func statusText(ps ProcStatus) string {
	nnp := 0
	if ps.NoNewPrivs {
		nnp = 1
	}
	return fmt.Sprintf("CapInh:\t%016x\nCapPrm:\t%016x\nCapEff:\t%016x\nCapBnd:\t%016x\nCapAmb:\t%016x\nNoNewPrivs:\t%d\nSeccomp:\t%d\n",
		uint64(ps.Inheritable), uint64(ps.Permitted), uint64(ps.Effective), uint64(ps.Bounding), uint64(ps.Ambient), nnp, ps.Seccomp)
}

func TestParseProcStatus(t *testing.T) {
	const caps = "CapInh:\t0000000000000001\nCapPrm:\t0000000000000002\nCapEff:\t0000000000000004\nCapBnd:\t0000000000000008\nCapAmb:\t0000000000000010\n"
	base := State{Inheritable: 1, Permitted: 2, Effective: 4, Bounding: 8, Ambient: 16}
	tests := []struct {
		name    string
		in      string
		want    ProcStatus
		wantErr string
	}{
		{name: "each key to its set", in: caps, want: ProcStatus{State: base}},
		{name: "no trailing newline", in: strings.TrimSuffix(caps, "\n"), want: ProcStatus{State: base}},
		{name: "other lines ignored", in: "Name:\tx:y\nGroups:\t \n" + caps + "Seccomp_filters:\t9\n", want: ProcStatus{State: base}},
		{name: "nnp and seccomp", in: caps + "NoNewPrivs:\t1\nSeccomp:\t1\n", want: ProcStatus{State: base, NoNewPrivs: true, Seccomp: 1}},
		{name: "crlf line ends", in: strings.ReplaceAll(caps, "\n", "\r\n"), want: ProcStatus{State: base}},
		{name: "short hex", in: strings.Replace(caps, "0000000000000008", "8", 1), want: ProcStatus{State: base}},
		{name: "top bit", in: strings.Replace(caps, "0000000000000008", "8000000000000000", 1), want: ProcStatus{State: State{Inheritable: 1, Permitted: 2, Effective: 4, Bounding: 1 << 63, Ambient: 16}}},
		{name: "long groups line", in: "Groups:\t" + strings.Repeat("65534 ", 100000) + "\n" + caps, want: ProcStatus{State: base}},
		{name: "empty input", in: "", wantErr: "missing CapInh line"},
		{name: "missing ambient", in: strings.Replace(caps, "CapAmb", "CapXyz", 1), wantErr: "missing CapAmb line"},
		{name: "duplicate cap line", in: caps + "CapEff:\t0000000000000000\n", wantErr: "duplicate CapEff line"},
		{name: "empty mask", in: strings.Replace(caps, "0000000000000002", "", 1), wantErr: `bad CapPrm mask ""`},
		{name: "non-hex mask", in: strings.Replace(caps, "0000000000000002", "000000000000000g", 1), wantErr: "bad CapPrm mask"},
		{name: "17 digits", in: strings.Replace(caps, "0000000000000002", "00000000000000002", 1), wantErr: "bad CapPrm mask"},
		{name: "0x prefix", in: strings.Replace(caps, "0000000000000002", "0x02", 1), wantErr: "bad CapPrm mask"},
		{name: "sign", in: strings.Replace(caps, "0000000000000002", "+2", 1), wantErr: "bad CapPrm mask"},
		{name: "bad nnp", in: caps + "NoNewPrivs:\t2\n", wantErr: `bad NoNewPrivs value "2"`},
		{name: "duplicate nnp", in: caps + "NoNewPrivs:\t0\nNoNewPrivs:\t1\n", wantErr: "duplicate NoNewPrivs line"},
		{name: "bad seccomp", in: caps + "Seccomp:\t3\n", wantErr: `bad Seccomp value "3"`},
		{name: "negative seccomp", in: caps + "Seccomp:\t-1\n", wantErr: `bad Seccomp value "-1"`},
		{name: "duplicate seccomp", in: caps + "Seccomp:\t0\nSeccomp:\t0\n", wantErr: "duplicate Seccomp line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseProcStatus(strings.NewReader(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseProcStatus: %v", err)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("boom") }

func TestParseProcStatusReadError(t *testing.T) {
	if _, err := ParseProcStatus(failingReader{}); err == nil || err.Error() != "boom" {
		t.Fatalf("error = %v, want the reader's", err)
	}
}

func TestReadProcStatus(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad")
	if err := os.WriteFile(bad, []byte("CapInh:\tzz\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		path    string
		wantErr string
		wantIs  error
	}{
		{name: "sample", path: filepath.Join("testdata", "status-root.txt")},
		{name: "missing file", path: filepath.Join(dir, "nope"), wantErr: filepath.Join(dir, "nope"), wantIs: fs.ErrNotExist},
		{name: "bad content names the file", path: bad, wantErr: "parse " + bad + `: bad CapInh mask "zz"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadProcStatus(tt.path)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("ReadProcStatus: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.wantIs)
			}
		})
	}
}

func FuzzParseProcStatus(f *testing.F) {
	samples, err := filepath.Glob(filepath.Join("testdata", "status-*.txt"))
	if err != nil || len(samples) == 0 {
		f.Fatalf("no samples: %v", err)
	}
	for _, p := range samples {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(data))
	}
	f.Add("CapInh:\t1\nCapPrm:\t\nCapEff:\t0\nCapBnd:\t0\nCapAmb:\t0\n")
	f.Fuzz(func(t *testing.T, in string) {
		ps, err := ParseProcStatus(strings.NewReader(in))
		if err != nil {
			return
		}
		if ps.Seccomp < 0 || ps.Seccomp > 2 {
			t.Fatalf("accepted seccomp mode %d", ps.Seccomp)
		}
		back, err := ParseProcStatus(strings.NewReader(statusText(ps)))
		if err != nil || back != ps {
			t.Fatalf("re-rendered status parses to %+v, %v; want %+v", back, err, ps)
		}
	})
}
