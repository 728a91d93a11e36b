package install

import (
	"encoding/json"
)

// HookStages are the OCI hook stages install registers with Podman, each running
// `oshim hook STAGE`: precreate (Podman alone has it) rewrites the proposed config.json
// read from stdin; poststop removes oshim's record of the container.
var HookStages = []string{"precreate", "poststop"}

// ociHook is a hook definition file (oci-hooks(5), schema 1.0.0).
type ociHook struct {
	Version string    `json:"version"`
	Hook    hookEntry `json:"hook"`
	When    hookWhen  `json:"when"`
	Stages  []string  `json:"stages"`
}

type hookEntry struct {
	Path string   `json:"path"`
	Args []string `json:"args"`
	// Env is the hook's whole environment: Podman gives hooks none of its own.
	Env []string `json:"env,omitempty"`
}

type hookWhen struct {
	Always bool `json:"always"`
}

// HookJSON returns the hook definition that runs `oshim hook STAGE` from binary, with
// env as its environment.
func HookJSON(binary, stage string, env []string) []byte {
	h := ociHook{
		Version: "1.0.0",
		Hook:    hookEntry{Path: binary, Args: []string{"oshim", "hook", stage}, Env: env},
		When:    hookWhen{Always: true},
		Stages:  []string{stage},
	}
	data, _ := json.MarshalIndent(h, "", "  ") // strings and bools only: cannot fail
	return append(data, '\n')
}

// hookFile names the definition of one stage.
func hookFile(stage string) string { return "oshim-" + stage + ".json" }
