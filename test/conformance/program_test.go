package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// fakeProgram prints TAP by the configuration (RUNTIME) it runs against; "flaky" fails
// the oshim configuration on its first run only, counting runs in a file.
const fakeProgram = `#!/bin/sh
case "$(basename "$0")/$RUNTIME" in
same/*)       echo "ok 1 - a" ;;
better/base)  echo "not ok 1 - a" ;;
better/*)     echo "ok 1 - a" ;;
worse/base)   echo "ok 1 - a" ;;
worse/*)      echo "not ok 1 - a" ;;
flaky/base)   echo "ok 1 - a" ;;
flaky/*)      n=$(cat "$0.count" 2>/dev/null || echo 0); echo $((n+1)) > "$0.count"
              if [ "$n" = 0 ]; then echo "not ok 1 - a"; else echo "ok 1 - a"; fi ;;
crash/base)   echo "ok 1 - a" ;;
crash/*)      echo "failed to create the container" >&2; exit 1 ;;
esac
`

func fakeSuite(t *testing.T) *runner {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"same", "better", "worse", "flaky", "crash"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(fakeProgram), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	return &runner{suite: &suite{Bin: dir}, tmp: tmp, timeout: time.Minute}
}

func TestRunProgram(t *testing.T) {
	configs := []Config{{Name: Baseline, Runtime: "base"}, {Name: "oshim-x", Runtime: "oshim"}}
	tests := []struct {
		program     string
		accepted    map[string]bool
		wantVerdict string
		wantRetries int
	}{
		{program: "same", wantVerdict: Same},
		{program: "better", wantVerdict: Differs},
		{program: "worse", wantVerdict: Worse, wantRetries: 2},
		{program: "worse", accepted: map[string]bool{"worse/oshim-x": true}, wantVerdict: Accepted, wantRetries: 2},
		{program: "flaky", wantVerdict: Flaky, wantRetries: 1},
		{program: "crash", wantVerdict: Worse, wantRetries: 2},
	}
	for _, tt := range tests {
		t.Run(tt.program+"/"+tt.wantVerdict, func(t *testing.T) {
			res, err := runProgram(fakeSuite(t), tt.program, configs, 2, tt.accepted)
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Verdicts["oshim-x"]; got != tt.wantVerdict {
				t.Errorf("verdict %q, want %q; differences %+v", got, tt.wantVerdict, res.Differences)
			}
			if got := res.Retries["oshim-x"]; got != tt.wantRetries {
				t.Errorf("%d retries, want %d", got, tt.wantRetries)
			}
			if len(res.Runs) != 2 || res.Runs[0].Config != Baseline {
				t.Errorf("runs %+v, want the baseline's first", res.Runs)
			}
		})
	}
}

func TestRunnerRun(t *testing.T) {
	r := fakeSuite(t)
	r.timeout = time.Minute
	res, err := r.run("crash", Config{Name: "c", Runtime: "oshim"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Exit != 1 || !strings.Contains(res.Stderr, "failed to create") || len(res.TAP.Points) != 0 {
		t.Errorf("run = %+v, want exit 1 with the stderr kept", res)
	}
	if err := os.WriteFile(filepath.Join(r.suite.Bin, "hang"), []byte("#!/bin/sh\nsleep 60 &\nwait\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	r.timeout = 200 * time.Millisecond
	start := time.Now()
	res, err = r.run("hang", Config{Name: "c", Runtime: "oshim"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Exit != -1 || !strings.HasPrefix(res.Stderr, "killed after") || time.Since(start) > 10*time.Second {
		t.Errorf("a hanging program: %+v after %v, want it killed", res, time.Since(start))
	}
}

func TestProgramEnv(t *testing.T) {
	t.Setenv("OSHIM_CONFIG", "/mine")
	t.Setenv("RUNTIME", "runc")
	env := programEnv("/tmp/x")
	for _, kv := range env {
		if strings.HasPrefix(kv, "OSHIM_") || kv == "RUNTIME=runc" {
			t.Errorf("%s leaked into the programs' environment", kv)
		}
	}
	if env[len(env)-1] != "TMPDIR=/tmp/x" {
		t.Errorf("TMPDIR not set last: %q", env)
	}
}

func TestParseAccept(t *testing.T) {
	programs := []string{"hooks_stdin", "state"}
	configs := []Config{{Name: Baseline}, {Name: "oshim-init"}}
	tests := []struct {
		name    string
		spec    string
		want    map[string]bool
		wantErr bool
	}{
		{name: "none", spec: "", want: map[string]bool{}},
		{name: "one", spec: "hooks_stdin/oshim-init", want: map[string]bool{"hooks_stdin/oshim-init": true}},
		{name: "the baseline cannot be accepted", spec: "state/runtime", wantErr: true},
		{name: "unknown program", spec: "nope/oshim-init", wantErr: true},
		{name: "no config", spec: "state", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseAccept(tt.spec, programs, configs)
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseAccept() error = %v, want error %v", err, tt.wantErr)
			}
			if !tt.wantErr && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parseAccept() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestReportText(t *testing.T) {
	configs := []Config{{Name: Baseline, About: "direct"}, {Name: "oshim-init", About: "init"}}
	rep := &Report{Suite: "rt@v", OCIVersion: "1.0.2", Runtime: "crun 1.8.1", Oshim: "abc", Configs: configs}
	rep.Programs = []*ProgramResult{
		{Program: "state", Runs: []*Run{tapRun(0, "ok 1 - a\n"), tapRun(0, "ok 1 - a\n")}, Verdicts: map[string]string{"oshim-init": Same}},
		{Program: "hooks_stdin", Runs: []*Run{tapRun(0, "ok 1 - h\n"), tapRun(0, "not ok 1 - h\n")}, Verdicts: map[string]string{"oshim-init": Worse},
			Differences: map[string][]Difference{"oshim-init": {{Kind: Regression, Check: "h", Baseline: "pass", Got: "fail", Detail: "wrong annotations"}}},
			Retries:     map[string]int{"oshim-init": 2}},
	}
	for i, p := range rep.Programs {
		for j, r := range p.Runs {
			r.Config = configs[j].Name
			rep.Programs[i].Runs[j] = r
		}
	}
	text := rep.Text()
	for _, want := range []string{"rt@v (ociVersion 1.0.2), crun 1.8.1, oshim abc", "hooks_stdin, oshim-init: REGRESSION after 2 retries", "wrong annotations",
		"oshim-init: 1 passed, 1 failed, 0 skipped, 0 todo; 1 of 2 programs clean", "FAIL: 1 program runs"} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %q:\n%s", want, text)
		}
	}
	rep.Programs[1].Verdicts["oshim-init"] = Accepted
	rep.Accepted = "hooks_stdin/oshim-init"
	if text := rep.Text(); !strings.Contains(text, "PASS: oshim passed every check the runtime passed, except in 1 accepted") {
		t.Errorf("accepted regression not reported as such:\n%s", text)
	}
}
