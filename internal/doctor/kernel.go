package doctor

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/oshim/oshim/internal/caps"
	"github.com/oshim/oshim/internal/config"
)

// HostPaths are the kernel files the doctor reads; empty fields mean the real ones.
type HostPaths struct {
	CapLastCap string // /proc/sys/kernel/cap_last_cap
	LSM        string // /sys/kernel/security/lsm
	AppArmor   string // /sys/module/apparmor/parameters/enabled
	SELinux    string // /sys/fs/selinux/enforce
	MaxUserNS  string // /proc/sys/user/max_user_namespaces
	// UnprivUserNS is Debian's and Ubuntu's kernel.unprivileged_userns_clone, absent
	// from other kernels.
	UnprivUserNS string // /proc/sys/kernel/unprivileged_userns_clone
}

func (h HostPaths) withDefaults() HostPaths {
	def := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	def(&h.CapLastCap, "/proc/sys/kernel/cap_last_cap")
	def(&h.LSM, "/sys/kernel/security/lsm")
	def(&h.AppArmor, "/sys/module/apparmor/parameters/enabled")
	def(&h.SELinux, "/sys/fs/selinux/enforce")
	def(&h.MaxUserNS, "/proc/sys/user/max_user_namespaces")
	def(&h.UnprivUserNS, "/proc/sys/kernel/unprivileged_userns_clone")
	return h
}

func checkKernel(h HostPaths, cfg *config.Config) []Check {
	h = h.withDefaults()
	return append(append(checkCapLastCap(h.CapLastCap, cfg), checkLSM(h)), checkUserNS(h)...)
}

// readValue reads a one-line kernel file; found is false when it does not exist.
func readValue(path string) (value string, found bool, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("read %s: %w", path, err)
	}
	return strings.TrimSpace(string(b)), true, nil
}

// checkCapLastCap compares the kernel's capabilities with the ones oshim knows and
// the contracts require. The init's probe reads cap_last_cap too.
func checkCapLastCap(path string, cfg *config.Config) []Check {
	v, found, err := readValue(path)
	if err == nil && !found {
		err = fmt.Errorf("%s does not exist", path)
	}
	n, perr := strconv.Atoi(v)
	if err == nil && (perr != nil || n < 0 || n > 63) {
		err = fmt.Errorf("%s holds %q, not a capability number", path, v)
	}
	if err != nil {
		return []Check{{Name: "kernel cap_last_cap", Status: Fail, Detail: err.Error(),
			Fix: "mount /proc: oshim's init probes PR_CAPBSET_DROP with cap_last_cap + 1 and cannot run without it"}}
	}
	last := caps.Cap(n)
	known := caps.Known()
	top := known[len(known)-1]
	c := Check{Name: "kernel cap_last_cap", Status: OK, Detail: fmt.Sprintf("%d (%s)", n, last)}
	if last > top {
		c.Status = Warn
		c.Detail = fmt.Sprintf("%d: the kernel has capabilities %d..%d that this oshim does not name", n, top+1, n)
		c.Fix = "upgrade oshim so that contracts can name them and records show them"
	}
	checks := []Check{c}
	if cfg == nil {
		return checks
	}
	for _, k := range cfg.Contracts {
		for _, r := range k.Required().Caps() {
			if r > last {
				checks = append(checks, Check{Name: "kernel cap_last_cap", Status: Fail,
					Detail: fmt.Sprintf("contract %q requires %s (number %d), which this kernel (cap_last_cap %d) does not have: no container can hold it", k.Name, r, int(r), n),
					Fix:    fmt.Sprintf("remove %s from the contract's require list, or run a kernel that has it", r)})
			}
		}
	}
	return checks
}

// checkLSM names the active LSMs. An LSM profile can deny PR_CAPBSET_DROP; the probe
// runs without a profile, so it only says so.
func checkLSM(h HostPaths) Check {
	c := Check{Name: "LSM", Status: OK}
	var parts []string
	if v, found, err := readValue(h.LSM); err != nil {
		parts = append(parts, err.Error())
	} else if found {
		parts = append(parts, "active: "+v)
	} else {
		parts = append(parts, "securityfs is not mounted ("+h.LSM+" is missing), the LSM list is unknown")
	}
	confining := false
	if v, found, _ := readValue(h.AppArmor); found && strings.HasPrefix(v, "Y") {
		parts = append(parts, "AppArmor enabled")
		confining = true
	}
	if v, found, _ := readValue(h.SELinux); found {
		if v == "1" {
			parts = append(parts, "SELinux enforcing")
			confining = true
		} else {
			parts = append(parts, "SELinux permissive")
		}
	}
	if confining {
		parts = append(parts, "engines confine containers with a profile that may deny PR_CAPBSET_DROP; the probe below runs unconfined, so check `oshim report` after the first real container (a denial there is \"denied: probe PR_CAPBSET_DROP\")")
	}
	c.Detail = strings.Join(parts, "; ")
	return c
}

// checkUserNS reports whether user namespaces work: rootless engines and
// user-namespaced pods need them.
func checkUserNS(h HostPaths) []Check {
	c := Check{Name: "user namespaces", Status: OK}
	v, found, err := readValue(h.MaxUserNS)
	switch {
	case err != nil:
		c.Status, c.Detail, c.Fix = Warn, err.Error(), "check that /proc is mounted"
	case !found:
		c.Status, c.Detail = Warn, "the kernel has no user namespaces ("+h.MaxUserNS+" is missing)"
		c.Fix = "rootless engines and user-namespaced pods need a kernel with CONFIG_USER_NS"
	case v == "0":
		c.Status, c.Detail = Warn, "user.max_user_namespaces = 0: user namespaces are disabled"
		c.Fix = "sysctl -w user.max_user_namespaces=15000 (rootless podman and user-namespaced pods need them)"
	default:
		c.Detail = "user.max_user_namespaces = " + v
	}
	checks := []Check{c}
	if v, found, _ := readValue(h.UnprivUserNS); found && v == "0" {
		checks = append(checks, Check{Name: "user namespaces", Status: Warn,
			Detail: "kernel.unprivileged_userns_clone = 0: unprivileged users cannot create user namespaces",
			Fix:    "sysctl -w kernel.unprivileged_userns_clone=1 for rootless podman"})
	}
	return checks
}
