package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oshim/oshim/test/harness"
)

// envAsMain makes the test binary run main, so the tests can call restorespec as the
// validation programs do: a separate process that may exec.
const envAsMain = "RESTORESPEC_TEST_AS_MAIN"

func TestMain(m *testing.M) { harness.MainOrTests(m, envAsMain, main) }

// fakeRuntime records its arguments in calls, replaces config.json in the bundle like
// oshim's rewrite, and exits with code.
const fakeRuntime = `#!/bin/sh
echo "$@" >> "$(dirname "$0")/calls"
[ "$1" = create ] && echo '{"rewritten":true}' > "$3/config.json"
exit %CODE%
`

func TestRestoreSpec(t *testing.T) {
	const engine = `{"ociVersion":"1.0.2","process":{"args":["/runtimetest"]}}`
	tests := []struct {
		name       string
		args       func(bundle string) []string
		code       string
		wantCode   int
		wantConfig string
	}{
		{
			name:       "create: the engine's config.json is back afterwards",
			args:       func(b string) []string { return []string{"create", "--bundle", b, "--pid-file", b + "/pid", "id1"} },
			code:       "0",
			wantCode:   0,
			wantConfig: engine,
		},
		{
			name:       "failed create: nothing is put back, the status is passed on",
			args:       func(b string) []string { return []string{"create", "--bundle", b, "id1"} },
			code:       "3",
			wantCode:   3,
			wantConfig: `{"rewritten":true}` + "\n",
		},
		{
			name:       "other subcommands are handed over as they are",
			args:       func(b string) []string { return []string{"state", "id1"} },
			code:       "0",
			wantCode:   0,
			wantConfig: engine,
		},
		{
			name:       "exit status of other subcommands",
			args:       func(b string) []string { return []string{"delete", "--force", "id1"} },
			code:       "7",
			wantCode:   7,
			wantConfig: engine,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			bundle := filepath.Join(dir, "bundle")
			if err := os.Mkdir(bundle, 0o755); err != nil {
				t.Fatal(err)
			}
			config := filepath.Join(bundle, "config.json")
			if err := os.WriteFile(config, []byte(engine), 0o640); err != nil {
				t.Fatal(err)
			}
			rt := filepath.Join(dir, "runtime")
			if err := os.WriteFile(rt, []byte(strings.ReplaceAll(fakeRuntime, "%CODE%", tt.code)), 0o755); err != nil {
				t.Fatal(err)
			}
			args := tt.args(bundle)
			out, code := harness.RunSelf(t, []string{envAsMain + "=1", "RESTORESPEC_RUNTIME=" + rt}, args...)
			if code != tt.wantCode {
				t.Errorf("exit status %d, want %d; output:\n%s", code, tt.wantCode, out)
			}
			calls, err := os.ReadFile(filepath.Join(dir, "calls"))
			if err != nil {
				t.Fatalf("the runtime was not called: %v", err)
			}
			if got, want := strings.TrimSpace(string(calls)), strings.Join(args, " "); got != want {
				t.Errorf("runtime called with %q, want %q", got, want)
			}
			got, err := os.ReadFile(config)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.wantConfig {
				t.Errorf("config.json = %q, want %q", got, tt.wantConfig)
			}
			if fi, err := os.Stat(config); err != nil || fi.Mode().Perm() != 0o640 {
				t.Errorf("config.json mode = %v (%v), want 0640", fi.Mode().Perm(), err)
			}
		})
	}
}

func TestRestoreSpecNeedsRuntime(t *testing.T) {
	out, code := harness.RunSelf(t, []string{envAsMain + "=1", "RESTORESPEC_RUNTIME="}, "create", "x")
	if code != 2 || !strings.Contains(string(out), "RESTORESPEC_RUNTIME") {
		t.Errorf("without RESTORESPEC_RUNTIME: exit status %d, %s; want 2 naming the variable", code, out)
	}
}
