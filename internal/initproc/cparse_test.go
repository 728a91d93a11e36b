package initproc

// Tests of oshim-init's parsers (oshim-init/parse.c) through parsetest: its
// arguments must parse exactly as ParseArgs parses them, and its reading of
// /proc/thread-self/status must take the kernel's text and refuse anything else.

import (
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/oshim/oshim/internal/caps"
	"github.com/oshim/oshim/test/procstatus"
)

func TestCCapNames(t *testing.T) {
	got := cParse(t, 'n', 0, nil)
	if want := strings.Join(caps.Set(0).Add(caps.Known()...).Names(), ","); got != want {
		t.Fatalf("oshim-init's capability names:\n%s\nwant internal/caps's:\n%s", got, want)
	}
}

// cArgs is what parsetest answers for args: the options and workload, or an error.
func cArgs(t testing.TB, args []string) (Options, []string, string) {
	t.Helper()
	line := cParse(t, 'a', min(len(args), 1), []byte(strings.Join(args, "\x00")))
	if reason, ok := strings.CutPrefix(line, "err "); ok {
		return Options{}, nil, reason
	}
	f := strings.Fields(line)
	if len(f) < 7 || f[0] != "ok" {
		t.Fatalf("parsetest answered %q", line)
	}
	unhex := func(s string) string {
		if s == "." {
			return ""
		}
		b, err := hex.DecodeString(s)
		if err != nil {
			t.Fatalf("parsetest answered %q: %v", line, err)
		}
		return string(b)
	}
	mask := func(s string) caps.Set {
		v, err := strconv.ParseUint(s, 16, 64)
		if err != nil {
			t.Fatalf("parsetest answered %q: %v", line, err)
		}
		return caps.Set(v)
	}
	o := Options{ClearBounding: f[1] == "1", ReportOnly: f[2] == "1", Drop: mask(f[3]), Require: mask(f[4])}
	if f[5] != "-" {
		o.Result = unhex(f[5])
	}
	n, err := strconv.Atoi(f[6])
	if err != nil || len(f) != 7+n {
		t.Fatalf("parsetest answered %q", line)
	}
	var workload []string
	for _, w := range f[7:] {
		workload = append(workload, unhex(w))
	}
	return o, workload, ""
}

func TestCParseArgs(t *testing.T) {
	tests := []struct {
		description string
		args        []string
		wantErr     string
	}{
		{description: "what the rewrite writes", args: Options{ClearBounding: true, Drop: caps.NewSet(caps.SETPCAP), Require: caps.NewSet(caps.NET_ADMIN), Result: ResultPipe}.Args([]string{"/bin/sh", "-c", "x"})[1:]},
		{description: "report only", args: []string{"--report-only", "--require", "CAP_SETPCAP", "--", "x"}},
		{description: "bare and lower-case names", args: []string{"--drop", "setpcap,cap_kill,Cap_Chown", "--", "x"}},
		{description: "the last of a repeated flag wins", args: []string{"--drop", "CAP_KILL", "--drop", "CAP_CHOWN", "--", "x"}},
		{description: "an empty result is none", args: []string{"--result", "", "--", "x"}},
		{description: "-- inside the workload", args: []string{"--", "--", "--drop"}},
		{description: "no workload", args: []string{"--clear-bounding"}, wantErr: "no workload command after --"},
		{description: "empty workload", args: []string{"--"}, wantErr: "no workload command after --"},
		{description: "no arguments", args: nil, wantErr: "no workload"},
		{description: "unknown flag", args: []string{"--widen", "--", "x"}, wantErr: `unknown argument "--widen"`},
		{description: "missing value", args: []string{"--drop"}, wantErr: "--drop needs a value"},
		{description: "unknown cap", args: []string{"--drop", "CAP_NOPE", "--", "x"}, wantErr: `--drop: unknown capability "CAP_NOPE"`},
		{description: "empty cap in a list", args: []string{"--require", "CAP_KILL,", "--", "x"}, wantErr: "--require: empty capability name"},
		{description: "a number is not a name", args: []string{"--drop", "CAP_8", "--", "x"}, wantErr: "unknown capability"},
		{description: "terminal escapes are escaped", args: []string{"--\x1b]0;owned\x07", "--", "x"}, wantErr: `unknown argument "--\x1b]0;owned\x07"`},
		{description: "long input is cut", args: []string{strings.Repeat("A", 10000), "--", "x"}, wantErr: `unknown argument "` + strings.Repeat("A", 64) + `..."`},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			o, workload, reason := cArgs(t, tc.args)
			if tc.wantErr != "" {
				want := strings.ReplaceAll(strings.ReplaceAll(tc.wantErr, "\x1b", `\x1b`), "\x07", `\x07`)
				if !strings.Contains(reason, want) {
					t.Fatalf("oshim-init's error = %q, want %q", reason, want)
				}
				if _, _, err := ParseArgs(tc.args); err == nil {
					t.Fatalf("ParseArgs(%q) accepts what oshim-init refuses", tc.args)
				}
				return
			}
			if reason != "" {
				t.Fatalf("oshim-init refuses %q: %s", tc.args, reason)
			}
			wantOpts, wantWorkload, err := ParseArgs(tc.args)
			if err != nil || !reflect.DeepEqual(o, wantOpts) || !reflect.DeepEqual(workload, wantWorkload) {
				t.Fatalf("oshim-init parses %q to %+v %q; ParseArgs to %+v %q, %v", tc.args, o, workload, wantOpts, wantWorkload, err)
			}
		})
	}
}

// FuzzCParseArgs holds oshim-init's parser to ParseArgs's answers on any input, and
// its error text to printable ASCII.
func FuzzCParseArgs(f *testing.F) {
	f.Add("--clear-bounding\x00--drop\x00CAP_SETPCAP\x00--\x00sh")
	f.Add("--require\x00setpcap,CAP_NET_ADMIN\x00--result\x00/r\x00--report-only\x00--\x00x")
	f.Add("--drop\x00cap_\x00--\x00x")
	f.Add("--result\x00\x00--\x00\x00")
	f.Fuzz(func(t *testing.T, joined string) {
		if len(joined) > maxParseInput || strings.Count(joined, "\x00") >= 4096 {
			return
		}
		args := strings.Split(joined, "\x00")
		o, workload, reason := cArgs(t, args)
		wantOpts, wantWorkload, err := ParseArgs(args)
		if (reason != "") != (err != nil) {
			t.Fatalf("args %q: oshim-init says %q, ParseArgs %v", args, reason, err)
		}
		for _, c := range reason {
			if c < 0x20 || c > 0x7e {
				t.Fatalf("args %q: oshim-init's error %q holds %q", args, reason, c)
			}
		}
		if err == nil && (!reflect.DeepEqual(o, wantOpts) || !reflect.DeepEqual(workload, wantWorkload)) {
			t.Fatalf("args %q: oshim-init %+v %q, ParseArgs %+v %q", args, o, workload, wantOpts, wantWorkload)
		}
	})
}

// cStatus is what parsetest answers for a status file fed in chunks of chunk bytes.
func cStatus(t testing.TB, text string, chunk int) (procstatus.Status, string) {
	t.Helper()
	line := cParse(t, 's', chunk, []byte(text))
	if reason, ok := strings.CutPrefix(line, "err "); ok {
		return procstatus.Status{}, reason
	}
	var s procstatus.Status
	var inh, prm, eff, bnd, amb uint64
	var nnp int
	if _, err := fmt.Sscanf(line, "ok %x %x %x %x %x %d %d", &inh, &prm, &eff, &bnd, &amb, &nnp, &s.Seccomp); err != nil {
		t.Fatalf("parsetest answered %q: %v", line, err)
	}
	s.Inh, s.Prm, s.Eff, s.Bnd, s.Amb, s.NoNewPrivs = procstatus.Mask(inh), procstatus.Mask(prm), procstatus.Mask(eff), procstatus.Mask(bnd), procstatus.Mask(amb), nnp == 1
	return s, ""
}

// TestCStatusSamples: oshim-init reads real status files as test/procstatus, an
// independent parser, does, whatever the size of the reads.
func TestCStatusSamples(t *testing.T) {
	samples, err := filepath.Glob(filepath.Join("testdata", "status-*.txt"))
	if err != nil || len(samples) == 0 {
		t.Fatalf("no samples: %v", err)
	}
	for _, p := range samples {
		t.Run(filepath.Base(p), func(t *testing.T) {
			want, err := procstatus.Read(p)
			if err != nil {
				t.Fatal(err)
			}
			want.UID = 0
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			for _, chunk := range []int{1, 7, 1024, len(data)} {
				got, reason := cStatus(t, string(data), chunk)
				if reason != "" || got != want {
					t.Fatalf("chunks of %d: oshim-init reads %v %q, want %v", chunk, got, reason, want)
				}
			}
		})
	}
}

func TestCStatus(t *testing.T) {
	const capLines = "CapInh:\t0000000000000001\nCapPrm:\t0000000000000002\nCapEff:\t0000000000000004\nCapBnd:\t0000000000000008\nCapAmb:\t0000000000000010\n"
	base := procstatus.Status{Inh: 1, Prm: 2, Eff: 4, Bnd: 8, Amb: 16}
	with := func(f func(*procstatus.Status)) procstatus.Status {
		s := base
		f(&s)
		return s
	}
	tests := []struct {
		description string
		in          string
		want        procstatus.Status
		wantErr     string
	}{
		{description: "each key to its set", in: capLines, want: base},
		{description: "no trailing newline", in: strings.TrimSuffix(capLines, "\n"), want: base},
		{description: "other lines ignored", in: "Name:\tx:y\nGroups:\t \n" + capLines + "Seccomp_filters:\t9\n", want: base},
		{description: "nnp and seccomp", in: capLines + "NoNewPrivs:\t1\nSeccomp:\t2\n", want: with(func(s *procstatus.Status) { s.NoNewPrivs, s.Seccomp = true, 2 })},
		{description: "crlf line ends", in: strings.ReplaceAll(capLines, "\n", "\r\n"), want: base},
		{description: "short hex", in: strings.Replace(capLines, "0000000000000008", "8", 1), want: base},
		{description: "upper-case hex", in: strings.Replace(capLines, "0000000000000008", "000000000000000A", 1), want: with(func(s *procstatus.Status) { s.Bnd = 10 })},
		{description: "top bit", in: strings.Replace(capLines, "0000000000000008", "8000000000000000", 1), want: with(func(s *procstatus.Status) { s.Bnd = 1 << 63 })},
		{description: "long groups line", in: "Groups:\t" + strings.Repeat("65534 ", 100000) + "\n" + capLines, want: base},
		{description: "a long line of another key", in: strings.Repeat("x", 300) + ":\t1\n" + capLines, want: base},
		{description: "seccomp with a sign and zeros", in: capLines + "Seccomp:\t+002\n", want: with(func(s *procstatus.Status) { s.Seccomp = 2 })},
		{description: "empty input", in: "", wantErr: "missing CapInh line"},
		{description: "missing ambient", in: strings.Replace(capLines, "CapAmb", "CapXyz", 1), wantErr: "missing CapAmb line"},
		{description: "duplicate cap line", in: capLines + "CapEff:\t0000000000000000\n", wantErr: "duplicate CapEff line"},
		{description: "empty mask", in: strings.Replace(capLines, "0000000000000002", "", 1), wantErr: `bad mask of CapPrm value ""`},
		{description: "non-hex mask", in: strings.Replace(capLines, "0000000000000002", "000000000000000g", 1), wantErr: "bad mask of CapPrm"},
		{description: "17 digits", in: strings.Replace(capLines, "0000000000000002", "00000000000000002", 1), wantErr: "bad mask of CapPrm"},
		{description: "0x prefix", in: strings.Replace(capLines, "0000000000000002", "0x02", 1), wantErr: "bad mask of CapPrm"},
		{description: "sign", in: strings.Replace(capLines, "0000000000000002", "+2", 1), wantErr: "bad mask of CapPrm"},
		{description: "an overlong line of a key read", in: "CapInh:" + strings.Repeat(" ", 200) + "1\n" + capLines[strings.Index(capLines, "CapPrm"):], wantErr: "overlong CapInh line"},
		{description: "bad nnp", in: capLines + "NoNewPrivs:\t2\n", wantErr: `bad NoNewPrivs value "2"`},
		{description: "duplicate nnp", in: capLines + "NoNewPrivs:\t0\nNoNewPrivs:\t1\n", wantErr: "duplicate NoNewPrivs line"},
		{description: "bad seccomp", in: capLines + "Seccomp:\t3\n", wantErr: `bad Seccomp value "3"`},
		{description: "negative seccomp", in: capLines + "Seccomp:\t-1\n", wantErr: `bad Seccomp value "-1"`},
		{description: "huge seccomp", in: capLines + "Seccomp:\t99999999999999999999999\n", wantErr: "bad Seccomp value"},
		{description: "duplicate seccomp", in: capLines + "Seccomp:\t0\nSeccomp:\t0\n", wantErr: "duplicate Seccomp line"},
		{description: "control bytes in a value are escaped", in: capLines + "Seccomp:\t\x1b[2J\n", wantErr: `bad Seccomp value "\x1b[2J"`},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			for _, chunk := range []int{1, 5, 4096} {
				got, reason := cStatus(t, tc.in, chunk)
				if tc.wantErr != "" {
					if !strings.Contains(reason, tc.wantErr) {
						t.Fatalf("chunks of %d: error %q, want %q", chunk, reason, tc.wantErr)
					}
					continue
				}
				if reason != "" || got != tc.want {
					t.Fatalf("chunks of %d: %v %q, want %v", chunk, got, reason, tc.want)
				}
			}
		})
	}
}

// capLine finds the one line "key:VALUE" of text and reads VALUE as the kernel writes
// a mask: a second, simpler reading to hold oshim-init's to.
func capLine(text, key string) (uint64, bool) {
	var found []string
	for _, line := range strings.Split(text, "\n") {
		if v, ok := strings.CutPrefix(line, key+":"); ok {
			found = append(found, strings.Trim(v, " \t\r\v\f"))
		}
	}
	if len(found) != 1 || len(found[0]) == 0 || len(found[0]) > 16 {
		return 0, false
	}
	v, err := strconv.ParseUint(found[0], 16, 64)
	return v, err == nil
}

func FuzzCStatus(f *testing.F) {
	samples, err := filepath.Glob(filepath.Join("testdata", "status-*.txt"))
	if err != nil || len(samples) == 0 {
		f.Fatalf("no samples: %v", err)
	}
	for _, p := range samples {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(data), uint8(7))
	}
	f.Add("CapInh:\t1\nCapPrm:\t\nCapEff:\t0\nCapBnd:\t0\nCapAmb:\t0\n", uint8(1))
	f.Fuzz(func(t *testing.T, in string, chunk uint8) {
		if len(in) > maxParseInput {
			return
		}
		got, reason := cStatus(t, in, int(chunk))
		if reason != "" {
			for _, c := range reason {
				if c < 0x20 || c > 0x7e {
					t.Fatalf("error %q holds %q", reason, c)
				}
			}
			return
		}
		if got.Seccomp < 0 || got.Seccomp > 2 {
			t.Fatalf("accepted seccomp mode %d", got.Seccomp)
		}
		for key, v := range map[string]procstatus.Mask{"CapInh": got.Inh, "CapPrm": got.Prm, "CapEff": got.Eff, "CapBnd": got.Bnd, "CapAmb": got.Amb} {
			if want, ok := capLine(in, key); !ok || procstatus.Mask(want) != v {
				t.Fatalf("accepted %q with %s = %v; its one %s line says %x (found: %t)", in, key, v, key, want, ok)
			}
		}
		// Whatever the chunks, the answer is the same.
		if again, r := cStatus(t, in, len(in)+1); r != "" || again != got {
			t.Fatalf("in one chunk: %v %q, in chunks of %d: %v", again, r, chunk, got)
		}
	})
}
