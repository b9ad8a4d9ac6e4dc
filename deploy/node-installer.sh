#!/usr/bin/env bash
# node-installer.sh - installs Spindle's containerd shim on a Kubernetes node
# and registers it with containerd's CRI plugin under a runtime handler.
#
# Usage: node-installer.sh [options]
#   --shim FILE       the containerd-shim-spindle-v2 binary to install
#                     (default: next to this script)
#   --root DIR        the node's root filesystem as this script sees it, for
#                     running in a privileged pod with the host mounted at DIR
#                     (default: /)
#   --bin-dir DIR     where the shim goes, on the node (default: /usr/local/bin)
#   --config FILE     containerd's config, on the node (default:
#                     /etc/containerd/config.toml, or k3s's config.toml.tmpl
#                     when the node runs k3s)
#   --handler NAME    the runtime handler, which RuntimeClasses name (default: spin)
#   --no-restart      do not restart containerd (the change applies at its
#                     next start)
#   -h, --help        show this help
#
# What it does, idempotently:
#   1. copies the shim to BIN_DIR (atomically: a temp file, then rename);
#   2. adds to the config a block between "# BEGIN spindle" and "# END spindle"
#      markers that sets runtimes.HANDLER.runtime_type to the shim's path,
#      replacing an earlier block of its own (the original is kept once as
#      CONFIG.bak-spindle); a runtimes.HANDLER table that it did not write is
#      an error, since TOML allows a table once;
#   3. restarts containerd (or k3s) with systemctl, through nsenter when --root
#      is not /.
# Exit status: 0 done, 1 failed (nothing half-written), 2 bad usage.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SHIM="$SCRIPT_DIR/containerd-shim-spindle-v2"
ROOT=/
BIN_DIR=/usr/local/bin
CONFIG=""
HANDLER=spin
RESTART=1

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; }
fail() { echo "node-installer: error: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --shim) SHIM="$2"; shift 2 ;;
    --root) ROOT="$2"; shift 2 ;;
    --bin-dir) BIN_DIR="$2"; shift 2 ;;
    --config) CONFIG="$2"; shift 2 ;;
    --handler) HANDLER="$2"; shift 2 ;;
    --no-restart) RESTART=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "node-installer: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

[[ "$HANDLER" =~ ^[A-Za-z0-9_-]+$ ]] || fail "handler '$HANDLER' must be letters, digits, '-' or '_'"
[ -f "$SHIM" ] || fail "no shim binary at $SHIM (give --shim FILE)"
ROOT="${ROOT%/}"

K3S=0
if [ -z "$CONFIG" ]; then
  CONFIG=/etc/containerd/config.toml
  if [ -d "$ROOT/var/lib/rancher/k3s/agent/etc/containerd" ]; then
    # k3s regenerates config.toml at start; only the template persists.
    K3S=1
    CONFIG=/var/lib/rancher/k3s/agent/etc/containerd/config.toml.tmpl
    if [ ! -f "$ROOT$CONFIG" ] && [ -f "$ROOT${CONFIG%.tmpl}" ]; then
      cp "$ROOT${CONFIG%.tmpl}" "$ROOT$CONFIG"
    fi
  fi
fi
HOST_CONFIG="$ROOT$CONFIG"
SHIM_PATH="${BIN_DIR%/}/containerd-shim-spindle-v2"

# The new config is prepared (and checked) before anything on the node
# changes. Version 2 (containerd 1.x) and 3 (2.x) name the CRI
# runtime plugin differently; version 1 configs predate both.
mkdir -p "$(dirname "$HOST_CONFIG")"
[ -f "$HOST_CONFIG" ] || printf 'version = 2\n' > "$HOST_CONFIG"
version="$(sed -n 's/^[[:space:]]*version[[:space:]]*=[[:space:]]*\([0-9]\+\).*/\1/p' "$HOST_CONFIG" | head -n1)"
case "$version" in
  2) plugin='io.containerd.grpc.v1.cri' ;;
  3) plugin='io.containerd.cri.v1.runtime' ;;
  *) fail "$HOST_CONFIG: config version '${version:-1}' is not supported; migrate it with 'containerd config migrate'" ;;
esac

without_ours="$(mktemp)"
trap 'rm -f "$without_ours" "${new_config:-}"' EXIT
sed '/^# BEGIN spindle/,/^# END spindle/d' "$HOST_CONFIG" > "$without_ours"
if grep -qE "^[[:space:]]*\[plugins\.\"?$plugin\"?\.containerd\.runtimes\.\"?$HANDLER\"?\]" "$without_ours"; then
  fail "$HOST_CONFIG already defines runtimes.$HANDLER for another shim; remove it or choose --handler"
fi

new_config="$(mktemp "$HOST_CONFIG.XXXXXX")"
{
  cat "$without_ours"
  echo "# BEGIN spindle (written by node-installer.sh; edits here are replaced)"
  echo "[plugins.\"$plugin\".containerd.runtimes.$HANDLER]"
  echo "  runtime_type = \"$SHIM_PATH\""
  echo "# END spindle"
} > "$new_config"

# 1. The shim.
mkdir -p "$ROOT$BIN_DIR"
tmp_shim="$(mktemp "$ROOT$SHIM_PATH.XXXXXX")"
cp "$SHIM" "$tmp_shim"
chmod 0755 "$tmp_shim"
mv -f "$tmp_shim" "$ROOT$SHIM_PATH"
echo "node-installer: installed $SHIM_PATH"

# 2. The config.
if cmp -s "$new_config" "$HOST_CONFIG"; then
  echo "node-installer: $CONFIG already registers handler '$HANDLER'"
  exit 0
fi
[ -f "$HOST_CONFIG.bak-spindle" ] || cp -p "$HOST_CONFIG" "$HOST_CONFIG.bak-spindle"
chmod --reference="$HOST_CONFIG" "$new_config"
mv -f "$new_config" "$HOST_CONFIG"
echo "node-installer: registered handler '$HANDLER' in $CONFIG"

# 3. Restart, so containerd reads the config.
[ "$RESTART" = 1 ] || { echo "node-installer: restart containerd to apply"; exit 0; }
service=containerd
[ "$K3S" = 1 ] && service=k3s
run_on_node() {
  if [ "$ROOT" = "" ]; then "$@"; else nsenter --target 1 --mount --pid -- "$@"; fi
}
if [ "$K3S" = 1 ] && ! run_on_node systemctl is-active --quiet k3s; then service=k3s-agent; fi
run_on_node systemctl restart "$service" ||
  fail "could not restart $service; restart it by hand to apply the change"
echo "node-installer: restarted $service"
