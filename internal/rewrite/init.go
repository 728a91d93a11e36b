package rewrite

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/oshim/oshim/internal/contract"
	"github.com/oshim/oshim/internal/initproc"
	"github.com/oshim/oshim/internal/spec"
)

// InitOptions are the init's arguments for this plan.
func (pl *Plan) InitOptions() initproc.Options {
	return initproc.Options{
		ClearBounding: pl.Contract.Bounding == contract.BoundingClear,
		Drop:          pl.Drop,
		Require:       pl.Contract.Required(),
		Result:        initproc.ResultPipe,
	}
}

// injectInit makes the init the container's first process, mounts the container's own
// copy of it, and lends it what the plan lends. source is the host directory holding
// the copy and the result FIFO.
func injectInit(o *spec.Object, pl *Plan, workload []string, source string) error {
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
	return addMount(o, source)
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
}

// addMount places the init's mounts right after the spec's /dev mount, so their
// mountpoints are created in the runtime's /dev tmpfs and never in the rootfs. Files,
// not the directory, are mounted: a container that remounts them read-write can write
// into its own copy but create nothing on the host, and removing the host's copy once
// the init has run leaves the container's mount intact.
func addMount(o *spec.Object, source string) error {
	var mounts []json.RawMessage
	if _, err := o.Lookup(&mounts, "mounts"); err != nil {
		return fmt.Errorf("read mounts: %w", err)
	}
	var ours []json.RawMessage
	for _, target := range []string{initproc.Binary, initproc.ResultPipe} {
		m, err := json.Marshal(map[string]any{
			"destination": target,
			"type":        "bind",
			"source":      filepath.Join(source, filepath.Base(target)),
			"options":     []string{"bind", "ro", "nosuid", "nodev"},
		})
		if err != nil {
			return err
		}
		ours = append(ours, m)
	}
	out := make([]json.RawMessage, 0, len(mounts)+len(ours))
	devAt := -1
	for _, m := range mounts {
		var mp mountPoint
		if err := json.Unmarshal(m, &mp); err != nil {
			return fmt.Errorf("read mounts: %w", err)
		}
		if strings.HasPrefix(filepath.Clean(mp.Destination)+"/", initproc.MountDir+"/") {
			continue
		}
		out = append(out, m)
		if filepath.Clean(mp.Destination) == "/dev" {
			devAt = len(out) - 1
		}
	}
	if devAt < 0 {
		return fmt.Errorf("the spec has no /dev mount: oshim's init is mounted under /dev so that it leaves nothing in the rootfs; add the usual /dev tmpfs mount or set init = false in the contract")
	}
	out = append(out[:devAt+1], append(ours, out[devAt+1:]...)...)
	if err := o.Set(out, "mounts"); err != nil {
		return fmt.Errorf("set mounts: %w", err)
	}
	return nil
}

// mainLists is what the main process holds when its workload starts, for capping exec
// sessions: the repaired lists, less what the init drops, with the bounding set the
// init leaves and, for root, the inheritable set it raises.
func (pl *Plan) mainLists() Lists {
	after := pl.After()
	if pl.Contract.Bounding != contract.BoundingClear {
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
