#!/usr/bin/env bash
# The motivating case end to end: a sandbox supervisor that must clear its bounding set
# crash-loops when the orchestrator withholds CAP_SETPCAP; oshim repairs the spec.
# Usage: test/demo/demo.sh path/to/oshim   (as root; `make demo` does it all)
set -euo pipefail
OSHIM=$(realpath "${1:-bin/oshim}")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/oshim-demo.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
# crun refuses this machine's hybrid cgroup layout; run the runtimes in a private mount
# namespace without the cgroup2 mount (crun refuses the hybrid cgroup layout of some hosts).
ns() { unshare -m sh -c 'mountpoint -q /sys/fs/cgroup/unified && umount /sys/fs/cgroup/unified; exec "$@"' sh "$@"; }

say "Building the supervisor-like workload"
CGO_ENABLED=0 go build -C "$ROOT" -o "$WORK/supervisor" ./test/workload/supervisor

say "A busybox bundle whose spec withholds CAP_SETPCAP (an older orchestrator's)"
B="$WORK/bundle"; mkdir -p "$B/rootfs/bin" "$B/rootfs/opt/openshell/bin"
cp /bin/busybox "$B/rootfs/bin/"
for c in $(/bin/busybox --list); do [ "$c" = busybox ] || ln -sf busybox "$B/rootfs/bin/$c"; done
cp "$WORK/supervisor" "$B/rootfs/opt/openshell/bin/openshell-sandbox"
(cd "$B" && crun spec)
jq '.process.terminal = false | .process.args = ["/opt/openshell/bin/openshell-sandbox"]
    | .process.capabilities |= with_entries(.value -= ["CAP_SETPCAP"])' "$B/config.json" > "$B/c" && mv "$B/c" "$B/config.json"
cp "$B/config.json" "$WORK/config.orig.json"
jq -c .process.capabilities.effective "$B/config.json"

say "crun runs it directly: the supervisor fails closed"
set +e; ns crun --root "$WORK/state" run --bundle "$B" demo-direct; rc=$?; set -e
echo "exit status: $rc"

say "The admin's contract: the supervisor requires CAP_SETPCAP"
cat > "$WORK/config.toml" <<TOML
runtime = "crun"
run_dir = "$WORK/run"

[[contract]]
name = "sandbox-supervisor"
require = ["CAP_SETPCAP"]
on_skew = "repair"
init = false
[contract.match]
commands = ['^/opt/openshell/bin/openshell-sandbox\$']
TOML
cat "$WORK/config.toml"

say "oshim over crun, same bundle: the spec is repaired and the supervisor succeeds"
OSHIM_CONFIG="$WORK/config.toml" ns "$OSHIM" --root "$WORK/state" run --bundle "$B" demo-oshim
echo "exit status: $?"

say "What oshim recorded in config.json"
jq '.annotations' "$B/config.json"
diff <(jq -S . "$WORK/config.orig.json") <(jq -S . "$B/config.json") || true

say "A stricter contract: an empty bounding set, with CAP_SETPCAP lent only to oshim's init"
cat > "$WORK/clear.toml" <<TOML
runtime = "crun"
run_dir = "$WORK/run"

[[contract]]
name = "empty-bounding"
bounding = "clear"
no_new_privs = true
[contract.match]
commands = ['^/bin/grep\$']
TOML
cat "$WORK/clear.toml"
jq '.process.args = ["/bin/grep", "^Cap", "/proc/self/status"] | del(.annotations)' "$WORK/config.orig.json" > "$B/config.json"
echo "crun directly (the workload's own /proc/self/status):"
ns crun --root "$WORK/state" run --bundle "$B" demo-plain
jq '.process.args = ["/bin/grep", "^Cap", "/proc/self/status"] | del(.annotations)' "$WORK/config.orig.json" > "$B/config.json"
echo "through oshim: CapBnd is 0 and CAP_SETPCAP (bit 8) is in no set:"
OSHIM_CONFIG="$WORK/clear.toml" ns "$OSHIM" --root "$WORK/state" run --bundle "$B" demo-clear
echo "what the init measured from inside the container, as the host received it:"
jq '.result | {summary, probe, noNewPrivs}' "$WORK"/run/*/demo-clear/container.json
