"""The bundle's scripts and instructions: the files in ``templates/`` with the build's facts filled in.

Each template is a real file (bash, Markdown), shipped as package data, so it can be read, linted and
tested as one. Its placeholders are ``@name@`` (autoconf's style), which bash's ``$``, ``${...}`` and
``[@]`` and Markdown's text leave alone: a shell template is valid bash before it is filled, too.
"""
from __future__ import annotations

import shlex
import string
from importlib import resources
from pathlib import Path

from helpers.bundle.sizes import MB, PartSize

KERNEL_NAME = "python3"  # the lessons' kernelspec names it; tutorial.py registers it inside .venv too
KERNEL_DISPLAY = "Python 3 (ipykernel)"
SCRIPTS = ("install.sh", "lab.sh", "reset.sh")  # written executable into the bundle's top folder
INSTRUCTIONS = "INSTRUCTIONS.md"


class BundleTemplate(string.Template):
    """A ``string.Template`` whose placeholders are ``@name@``; ``@@`` is a literal ``@``, any other ``@`` is text."""

    delimiter = "@"
    pattern = r"@(?: (?P<escaped>@) | (?P<named>[a-z_]+)@ | (?P<braced>(?!)) | (?P<invalid>(?!)) )"


def template(name: str) -> BundleTemplate:
    """The template ``templates/<name>`` as the package ships it (e.g. "install.sh", "INSTRUCTIONS.md")."""
    text = resources.files(__package__).joinpath("templates").joinpath(name).read_text(encoding="utf-8")
    return BundleTemplate(text)


def fill(name: str, values: dict) -> str:
    """Template ``name`` with its placeholders filled from ``values`` (each written with ``str``; extra keys are
    ignored). Raises KeyError naming a placeholder that ``values`` lacks."""
    return template(name).substitute(values)


def script_values(manifest: dict) -> dict:
    """The shell templates' placeholders, from the bundle's manifest (``bundle.json``'s fields)."""
    return {"python": manifest["python"], "project_wheel": manifest["project_wheel"], "kernel": KERNEL_NAME,
            "display": shlex.quote(KERNEL_DISPLAY), "weights": manifest["weights"], "images": manifest["images"]}


def write_scripts(folder: Path, manifest: dict) -> None:
    """install.sh, lab.sh and reset.sh, filled from ``manifest``, executable."""
    values = script_values(manifest)
    for name in SCRIPTS:
        (folder / name).write_text(fill(name, values), encoding="utf-8")
        (folder / name).chmod(0o755)


def instructions_text(manifest: dict, parts: list[PartSize], weights_note: str) -> str:
    """INSTRUCTIONS.md: what is inside, how to install it offline, start, reset and check."""
    glibc = manifest["glibc_needed"]
    machine = f"Linux or macOS with CPython {manifest['python']}"
    if glibc:
        machine = (f"Linux x86_64 with glibc {glibc} or newer (`ldd --version` shows it) and CPython "
                   f"{manifest['python']}")
    images = (f"{manifest['images']} labelled ImageNet images, named `<synset>_<name>.JPEG`" if manifest["images"]
              else "no images: the lessons that measure on labelled images download the ImageNet sample on first "
              "use, so the room needs internet or a mirror (`TUTORIAL_MIRROR`) for them")
    return fill(INSTRUCTIONS, {
        "helpers_version": manifest["helpers_version"], "platform": manifest["platform"],
        "python": manifest["python"], "machine": machine, "wheels": manifest["wheels"], "images": images,
        "sizes": "\n".join(f"| `{p.name}` | {p.files} | {p.bytes / MB:.1f} |" for p in parts),
        "weights_note": weights_note, "notebooks": ", ".join(manifest["notebooks"]), "kernel_display": KERNEL_DISPLAY,
    })
