package rewrite

import (
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"

	"github.com/oshim/oshim/internal/contract"
	"github.com/oshim/oshim/internal/initproc"
	"github.com/oshim/oshim/internal/spec"
)

// InitOptions are the init's arguments for this plan.
func (pl *Plan) InitOptions() initproc.Options {
	return initproc.Options{
		ClearBounding: pl.Contract.Bounding == contract.BoundingClear && !pl.Observes(),
		Drop:          pl.Drop,
		Require:       pl.Contract.Required(),
		Result:        initproc.ResultPipe,
		ReportOnly:    pl.Observes(),
	}
}

// injectInit makes the init the container's first process, mounts the container's own
// copy of it, and lends it what the plan lends.
func injectInit(o *spec.Object, pl *Plan, workload []string, t Target) error {
	if err := o.Set(pl.InitOptions().Args(unwrapInit(workload)), "process", "args"); err != nil {
		return fmt.Errorf("set process.args: %w", err)
	}
	after := pl.After()
	for _, key := range setKeys {
		lend, ok := pl.Lend[key]
		if !ok {
			continue
		}
		if err := o.Set(after.addTo(key, lend), "process", "capabilities", key); err != nil {
			return fmt.Errorf("set process.capabilities.%s: %w", key, err)
		}
	}
	return addMounts(o, t)
}

// unwrapInit strips an init prefix a spec already carries, whoever put it there: the
// init's options come from the contract, never from the spec. The workload is what the
// init itself would run; arguments the init would refuse are left as they are, so the
// injected init runs them and the inner one refuses them.
func unwrapInit(args []string) []string {
	if len(args) == 0 || args[0] != initproc.Binary {
		return args
	}
	if _, workload, err := initproc.ParseArgs(args[1:]); err == nil {
		return workload
	}
	return args
}

type mountPoint struct {
	Destination string `json:"destination"`
	Type        string `json:"type"`
}

// addMounts appends the init's mounts after every mount of the spec. Last is what
// makes them what the container sees at the init's paths: a later mount on or above
// them (a volume at a path that an image symlink leads into /dev, a second /dev) would
// shadow the init with a file of the container's choosing, which would then run with
// what is lent to the init. Mounts the spec already has at the init's paths, as a spec
// oshim rewrote before has, are dropped; a mount that reaches them only through the
// image's symlinks is refused, and /dev must be the runtime's fresh tmpfs, so the
// mountpoints are made there and never on the host.
//
// Files, not the directory, are mounted: a container that remounts them read-write can
// write into its own copy but create nothing on the host, and removing the host's copy
// once the init has run leaves the container's mount intact.
func addMounts(o *spec.Object, t Target) error {
	var mounts []json.RawMessage
	if _, err := o.Lookup(&mounts, "mounts"); err != nil {
		return fmt.Errorf("read mounts: %w", err)
	}
	kept := make([]json.RawMessage, 0, len(mounts)+2)
	dev := false
	for i, m := range mounts {
		var mp mountPoint
		if err := json.Unmarshal(m, &mp); err != nil {
			return fmt.Errorf("read mounts[%d]: %w", i, err)
		}
		if under(path.Clean("/"+mp.Destination), initproc.MountDir) {
			continue
		}
		dest, err := resolveDestination(t.Rootfs, mp.Destination)
		if err != nil {
			return fmt.Errorf("mounts[%d] destination %q: %w", i, mp.Destination, err)
		}
		switch {
		case under(dest, initproc.MountDir):
			return fmt.Errorf("mounts[%d] destination %q leads through the image's symlinks to %s, where oshim mounts its init: no mount may cover the init; move the volume elsewhere or set init = false in the contract", i, mp.Destination, dest)
		case dest == "/dev":
			dev = mp.Type == "tmpfs"
			if !dev {
				return fmt.Errorf("mounts[%d] mounts %q at /dev with type %q: oshim's init is mounted under /dev, which must be the runtime's own tmpfs so that nothing is created on the host; set init = false in the contract for such a container", i, mp.Destination, mp.Type)
			}
		case dest == "/":
			return fmt.Errorf("mounts[%d] destination %q covers the whole root filesystem, and with it the init's mount point", i, mp.Destination)
		}
		kept = append(kept, m)
	}
	if !dev {
		return errors.New("the spec has no /dev mount: oshim's init is mounted under /dev so that it leaves nothing in the rootfs; add the usual /dev tmpfs mount or set init = false in the contract")
	}
	for _, target := range []string{initproc.Binary, initproc.ResultPipe} {
		m, err := json.Marshal(map[string]any{
			"destination": target,
			"type":        "bind",
			"source":      filepath.Join(t.InitSource, filepath.Base(target)),
			"options":     []string{"bind", "ro", "nosuid", "nodev"},
		})
		if err != nil {
			return err
		}
		kept = append(kept, m)
	}
	if err := o.Set(kept, "mounts"); err != nil {
		return fmt.Errorf("set mounts: %w", err)
	}
	return nil
}

// resolveDestination is a mount destination as the runtime will reach it: made
// absolute and cleaned, and, where the rootfs is known, with the image's symlinks
// followed inside it as runc and crun do.
func resolveDestination(rootfs, dest string) (string, error) {
	clean := path.Clean("/" + dest)
	if rootfs == "" {
		return clean, nil
	}
	joined, err := securejoin.SecureJoin(rootfs, clean)
	if err != nil {
		return "", fmt.Errorf("resolve in the rootfs %s: %w", rootfs, err)
	}
	rel, err := filepath.Rel(rootfs, joined)
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return "", fmt.Errorf("resolves outside the rootfs %s", rootfs)
	}
	return path.Clean("/" + rel), nil
}

// under reports whether p is dir or below it.
func under(p, dir string) bool { return p == dir || strings.HasPrefix(p, dir+"/") }

// Main is what the main process holds when its workload starts, for capping exec
// sessions: the repaired lists, less what the init drops, with the bounding set the
// init leaves and, for root, the inheritable set it raises.
func (pl *Plan) Main() Lists {
	after := pl.After()
	if !pl.InitOptions().ClearBounding {
		return after
	}
	main := Lists{"bounding": {}}
	for _, key := range []string{"effective", "permitted", "inheritable", "ambient"} {
		main[key] = after.Set(key).Minus(pl.Drop).Names()
	}
	if pl.Root {
		main["inheritable"] = after.Set("inheritable").Union(after.Set("permitted")).Minus(pl.Drop).Names()
	}
	return main
}
