#!/usr/bin/env bash
# Install the MobileNetV3 tutorial from this bundle, with no package index:
#   ./install.sh [VENV]      (default: .venv in this folder; PYTHON=/path/to/python@python@ chooses Python)
# Then: ./lab.sh, or `source env.sh` in a terminal.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
venv=${1:-$here/.venv}
want=@python@
images=@images@  # how many labelled images the bundle's images/ holds

find_python() {
    for candidate in "${PYTHON:-}" "python$want" python3 python; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1 &&
            [ "$("$candidate" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" = "$want" ]; then
            echo "$candidate"
            return 0
        fi
    done
    echo "error: Python $want is needed: the wheels in this bundle are for it." >&2
    echo "Install it, or set PYTHON=/path/to/python$want, and run this again." >&2
    return 1
}

echo "Checking the bundle's files against SHA256SUMS"
if command -v sha256sum >/dev/null 2>&1; then check=(sha256sum --quiet -c SHA256SUMS)
else check=(shasum -a 256 --quiet -c SHA256SUMS); fi
if ! (cd "$here" && "${check[@]}"); then
    echo "error: some files of the bundle are damaged or missing (listed above). Copy the bundle again." >&2
    exit 1
fi

python=$(find_python)
if [ ! -x "$venv/bin/python" ]; then
    echo "Creating $venv with $python"
    "$python" -m venv "$venv"
fi
# Only this bundle's wheels: no package index, and none of pip's own configuration (a pip.conf or
# PIP_* variables naming other wheel folders or constraints would make the install differ).
unset PIP_FIND_LINKS PIP_CONSTRAINT PIP_EXTRA_INDEX_URL PIP_REQUIRE_VIRTUALENV
export PIP_CONFIG_FILE=/dev/null PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1
echo "Installing from $here/wheels (a few minutes)"
if ! "$venv/bin/python" -m pip install --quiet --no-index --find-links "$here/wheels" \
        -r "$here/requirements.txt" "$here/wheels/@project_wheel@"; then
    echo "error: pip could not install from the bundle's wheels. They were built for CPython $want on" >&2
    echo "a particular platform (see bundle.json); build a bundle for this machine if it differs." >&2
    exit 1
fi
"$venv/bin/python" -m ipykernel install --sys-prefix --name @kernel@ --display-name @display@ >/dev/null

{
    echo "# Source this file (source env.sh) to use the tutorial installed from this bundle."
    printf 'source %q\n' "$venv/bin/activate"
    printf 'export MOBILENET_WEIGHTS=%q\n' "$here/weights/@weights@"
    if [ "$images" -gt 0 ]; then printf 'export TUTORIAL_DATA=%q\n' "$here/images"; fi
    printf 'export TUTORIAL_MODELS=%q\n' "$here/models"
} >"$here/env.sh"
echo "Installed. Start the lessons with: $here/lab.sh   (or: source $here/env.sh)"
