package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oshim/oshim/internal/caps"
	"github.com/oshim/oshim/internal/contract"
)

func TestLoadSample(t *testing.T) {
	c, err := Load("testdata/supervisor.toml")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if c.Runtime != "crun" || c.Set.Len() != 1 {
		t.Fatalf("runtime %q, %d contracts; want crun, 1", c.Runtime, c.Set.Len())
	}
	k, ok := c.Set.Lookup("sandbox-supervisor")
	if !ok {
		t.Fatal("contract sandbox-supervisor not found")
	}
	if got := k.Required(); got != caps.NewSet(caps.SETPCAP) {
		t.Fatalf("require = %v, want CAP_SETPCAP", got)
	}
	if k.Bounding != contract.BoundingSpec || k.OnSkew != contract.Repair || !k.WantsInit() {
		t.Fatalf("bounding %q on_skew %q init %v", k.Bounding, k.OnSkew, k.WantsInit())
	}
	if len(c.Warnings) != 0 {
		t.Fatalf("warnings for an anchored sample: %v", c.Warnings)
	}
}

func TestLoadMissingFile(t *testing.T) {
	absent := filepath.Join(t.TempDir(), "absent.toml")
	tests := []struct {
		description string
		src         Source
		want        []string // in the error; none: passthrough
	}{
		{description: "the default path absent is passthrough", src: Source{Path: absent}},
		{description: "OSHIM_CONFIG naming no file", src: Source{Path: absent, Origin: EnvPath}, want: []string{"OSHIM_CONFIG=" + absent, "names no config file", "unset OSHIM_CONFIG"}},
		{description: "--config naming no file", src: Source{Path: absent, Origin: "--config"}, want: []string{"--config " + absent, "no such config file"}},
		{description: "Load of a path", src: Source{Path: absent, Origin: "config"}, want: []string{"config " + absent}},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			c, err := tt.src.Load()
			if len(tt.want) == 0 {
				if err != nil || c.Set.Len() != 0 || c.Path != "" {
					t.Fatalf("Load = %+v, %v; want no contracts and no error", c, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Load of a missing named file succeeded")
			}
			if !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("error %q does not wrap fs.ErrNotExist", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestLocate(t *testing.T) {
	tests := []struct {
		description string
		env, flag   string
		want        Source
	}{
		{description: "nothing set is the default", want: Source{Path: DefaultPath}},
		{description: "the environment", env: "/e.toml", want: Source{Path: "/e.toml", Origin: EnvPath}},
		{description: "--config beats the environment", env: "/e.toml", flag: "/f.toml", want: Source{Path: "/f.toml", Origin: "--config"}},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			t.Setenv(EnvPath, tt.env)
			if got := Locate(tt.flag); got != tt.want {
				t.Fatalf("Locate(%q) with %s=%q = %+v, want %+v", tt.flag, EnvPath, tt.env, got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		description string
		text        string
		want        []string
	}{
		{
			description: "syntax error names the line",
			text:        "# oshim\nruntime = crun\n",
			want:        []string{"line 2"},
		},
		{
			description: "unknown capability names the line",
			text:        "[[contract]]\nname = \"a\"\nmatch.all = true\nrequire = [\"CAP_SETPCAPP\"]\n",
			want:        []string{"line 4", "CAP_SETPCAPP"},
		},
		{
			description: "bad regexp names the line",
			text:        "[[contract]]\nname = \"a\"\nmatch.commands = ['^(x$']\n",
			want:        []string{"line 3", "invalid regexp"},
		},
		{
			description: "bad mode",
			text:        "[[contract]]\nname = \"a\"\nmatch.all = true\non_skew = \"fix\"\n",
			want:        []string{"line 4", "on_skew"},
		},
		{
			description: "unknown key",
			text:        "[[contract]]\nname = \"a\"\nmatch.all = true\nrequires = [\"CAP_SETPCAP\"]\n",
			want:        []string{"line 4", "unknown key", "requires"},
		},
		{
			description: "contract that can never apply names its header line",
			text:        "runtime = \"runc\"\n\n[[contract]]\nname = \"a\"\n",
			want:        []string{"line 3", "can never apply"},
		},
		{
			description: "duplicate names",
			text:        "[[contract]]\nname = \"a\"\nmatch.all = true\n[[contract]]\nname = \"a\"\nmatch.all = true\n",
			want:        []string{"line 4", "used twice"},
		},
		{
			description: "clear without init",
			text:        "[[contract]]\nname = \"a\"\nmatch.all = true\nbounding = \"clear\"\ninit = false\n",
			want:        []string{"needs the in-container init"},
		},
		{
			description: "relative runtime path",
			text:        "runtime = \"bin/crun\"\n",
			want:        []string{"absolute path"},
		},
		{
			description: "match.all combined with commands",
			text:        "[[contract]]\nname = \"a\"\nmatch.all = true\nmatch.commands = ['^x$']\n",
			want:        []string{"cannot be combined"},
		},
		{
			description: "name unfit for an annotation",
			text:        "[[contract]]\nname = \"a b\"\nmatch.all = true\n",
			want:        []string{"name may hold only"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "config.toml")
			if err := os.WriteFile(p, []byte(tc.text), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(p)
			if err == nil {
				t.Fatalf("Load succeeded, want an error containing %q", tc.want)
			}
			for _, w := range append(tc.want, p) {
				if !strings.Contains(err.Error(), w) {
					t.Fatalf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

// TestLoadSettings: runtime calls that apply no contract read the settings alone; a
// contract the file gets wrong fails LoadContracts with Load's own error, and settings
// the file gets wrong still fail every call.
func TestLoadSettings(t *testing.T) {
	tests := []struct {
		description     string
		text            string
		wantSettingsErr string
		wantContractErr string
		wantContracts   int
	}{
		{description: "good", text: "runtime = \"runc\"\n[[contract]]\nname = \"a\"\nmatch.all = true\n", wantContracts: 1},
		{description: "no contracts", text: "runtime = \"runc\"\n"},
		{description: "unknown contract key", text: "runtime = \"runc\"\n[[contract]]\nname = \"a\"\nmatch.all = true\nrequires = []\n", wantContractErr: "line 5: unknown key \"contract.requires\""},
		{description: "bad pattern", text: "runtime = \"runc\"\n[[contract]]\nname = \"a\"\nmatch.commands = ['^(x$']\n", wantContractErr: "line 4"},
		{description: "bad contract", text: "runtime = \"runc\"\n[[contract]]\nname = \"a\"\n", wantContractErr: "line 2"},
		{description: "unknown top-level key", text: "runtimes = \"runc\"\n[[contract]]\nname = \"a\"\nmatch.all = true\n", wantSettingsErr: "line 1: unknown key \"runtimes\""},
		{description: "bad run_dir", text: "run_dir = \"run\"\n", wantSettingsErr: "absolute path"},
		{description: "syntax", text: "runtime = runc\n", wantSettingsErr: "line 1"},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "config.toml")
			if err := os.WriteFile(p, []byte(tc.text), 0o644); err != nil {
				t.Fatal(err)
			}
			src := Source{Path: p, Origin: "test"}
			_, loadErr := src.Load()
			c, err := src.LoadSettings()
			if tc.wantSettingsErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantSettingsErr) || !strings.Contains(err.Error(), p) {
					t.Fatalf("LoadSettings error = %v, want one naming %s and %q", err, p, tc.wantSettingsErr)
				}
				if loadErr == nil || loadErr.Error() != err.Error() {
					t.Fatalf("Load error = %v, LoadSettings error = %v: want the same", loadErr, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("LoadSettings: %v", err)
			}
			if c.Runtime != "runc" && c.RunDir == "" {
				t.Fatalf("LoadSettings read no settings: %+v", c)
			}
			if c.Set != nil || c.Contracts != nil {
				t.Fatalf("LoadSettings decoded the contracts: %+v", c.Contracts)
			}
			for range 2 { // once decoded, LoadContracts does nothing more
				err = c.LoadContracts()
				if tc.wantContractErr == "" {
					if err != nil || c.Set.Len() != tc.wantContracts || loadErr != nil {
						t.Fatalf("LoadContracts: %v, %d contracts (Load: %v); want %d", err, c.Set.Len(), loadErr, tc.wantContracts)
					}
					continue
				}
				if err == nil || !strings.Contains(err.Error(), tc.wantContractErr) || loadErr == nil || loadErr.Error() != err.Error() {
					t.Fatalf("LoadContracts error = %v, Load error = %v; want the same, containing %q", err, loadErr, tc.wantContractErr)
				}
				break
			}
		})
	}
}

func TestUnanchoredPatternWarns(t *testing.T) {
	c, err := Parse([]byte("[[contract]]\nname = \"a\"\nmatch.commands = ['openshell-sandbox']\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], "openshell-sandbox") {
		t.Fatalf("warnings = %q, want one naming the pattern", c.Warnings)
	}
}

func FuzzParse(f *testing.F) {
	sample, err := os.ReadFile("testdata/supervisor.toml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sample)
	f.Add([]byte("[[contract]]\nname = \"a\"\nmatch.all = true\nbounding = \"clear\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data)
		settings, settingsErr := parseSettings(data)
		if err != nil {
			// What the settings alone reject, Parse rejects for the same reason.
			if settingsErr != nil && settingsErr.Error() != err.Error() {
				t.Fatalf("Parse: %v; parseSettings: %v", err, settingsErr)
			}
			return
		}
		if c.Set == nil {
			t.Fatal("parsed config without a contract set")
		}
		if settingsErr != nil {
			t.Fatalf("Parse accepted what parseSettings refuses: %v", settingsErr)
		}
		if settings.Runtime != c.Runtime || settings.RunDir != c.RunDir || settings.OCSFLog != c.OCSFLog || settings.MaxRecords != c.MaxRecords || settings.MetricsTextfile != c.MetricsTextfile {
			t.Fatalf("parseSettings read %+v, Parse %+v", settings, c)
		}
		if err := settings.decodeContracts(); err != nil || settings.Set.Len() != c.Set.Len() {
			t.Fatalf("contracts decoded after the settings: %v, %d; Parse: %d", err, settings.Set.Len(), c.Set.Len())
		}
	})
}
