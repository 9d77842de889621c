#!/usr/bin/env bash
# Open the lessons in Jupyter Lab with the bundle's settings (run ./install.sh first).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ ! -f "$here/env.sh" ]; then
    echo "error: $here/env.sh is missing: run $here/install.sh first." >&2
    exit 1
fi
# env.sh is written by install.sh, so shellcheck has no file to follow here.
# shellcheck source=/dev/null
source "$here/env.sh"
# Jupyter refuses to run as root (containers, workshop VMs) unless told it may.
as_root=()
[ "$(id -u)" = 0 ] && as_root=(--allow-root)
exec jupyter lab --notebook-dir="$here/notebooks" "${as_root[@]}" "$@"
