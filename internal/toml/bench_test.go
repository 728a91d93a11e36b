package toml

import (
	"testing"

	bstoml "github.com/BurntSushi/toml"
)

// benchConfig is a realistic oshim admin config of about 2 KB.
const benchConfig = `# oshim admin configuration
runtime     = "/usr/bin/runc"
run_dir     = "/run/oshim"
ocsf_log    = "/var/log/oshim/ocsf.jsonl"
syslog      = true
max_records = 10_000

[[contract]]
name     = "setpcap-foo"
require  = ["CAP_SETPCAP"]
bounding = "clear"
on_skew  = "repair"
init     = true

[contract.match]
commands    = ['^/usr/bin/foo$', '^/usr/local/bin/foo-[0-9]+$']
annotations = { "io.x/y" = "^a$", "io.x/z" = "^(b|c)$" }

[[contract]]
name     = "setpcap-bar"
require  = ["CAP_SETPCAP", "CAP_SYS_ADMIN"]
bounding = "clear"
on_skew  = "repair"
init     = true

[contract.match]
commands    = ['^/usr/bin/bar$', '^/opt/bar/bin/bar$', '^/usr/sbin/bard$']
annotations = { "io.x/y" = "^bar$" }

[[contract]]
name     = "net-admin-baz"
require  = ["CAP_NET_ADMIN"]
bounding = "keep"
on_skew  = "refuse"
init     = false

[contract.match]
commands    = [
  '^/usr/bin/baz$',   # the daemon
  '^/usr/bin/bazctl$', # its control tool
]
annotations = { "io.x/y" = "^baz$", "io.x/tier" = "^(gold|silver)$" }

[[contract]]
name     = "chown-qux"
require  = ["CAP_CHOWN", "CAP_FOWNER", "CAP_DAC_OVERRIDE"]
bounding = "clear"
on_skew  = "repair"
init     = true

[contract.match]
commands    = ['^/usr/bin/qux$', '^/usr/libexec/qux/helper$']
annotations = { "io.x/y" = "^qux$" }

[[contract]]
name     = "sys-time-clock"
require  = ["CAP_SYS_TIME"]
bounding = "clear"
on_skew  = "repair"
init     = true

[contract.match]
commands    = ['^/usr/sbin/chronyd$', '^/usr/sbin/ntpd$']
annotations = { "io.x/y" = "^clock$", "io.x/owner" = "^platform-team$" }

[[contract]]
name     = "raw-ping"
require  = ["CAP_NET_RAW"]
bounding = "keep"
on_skew  = "repair"
init     = false

[contract.match]
commands    = ['^/usr/bin/ping$', '^/bin/ping$']
annotations = { "io.x/y" = "^ping$" }

[[contract]]
name     = "kill-reaper"
require  = ["CAP_KILL"]
bounding = "clear"
on_skew  = "repair"
init     = true

[contract.match]
commands    = ['^/usr/bin/reaper$']
annotations = { "io.x/y" = "^reaper$", "io.x/mode" = "^(soft|hard)$" }
`

func BenchmarkParse(b *testing.B) {
	data := []byte(benchConfig)
	b.Run("oshim", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Parse(data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("BurntSushi", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			v := map[string]any{}
			if _, err := bstoml.Decode(string(data), &v); err != nil {
				b.Fatal(err)
			}
		}
	})
}
