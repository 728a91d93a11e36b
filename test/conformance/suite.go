package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// Module is the Go module of the OCI runtime-tools validation suite. The proxy serves
// it by pseudo-version; branch queries (@master) are refused here, and a pinned commit
// keeps CI's result comparable from run to run.
const Module = "github.com/opencontainers/runtime-tools"

// DefaultVersion is the commit of runtime-tools the suite is built from (master of
// 2026-03-16).
const DefaultVersion = "v0.9.1-0.20260316125833-8a4db579f5c8"

// versionLine is the line of generate/generate.go that writes the spec version into
// every config.json the suite generates: the runtime-spec version the suite is built
// against (1.3.0), which crun 1.8.1 rejects ("unknown version specified").
const versionLine = "Version:  rspec.Version,"

// suite is the built validation suite: Bin holds runtimetest, the rootfs tarball and
// one program per validation, and is the programs' working directory (they read
// runtimetest and rootfs-<arch>.tar.gz from it).
type suite struct {
	Version    string
	OCIVersion string
	Bin        string
	Programs   []string
}

// buildSuite downloads the module through the Go module proxy, copies it to a writable
// tree without its vendor/ (the module zip's vendor/ is incomplete), makes the
// generated ociVersion ociVersion, and builds the programs. The result is cached in
// cache/<version>-oci<ociVersion>.
func buildSuite(cache, version, ociVersion string) (*suite, error) {
	s := &suite{Version: version, OCIVersion: ociVersion}
	dir := filepath.Join(cache, version+"-oci"+ociVersion)
	s.Bin = filepath.Join(dir, "bin")
	done := filepath.Join(dir, "built")
	if _, err := os.Stat(done); err != nil {
		progress("building runtime-tools %s in %s", version, dir)
		if err := os.RemoveAll(dir); err != nil {
			return nil, fmt.Errorf("clean %s: %w", dir, err)
		}
		if err := build(dir, s.Bin, version, ociVersion); err != nil {
			return nil, err
		}
		if err := os.WriteFile(done, []byte(version+"\n"), 0o644); err != nil {
			return nil, fmt.Errorf("mark %s built: %w", dir, err)
		}
	}
	var err error
	if s.Programs, err = listPrograms(s.Bin); err != nil {
		return nil, err
	}
	return s, nil
}

func build(dir, bin, version, ociVersion string) error {
	modDir, err := download(version)
	if err != nil {
		return err
	}
	src := filepath.Join(dir, "src")
	if err := os.CopyFS(src, os.DirFS(modDir)); err != nil {
		return fmt.Errorf("copy %s: %w", modDir, err)
	}
	if err := os.RemoveAll(filepath.Join(src, "vendor")); err != nil {
		return fmt.Errorf("remove vendor/: %w", err)
	}
	if err := patchVersion(filepath.Join(src, "generate", "generate.go"), ociVersion); err != nil {
		return err
	}
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", bin, err)
	}
	// runtimetest runs inside the busybox containers: static, like upstream's Makefile.
	if err := goBuild(src, "-tags", "netgo osusergo", "-o", filepath.Join(bin, "runtimetest"), "./cmd/runtimetest"); err != nil {
		return err
	}
	if err := goBuild(src, "-o", bin+string(filepath.Separator), "./validation/..."); err != nil {
		return err
	}
	tarball := "rootfs-amd64.tar.gz"
	data, err := os.ReadFile(filepath.Join(src, tarball))
	if err != nil {
		return fmt.Errorf("read the suite's rootfs: %w", err)
	}
	return os.WriteFile(filepath.Join(bin, tarball), data, 0o644)
}

// download fetches Module@version into the module cache and returns its directory.
func download(version string) (string, error) {
	out, err := exec.Command("go", "mod", "download", "-json", Module+"@"+version).Output()
	var info struct{ Dir, Error string }
	if jerr := json.Unmarshal(out, &info); jerr != nil && err == nil {
		err = jerr
	}
	if info.Error != "" {
		return "", fmt.Errorf("go mod download %s@%s: %s", Module, version, info.Error)
	}
	if err != nil {
		return "", fmt.Errorf("go mod download %s@%s: %w", Module, version, err)
	}
	return info.Dir, nil
}

// patchVersion replaces the generated spec version. Exactly one line must match, so a
// change upstream fails here instead of silently testing with another version.
func patchVersion(path, ociVersion string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("patch ociVersion: %w", err)
	}
	if n := bytes.Count(data, []byte(versionLine)); n != 1 {
		return fmt.Errorf("patch ociVersion: %s has %d lines %q, want 1", path, n, versionLine)
	}
	data = bytes.Replace(data, []byte(versionLine), []byte(fmt.Sprintf("Version:  %q,", ociVersion)), 1)
	return os.WriteFile(path, data, 0o644)
}

// goBuild builds in the suite's own module, outside this repository's workspace, with
// modules downloaded as go.sum lists them.
func goBuild(dir string, args ...string) error {
	cmd := exec.Command("go", append([]string{"build", "-trimpath"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=-mod=mod", "GOWORK=off")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %w\n%s", strings.Join(args, " "), err, msg)
	}
	return nil
}

// listPrograms lists the validation programs in bin: every executable but runtimetest.
func listPrograms(bin string) ([]string, error) {
	entries, err := os.ReadDir(bin)
	if err != nil {
		return nil, fmt.Errorf("list the suite: %w", err)
	}
	var out []string
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() || info.Mode()&fs.ModePerm&0o111 == 0 || e.Name() == "runtimetest" {
			continue
		}
		out = append(out, e.Name())
	}
	sort.Strings(out)
	if len(out) == 0 {
		return nil, fmt.Errorf("no validation programs in %s", bin)
	}
	return out, nil
}
