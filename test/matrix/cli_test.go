package matrix

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/oshim/oshim/test/harness"
)

// cliEngine drives an engine through a client that takes podman's and docker's common
// commands: run [--detach], logs, inspect, exec --privileged, rm --force.
type cliEngine struct {
	// client runs the engine's client for cell c: the global flags that select the
	// runtime (podman), then args.
	client func(t *testing.T, c cell, args ...string) harness.Result
	// runFlags select the cell's runtime where the client takes it at `run` (docker).
	runFlags func(c cell) []string
	// logFile and configFile are where the engine keeps a container's log of its
	// output and the config.json it hands the runtime, by container id.
	logFile, configFile func(id string) string
	// reg is the registration whose config oshim reads for the cell.
	reg func(c cell) registration
	// hooks: oshim runs as podman's OCI hooks, which name records by the annotation
	// io.oshim.record and cannot cap exec sessions.
	hooks bool
}

// inspected is what the matrix reads from `podman inspect` and `docker inspect`.
type inspected struct {
	ID    string `json:"Id"`
	State struct {
		Running  bool `json:"Running"`
		Pid      int  `json:"Pid"`
		ExitCode int  `json:"ExitCode"`
	} `json:"State"`
	Config struct {
		Annotations map[string]string `json:"Annotations"`
	} `json:"Config"`
}

func (e *cliEngine) run(t *testing.T, c cell) observation {
	name := c.id()
	client := func(args ...string) harness.Result { return e.client(t, c, args...) }
	defer client("rm", "--force", name)
	create := append([]string{"--name", name}, e.runFlags(c)...)
	create = append(create, "--user", fmt.Sprintf("%d:%d", c.uid, c.uid), "--cap-drop", "ALL", "--cap-add", "KILL", "--cap-add", "NET_BIND_SERVICE")
	if c.nnp {
		create = append(create, "--security-opt", "no-new-privileges")
	}
	// The images have no command of their own: the workload is the whole command line.
	create = append(append(create, image), c.args()...)
	if !c.held() {
		o := ran(c, client(append([]string{"run"}, create...)...))
		in, err := e.inspect(t, c, name)
		switch {
		case err != nil:
			o.recordErr, o.specChange = err.Error(), err.Error()
		case c.kind == deny:
			o.specChange, o.specChecked = specChange(c, e.configFile(in.ID))
		case c.kind == report && e.hooks:
			o.noteSkew(e.reg(c).ocsf, in.Config.Annotations["io.oshim.record"])
		case c.kind == report:
			o.noteSkew(e.reg(c).ocsf, in.ID)
		}
		return o
	}
	r := client(append([]string{"run", "--detach"}, create...)...)
	if r.Code != 0 {
		return observation{refused: true, message: r.Stderr}
	}
	waitLog(c, e.logFile(strings.TrimSpace(r.Stdout)))
	logs := client("logs", name)
	o := observation{exit: -1, output: logs.Stdout + logs.Stderr}
	in, err := e.inspect(t, c, name)
	if err != nil || !in.State.Running {
		o.exit = in.State.ExitCode
		o.output += fmt.Sprintf("\n(inspect: running %t, %v)", in.State.Running, err)
		return o
	}
	o.noteHost(in.State.Pid)
	if !e.hooks {
		o.noteExec(client("exec", "--privileged", name, capdumpPath))
	}
	return o
}

func (e *cliEngine) inspect(t *testing.T, c cell, name string) (inspected, error) {
	r := e.client(t, c, "inspect", name)
	var out []inspected
	if err := json.Unmarshal([]byte(r.Stdout), &out); err != nil || len(out) != 1 {
		return inspected{}, fmt.Errorf("inspect %s (exit %d): %v", name, r.Code, err)
	}
	return out[0], nil
}
