package packaging

import (
	"slices"
	"strings"
	"testing"

	"github.com/oshim/oshim/install/presets"
	"github.com/oshim/oshim/test/harness"
)

// The .rpm, with Debian's rpm (--nodeps: this machine's rpm database is empty): its
// files, the preset config where none exists, and erase, which removes an unchanged
// config and keeps an edited one as config.toml.rpmsave.
func TestRpm(t *testing.T) {
	pkg := packageFile(t, ".rpm")
	ov := harness.NewOverlay(t, "/etc", "/usr", "/var")
	listed := strings.Fields(ov.RunOK(t, nil, "rpm", "-qlp", pkg).Stdout)
	want := slices.Concat(binaries(t), packageFiles, []string{"/usr/share/zsh/site-functions/_oshim", "/usr/share/oshim", "/usr/share/oshim/hooks.d"})
	slices.Sort(listed)
	want = slices.Sorted(slices.Values(want))
	if !slices.Equal(listed, want) {
		t.Errorf("rpm -qlp: %q, want %q", listed, want)
	}
	rpm := func(args ...string) {
		t.Helper()
		ov.RunOK(t, nil, append([]string{"rpm", "--nodeps"}, args...)...)
	}
	gone := "test ! -e " + strings.Join(want, " && test ! -e ") + " && test ! -e /var/lib/oshim"

	rpm("-i", pkg)
	wantVersion(t, ov.Shell(t, "oshim version").Stdout)
	if got := ov.Shell(t, "cat /etc/oshim/config.toml").Stdout; got != string(presets.Config) {
		t.Errorf("/etc/oshim/config.toml is not the preset:\n%s", got)
	}
	rpm("-e", "oshim")
	ov.Shell(t, gone+" && test ! -e /etc/oshim")

	rpm("-i", pkg)
	ov.Shell(t, "echo '# edited' >> /etc/oshim/config.toml")
	rpm("-e", "oshim")
	ov.Shell(t, gone+" && test ! -e /etc/oshim/config.toml && grep -q '# edited' /etc/oshim/config.toml.rpmsave")
}
