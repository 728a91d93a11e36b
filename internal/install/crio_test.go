package install

import (
	"reflect"
	"strings"
	"testing"
)

func TestCrio(t *testing.T) {
	tests := []struct {
		description string
		tgt         Crio
		files       map[string]string
		path        string
		handler     string
		wantErr     string
	}{
		{
			description: "default drop-in directory",
			path:        "/etc/crio/crio.conf.d/50-oshim.conf",
			handler:     "oshim",
		},
		{
			description: "other drop-ins and a main config are left alone",
			files: map[string]string{
				crioConf:                         "[crio.runtime]\ndefault_runtime = \"crun\"\n",
				"/etc/crio/crio.conf.d/10-crun":  "[crio.runtime.runtimes.crun]\nruntime_root = \"/run/crun\"\n",
				"/etc/crio/crio.conf.d/99-other": "[crio.image]\npause_image = \"x\"\n",
			},
			path:    "/etc/crio/crio.conf.d/50-oshim.conf",
			handler: "oshim",
		},
		{
			description: "another directory and handler name",
			tgt:         Crio{Dir: "/srv/crio.d", Handler: "sandboxed"},
			path:        "/srv/crio.d/50-oshim.conf",
			handler:     "sandboxed",
		},
		{
			description: "a handler of that name in another drop-in (any file name) is refused",
			files:       map[string]string{"/etc/crio/crio.conf.d/01-mine": "[crio.runtime.runtimes.oshim]\nruntime_path = \"/x\"\n"},
			wantErr:     `01-mine already configures the runtime handler "oshim"`,
		},
		{
			description: "a handler of that name in crio.conf is refused",
			files:       map[string]string{crioConf: "[crio.runtime.runtimes.oshim]\nruntime_path = \"/x\"\n"},
			wantErr:     `crio.conf already configures`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			root := newRoot(t, tc.files)
			tgt := tc.tgt
			tgt.Binary = testBinary
			if tc.wantErr != "" {
				out, err := runOp(t, Install, &tgt, root, false)
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q\n%s", err, tc.wantErr, out)
				}
				return
			}
			installed := checkLifecycle(t, &tgt, root)
			doc, err := decodeTOML([]byte(strings.TrimPrefix(installed[tc.path], "-rw-r--r--\n")))
			if err != nil {
				t.Fatalf("drop-in does not parse: %v\n%s", err, installed[tc.path])
			}
			want := map[string]any{
				"runtime_path":        testBinary,
				"runtime_type":        "oci",
				"runtime_root":        "/run/oshim-runtime-root",
				"allowed_annotations": []any{"io.oshim.contract", "io.oshim.on-skew", "io.oshim.bounding"},
			}
			if got := table(doc, "crio", "runtime", "runtimes", tc.handler); !reflect.DeepEqual(got, want) {
				t.Errorf("runtime table = %v, want %v", got, want)
			}
		})
	}
}

// TestCrioPackagedRuntime: CRI-O's packages run crun from /usr/libexec/crio, off PATH;
// install says which runtime CRI-O uses and where oshim looks.
func TestCrioPackagedRuntime(t *testing.T) {
	root := newRoot(t, map[string]string{
		crioConf:                        "[crio.runtime]\ndefault_runtime = \"crun\"\n",
		"/etc/crio/crio.conf.d/10-crun": "[crio.runtime.runtimes.crun]\nruntime_path = \"/usr/libexec/crio/crun\"\n",
	})
	out := mustOp(t, Install, &Crio{Binary: testBinary}, root, true)
	if !strings.Contains(out, `CRI-O's default runtime "crun" runs /usr/libexec/crio/crun`) || !strings.Contains(out, "then in /usr/libexec/crio") {
		t.Errorf("install does not say which runtime CRI-O runs:\n%s", out)
	}
}
