// Command conformance runs the OCI runtime-tools validation suite against a runtime
// directly and against oshim over that runtime, program by program in one run, and
// fails when oshim does worse than the runtime on any check.
//
// Three configurations run each program back to back: the runtime itself (the
// baseline); oshim with a contract that matches nothing (pure passthrough); oshim with
// a contract that matches every container, requires nothing and keeps the spec's
// bounding set, so its init is injected into every container and only verifies. Every
// check the baseline passes must pass in both oshim configurations; a difference is
// retried, and reported as flaky when a retry agrees with the baseline.
//
// Run it as root from the repository root:
//
//	go run ./test/conformance                    # every program, about 4 minutes
//	go run ./test/conformance -programs subset   # a representative subset
//
// It builds the suite from the Go module proxy into a cache on first use (about a
// minute), enters a private mount namespace, and writes conformance.json and
// conformance.txt to -out.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Subset is a representative part of the suite for quick runs: the lifecycle
// (create, start, kill, delete, state, pidfile), hooks, and what the init could
// disturb in the workload (args, env, cwd, user, capabilities, rlimits, mounts,
// masked and read-only paths, namespaces, uid mappings, the root's read-only flag).
var Subset = []string{
	"config_updates_without_affect", "create", "default", "delete", "hooks", "hooks_stdin",
	"kill", "linux_masked_paths", "linux_readonly_paths", "linux_uid_mappings", "misc_props",
	"mounts", "pidfile", "poststart", "poststop", "prestart", "process", "process_capabilities_fail",
	"process_user", "root_readonly_true", "start", "state",
}

type options struct {
	Oshim      string
	Runtime    string
	Version    string
	OCIVersion string
	Cache      string
	Programs   string
	Out        string
	Retries    int
	Timeout    time.Duration
	Raw        bool
	Keep       bool
	Accept     string
}

func main() {
	var o options
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	flag.StringVar(&o.Oshim, "oshim", "", "oshim binary (default: build ./cmd/oshim as make build does)")
	flag.StringVar(&o.Runtime, "runtime", "crun", "the runtime: name on PATH or path")
	flag.StringVar(&o.Version, "version", DefaultVersion, "version of "+Module+" to build")
	flag.StringVar(&o.OCIVersion, "oci-version", "1.0.2", "ociVersion the suite writes into its specs (crun 1.8.1 rejects 1.3.0)")
	flag.StringVar(&o.Cache, "cache", filepath.Join(cache, "oshim-conformance"), "where the built suite is kept")
	flag.StringVar(&o.Programs, "programs", "all", `"all", "subset", or a comma-separated list of validation programs`)
	flag.StringVar(&o.Out, "out", "test/conformance/results", "directory for conformance.json and conformance.txt")
	flag.IntVar(&o.Retries, "retries", 2, "re-runs of a program whose result differs, to tell flaky checks from regressions")
	flag.DurationVar(&o.Timeout, "timeout", 3*time.Minute, "limit for one program run")
	flag.BoolVar(&o.Raw, "raw", false, "let runtimetest read oshim's rewritten config.json (see restorespec); differences are expected")
	flag.BoolVar(&o.Keep, "keep", false, "keep the scratch directory")
	flag.StringVar(&o.Accept, "accept", "", "comma-separated PROGRAM/CONFIG whose regressions are reported as accepted instead of failing the run")
	flag.Parse()
	code, inside, err := reexec()
	if err == nil && inside {
		code, err = run(o)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "conformance:", err)
		os.Exit(2)
	}
	os.Exit(code)
}

// run returns 1 when oshim regressed on any program, 0 otherwise.
func run(o options) (int, error) {
	if os.Geteuid() != 0 {
		return 0, fmt.Errorf("run as root: the runtimes create real containers")
	}
	scratch, err := os.MkdirTemp("", "oshim-conformance-")
	if err != nil {
		return 0, fmt.Errorf("create the scratch directory: %w", err)
	}
	if !o.Keep {
		defer os.RemoveAll(scratch)
	}
	// Bundles live below it, and containers with uid mappings run as other users.
	if err := os.Chmod(scratch, 0o755); err != nil {
		return 0, fmt.Errorf("chmod %s: %w", scratch, err)
	}
	if err := prepareNamespace(scratch); err != nil {
		return 0, err
	}
	rt, err := exec.LookPath(o.Runtime)
	if err != nil {
		return 0, fmt.Errorf("%w: apt-get install %s", err, o.Runtime)
	}
	if rt, err = filepath.Abs(rt); err != nil {
		return 0, err
	}
	s, err := buildSuite(o.Cache, o.Version, o.OCIVersion)
	if err != nil {
		return 0, err
	}
	programs, err := selectPrograms(o.Programs, s.Programs)
	if err != nil {
		return 0, err
	}
	configs, err := makeConfigs(o, scratch, rt)
	if err != nil {
		return 0, err
	}
	accepted, err := parseAccept(o.Accept, programs, configs)
	if err != nil {
		return 0, err
	}
	tmp := filepath.Join(scratch, "tmp")
	if err := os.Mkdir(tmp, 0o755); err != nil {
		return 0, fmt.Errorf("create %s: %w", tmp, err)
	}
	rep := &Report{Accepted: o.Accept, Started: time.Now().UTC(), Suite: Module + "@" + s.Version, OCIVersion: s.OCIVersion, Runtime: versionOf(rt), Oshim: gitDescribe(), Configs: configs, Raw: o.Raw}
	r := &runner{suite: s, tmp: tmp, timeout: o.Timeout}
	for i, p := range programs {
		res, err := runProgram(r, p, configs, o.Retries, accepted)
		if err != nil {
			return 0, err
		}
		progress("[%d/%d] %s", i+1, len(programs), res)
		rep.Programs = append(rep.Programs, res)
	}
	rep.Finished = time.Now().UTC()
	if err := rep.write(o.Out); err != nil {
		return 0, err
	}
	if rep.Regressions() > 0 && !o.Raw {
		return 1, nil
	}
	return 0, nil
}

func selectPrograms(spec string, all []string) ([]string, error) {
	switch spec {
	case "all":
		return all, nil
	case "subset":
		spec = strings.Join(Subset, ",")
	}
	var out []string
	for _, p := range strings.Split(spec, ",") {
		p = strings.TrimSpace(p)
		if !slices.Contains(all, p) {
			return nil, fmt.Errorf("no validation program %q in the suite (have %s)", p, strings.Join(all, ", "))
		}
		out = append(out, p)
	}
	return out, nil
}

// parseAccept reads -accept: PROGRAM/CONFIG pairs naming a selected program and an
// oshim configuration.
func parseAccept(spec string, programs []string, configs []Config) (map[string]bool, error) {
	out := map[string]bool{}
	if spec == "" {
		return out, nil
	}
	for _, pair := range strings.Split(spec, ",") {
		p, c, ok := strings.Cut(strings.TrimSpace(pair), "/")
		known := slices.ContainsFunc(configs[1:], func(cfg Config) bool { return cfg.Name == c })
		if !ok || !slices.Contains(programs, p) || !known {
			return nil, fmt.Errorf("-accept %q: want PROGRAM/CONFIG with a selected program and an oshim configuration", pair)
		}
		out[p+"/"+c] = true
	}
	return out, nil
}

// progress reports on stderr; stdout holds the report.
func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "conformance: "+format+"\n", args...)
}

func versionOf(runtime string) string {
	out, err := exec.Command(runtime, "--version").Output()
	if err != nil {
		return runtime
	}
	first, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	return first
}

func gitDescribe() string {
	out, err := exec.Command("git", "describe", "--tags", "--always", "--dirty").Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}
