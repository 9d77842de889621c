"""Build the lessons' web site: ``./tutorial docs`` runs this (``python docs/build.py``).

Copies the lessons (``notebooks/NN_*.ipynb``) and the glossary (``notebooks/glossary.md``) into
``build/docs-src/``, then runs Sphinx with myst-nb, which executes every lesson there (full mode, or quick
mode with TUTORIAL_QUICK=1) and fails on any cell error. The site goes to ``build/docs/`` (``index.html`` at
its root) and the executed notebooks to ``build/jupyter_execute/``. ``build/docs/tutorial-build.json``
records what the site was built from (so tests can tell whether it is still fresh) and how long it took.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from helpers.config import quick_mode
from helpers.errors import ConfigError

DOCS = Path(__file__).resolve().parent
PROJECT = DOCS.parent
STAMP = "tutorial-build.json"
ASSET_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg"}
# Settings that change what the lessons print (README, "Settings").
SETTINGS = ("MOBILENET_WEIGHTS", "TUTORIAL_MODELS", "TUTORIAL_DATA", "TUTORIAL_MIRROR", "TUTORIAL_QUICK")


class BuildError(RuntimeError):
    """The site cannot be built from these lessons or settings; the message says how to fix it."""


def lessons(notebooks: Path) -> list[Path]:
    return sorted(notebooks.glob("[0-9][0-9]_*.ipynb"))


def check_sources(notebooks: Path) -> list[Path]:
    """The lessons to build, after checking that the site can be built from them."""
    found = lessons(notebooks)
    if not found:
        raise BuildError(f"No lessons (NN_*.ipynb) in {notebooks}: nothing to build.")
    if not (notebooks / "glossary.md").is_file():
        raise BuildError(f"{notebooks / 'glossary.md'} is missing: the site links every lesson to the glossary. "
                         "Add notebooks/glossary.md and build again.")
    return found


def fingerprint(notebooks: Path) -> str:
    """A hash of everything the site is built from: lessons, glossary, site sources, helpers, pins, settings."""
    files = [*lessons(notebooks), notebooks / "glossary.md", PROJECT / "README.md", *sorted(DOCS.rglob("*.*")),
             *sorted((PROJECT / "src" / "helpers").rglob("*.py")), PROJECT / "requirements.txt"]
    digest = hashlib.sha256()
    for path in files:
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for name in SETTINGS:
        digest.update(f"{name}={os.environ.get(name, '')}\0".encode())
    return digest.hexdigest()


def is_fresh(out: Path, notebooks: Path) -> bool:
    """True when ``out`` holds a complete site built from exactly the current sources and settings."""
    try:
        stamp = json.loads((out / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return stamp.get("fingerprint") == fingerprint(notebooks) and (out / "index.html").is_file()


def copy_sources(notebooks: Path, source: Path) -> None:
    """A fresh copy of the lessons, the glossary, their images and the site's index page."""
    if source.exists():
        shutil.rmtree(source)
    source.mkdir(parents=True)
    for path in [*lessons(notebooks), notebooks / "glossary.md"]:
        shutil.copy2(path, source / path.name)
    for path in notebooks.iterdir():
        if path.suffix.lower() in ASSET_SUFFIXES:
            shutil.copy2(path, source / path.name)
    shutil.copy2(DOCS / "index.md", source / "index.md")
    (source / "instructors.md").write_text(instructors_page(PROJECT / "README.md"), encoding="utf-8")


def instructors_page(readme: Path) -> str:
    """The README's section for instructors (learning path with measured times, exercises, the classroom bundle,
    room notes) as a page of the site: one text for both, its lesson links made relative to the site's pages."""
    text = readme.read_text(encoding="utf-8")
    start, end = "<!-- instructors:start -->", "<!-- instructors:end -->"
    if start not in text or end not in text:
        raise BuildError(f"{readme} has no section between {start} and {end}: the site's page for instructors "
                         "is made from it. Put the markers back around the README's 'For instructors' section.")
    section = text.split(start, 1)[1].split(end, 1)[0].strip()
    section = section.replace("](notebooks/", "](").replace("## For instructors", "# For instructors", 1)
    return section.replace("\n### ", "\n## ") + "\n"


def build(notebooks: Path, out: Path) -> Path:
    """Build the site from ``notebooks`` into ``out``; returns ``out / 'index.html'``.

    Raises BuildError when the sources are incomplete or Sphinx fails (a cell error, a broken link).
    """
    notebooks, out = notebooks.resolve(), out.resolve()
    check_sources(notebooks)
    work = out.parent
    source, doctrees = work / f"{out.name}-src", work / f"{out.name}-doctrees"
    copy_sources(notebooks, source)
    for folder in (out, doctrees):
        if folder.exists():
            shutil.rmtree(folder)
    mode = "quick" if quick_mode() else "full"
    print(f"Building the site from {len(lessons(notebooks))} lessons, executing each in {mode} mode", flush=True)
    # -W: a warning (a link that does not resolve, an output that cannot be shown) fails the build too.
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-c", str(DOCS), "-d", str(doctrees),
               "-W", "--keep-going", "-T", str(source), str(out)]
    started = time.monotonic()
    if subprocess.run(command, cwd=source).returncode != 0:
        raise BuildError("The site was not built: see Sphinx's messages above. A failing cell shows its "
                         "traceback; a link to a lesson or heading that does not exist shows as "
                         "'cross-reference target not found'.")
    stamp = {"fingerprint": fingerprint(notebooks), "mode": mode, "seconds": round(time.monotonic() - started, 1)}
    (out / STAMP).write_text(json.dumps(stamp), encoding="utf-8")
    return out / "index.html"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", type=Path, default=PROJECT / "notebooks",
                        help="folder with the lessons and glossary.md (default: notebooks/)")
    parser.add_argument("--out", type=Path, default=PROJECT / "build" / "docs",
                        help="where the site goes (default: build/docs/)")
    args = parser.parse_args(argv)
    try:
        index = build(args.notebooks, args.out)
    except (BuildError, ConfigError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"Site written: {os.path.relpath(index)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
