#!/usr/bin/env bash
# Put a lesson back as shipped:  ./reset.sh 02   (the learner's copy is kept as NAME.ipynb.TIME.bak)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ $# -ne 1 ]; then
    echo "usage: ./reset.sh NN   (the lesson's number, e.g. 02)" >&2
    exit 2
fi
shopt -s nullglob
originals=("$here/notebooks/.originals/$1"_*.ipynb)
if [ ${#originals[@]} -ne 1 ]; then
    echo "error: no lesson numbered '$1'; the lessons are:" >&2
    ls "$here/notebooks/.originals" >&2
    exit 1
fi
name=$(basename "${originals[0]}")
if [ -f "$here/notebooks/$name" ]; then
    backup="$here/notebooks/$name.$(date +%Y%m%d-%H%M%S).bak"
    mv "$here/notebooks/$name" "$backup"
    echo "The learner's copy is kept as $backup"
fi
cp "${originals[0]}" "$here/notebooks/$name"
echo "Reset notebooks/$name (close and reopen it in Jupyter)."
