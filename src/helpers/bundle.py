"""An offline classroom bundle: everything a room without internet needs, in one folder and one archive.

    python -m helpers.bundle [--out build/bundle] [--platform TAG] [--python-version X.Y]
                             [--images N] [--solutions] [--no-archive]

The folder (``build/bundle/``) and an uncompressed tar beside it (``build/bundle.tar``) hold:

- ``wheels/``: the pinned set of ``requirements.txt`` as wheels for one platform and Python
  (``pip download``; pip's cache makes a second build fast), and this project built as a wheel;
- ``weights/``: the weights file in use (``MOBILENET_WEIGHTS`` or the cached official download),
  with a note saying by its sha384 whether it is the official file;
- ``labels/``: the 1000 class names in the model's output order;
- ``images/``: labelled images (all, or ``--images N`` evenly spread) from ``TUTORIAL_DATA``, else the
  ImageNet sample downloaded and checked as the lessons do (``helpers.sample``), as ``<synset>_<name>.JPEG``
  files, a layout ``helpers.datasets`` reads;
- ``notebooks/``: the lessons and the glossary as they are now, and a pristine copy for ``reset.sh``;
- ``INSTRUCTIONS.md``, ``install.sh`` (a virtual environment from ``wheels/`` only, the Jupyter
  kernel, and an ``env.sh`` pointing the settings at the bundle's files), ``lab.sh``, ``reset.sh``,
  ``SHA256SUMS`` (checked by ``install.sh``, to catch a damaged copy) and ``bundle.json``.

Platforms: Linux (``--platform manylinux_2_28_x86_64`` for machines older than the building one) and macOS,
where the install scripts' bash runs; not Windows (Windows learners install with ``python tutorial.py lab``
and a package index). ``--python-version`` takes any Python that pyproject.toml's requires-python allows.

The tar is not compressed: the wheels, most of the bundle, are zip files already, so gzip would
spend a minute of CPU to save about one percent, and an uncompressed tar unpacks at disk speed.
"""
from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from helpers import __version__, config
from helpers.errors import BundleError
from helpers.hashing import file_hash
from helpers.model_card import MODEL_NAME, OFFICIAL_WEIGHTS

PROJECT_DIST = "mobilenet-v3-tutorial-helpers"  # pyproject.toml's [project] name
KERNEL_NAME = "python3"  # the lessons' kernelspec names it; tutorial.py registers it inside .venv too
KERNEL_DISPLAY = "Python 3 (ipykernel)"
MARKER = "bundle.json"  # a folder holding it was made here and may be replaced by a new build
MB = 1_000_000

# What the build copies from the project to build its wheel (nothing else is needed, and building
# from a copy leaves no build/ or .egg-info in the project).
_PROJECT_BUILD_FILES = ("pyproject.toml", "requirements.txt", "README.md", "LICENSE")
# Parts whose files install.sh checks before installing; learners edit notebooks, so not those.
_CHECKED_PARTS = ("wheels", "weights", "labels", "images")
_MANYLINUX = re.compile(r"^manylinux_(\d+)_(\d+)_(\w+)$")
# pip's legacy names for manylinux platforms, with the glibc version each stands for.
_LEGACY_MANYLINUX = {"manylinux2014": (2, 17), "manylinux2010": (2, 12), "manylinux1": (2, 5)}



@dataclass(frozen=True)
class PartSize:
    """One top-level part of the bundle (a folder, or the loose files), its file count and bytes."""

    name: str
    files: int
    bytes: int


@dataclass(frozen=True)
class BundleReport:
    folder: Path
    archive: Path | None
    parts: list[PartSize]  # largest first
    largest_files: list[tuple[str, int]]  # (path inside the bundle, bytes), largest first
    weights_note: str
    images: int

    @property
    def total_bytes(self) -> int:
        return sum(part.bytes for part in self.parts)


# --- choosing what goes in ---------------------------------------------------------------------


def find_weights():
    """The weights to ship: ``MOBILENET_WEIGHTS`` if set, else the official file in the model cache.

    Returns a ``helpers.weights.WeightsInfo``. Raises BundleError, saying how to get a file, when
    neither is there; never downloads (building a bundle should not depend on the weights mirror).
    """
    from helpers.weights import check_weights_file

    local = config.local_weights_path()
    if local is not None:
        return check_weights_file(local, source=config.ENV_WEIGHTS)
    cached = config.model_dir() / OFFICIAL_WEIGHTS.name
    if not cached.is_file():
        raise BundleError(
            f"No weights to put in the bundle: {config.ENV_WEIGHTS} is not set and {cached} does not exist. "
            f"Run `python -m helpers.prepare` once (it downloads {OFFICIAL_WEIGHTS.name} into the models folder), "
            f"or set {config.ENV_WEIGHTS} to a local .h5 weights file, then build again."
        )
    info = check_weights_file(cached, source="the model cache")
    if not info.is_official:
        raise BundleError(
            f"{cached} has the official file's name but not its sha384 (damaged or replaced). Delete it and run "
            f"`python -m helpers.prepare` to download it again, or set {config.ENV_WEIGHTS} to the file you mean."
        )
    return info


def select_images(count: int | None) -> list:
    """The labelled images to ship (``helpers.datasets.LabeledImage``): all when ``count`` is None, else ``count``
    evenly spread (0: none), from ``helpers.sample.labelled_images``: ``TUTORIAL_DATA`` when set, else the ImageNet
    sample, through the same download and checks as the lessons (a room mirror first when ``TUTORIAL_MIRROR`` is
    set). Raises DownloadError, saying the remedies, when they cannot be had."""
    if count == 0:
        return []
    from helpers.sample import labelled_images

    return labelled_images(count).items


def shipped_image_name(path: Path, label: int) -> str:
    """The file name an image gets in the bundle: ``<synset>_<name>`` (its own name when it already
    starts with its synset), so that every layout arrives as one ``helpers.datasets`` reads."""
    from helpers.model_card import imagenet_classes

    synset = imagenet_classes()[label].synset
    return path.name if path.name.startswith(f"{synset}_") else f"{synset}_{path.name}"


def platform_tags(platform: str) -> list[str]:
    """The ``--platform`` values that let pip take every wheel a machine of ``platform`` can install.

    pip takes one exact tag per ``--platform``: ``manylinux_2_28_x86_64`` alone would refuse a
    ``manylinux_2_17`` (manylinux2014) wheel that such a machine installs happily. So a
    ``manylinux_2_N`` platform is widened to every older glibc; other platforms pass as they are.
    """
    match = _MANYLINUX.match(platform)
    if not match:
        return [platform]
    major, minor, arch = int(match.group(1)), int(match.group(2)), match.group(3)
    tags = [f"manylinux_{major}_{m}_{arch}" for m in range(minor, 4, -1)]
    tags += [f"{name}_{arch}" for name, version in _LEGACY_MANYLINUX.items() if version <= (major, minor)]
    return tags


def needed_glibc(wheel_names: list[str]) -> tuple[int, int] | None:
    """The oldest glibc that can install every wheel, from their manylinux tags (None: no manylinux wheel).

    A wheel with several platform tags installs where any of them does, so each wheel needs the
    lowest glibc among its tags, and the bundle needs the highest of those.
    """
    needed = None
    for name in wheel_names:
        versions = []
        for tag in name.removesuffix(".whl").split("-")[-1].split("."):
            match = _MANYLINUX.match(tag)
            if match:
                versions.append((int(match.group(1)), int(match.group(2))))
            elif tag.split("_")[0] in _LEGACY_MANYLINUX:
                versions.append(_LEGACY_MANYLINUX[tag.split("_")[0]])
        if versions and (needed is None or min(versions) > needed):
            needed = min(versions)
    return needed


# --- pip -----------------------------------------------------------------------------------------


def download_wheels(requirements: Path, dest: Path, *, platform: str | None = None,
                    python_version: str | None = None, pip_args: tuple[str, ...] = ()) -> None:
    """``pip download`` the requirements, wheels only, into ``dest``: for this interpreter, or for
    ``platform`` and ``python_version`` (e.g. "manylinux_2_28_x86_64", "3.11").

    pip's cache is used (no ``--no-cache-dir``), so a second build copies from disk. Raises
    BundleError when pip fails (its own message is printed above ours).
    """
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
               "--only-binary=:all:", "-r", str(requirements), "-d", str(dest), *pip_args]
    if platform:
        for tag in platform_tags(platform):
            command += ["--platform", tag]
    if python_version:
        abi = "cp" + python_version.replace(".", "")
        command += ["--python-version", python_version, "--implementation", "cp", "--abi", abi]
    if subprocess.run(command).returncode != 0:
        target = (f"platform {platform or 'of this machine'} and Python "
                  f"{python_version or '.'.join(map(str, sys.version_info[:2]))}")
        raise BundleError(
            f"pip download could not get every pinned package as a wheel for {target} (pip's message is above). "
            "Check the connection to the package index; a package with no wheel for that platform needs another "
            "--platform (the pinned tensorflow needs glibc 2.27 or newer: try --platform manylinux_2_28_x86_64) "
            "or leave --platform out to build for this machine."
        )


def build_project_wheel(project: Path, dest: Path, pip_args: tuple[str, ...] = ()) -> Path:
    """Build this project as a wheel into ``dest`` (``pip wheel --no-deps``) and return its path.

    It is built from a copy of the files it needs, so the project gets no build/ or .egg-info.
    """
    with tempfile.TemporaryDirectory(prefix="bundle-project-") as scratch:
        source = Path(scratch) / "project"
        source.mkdir()
        for name in _PROJECT_BUILD_FILES:
            if (project / name).is_file():
                shutil.copy2(project / name, source / name)
        shutil.copytree(project / "src", source / "src",
                        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc"))
        command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check", "--no-deps",
                   "-w", str(dest), *pip_args, str(source)]
        if subprocess.run(command).returncode != 0:
            raise BundleError(f"pip wheel could not build {PROJECT_DIST} from {project} (pip's message is above).")
    built = list(dest.glob(PROJECT_DIST.replace("-", "_") + "-*.whl"))
    if len(built) != 1:
        raise BundleError(f"pip wheel left {len(built)} new wheels for {PROJECT_DIST} in {dest}, expected one.")
    return built[0]


# --- writing the bundle --------------------------------------------------------------------------


def build_bundle(out: Path, *, project: Path = config.PROJECT_ROOT, requirements: Path | None = None,
                 platform: str | None = None, python_version: str | None = None, images: int | None = None,
                 solutions: bool = False, archive: bool = True, pip_args: tuple[str, ...] = (),
                 log=print) -> BundleReport:
    """Build the bundle in ``out`` (replacing a previous bundle there) and, with ``archive``, ``out``.tar.

    ``requirements`` (default: the project's requirements.txt) is what gets downloaded; ``images``
    None ships every image of ``TUTORIAL_DATA``; ``pip_args`` go to every pip command (tests pass
    ``--no-index --find-links DIR``). Everything is written to ``out``.partial first and renamed at
    the end, so an interrupted build never leaves a folder that looks complete.
    """
    out, project = Path(out).absolute(), Path(project).absolute()
    requirements = Path(requirements) if requirements else project / "requirements.txt"
    for needed in (requirements, project / "pyproject.toml", project / "notebooks"):
        if not needed.exists():
            raise BundleError(f"{needed} is missing: run this from a checkout of the tutorial project.")
    _check_replaceable(out)
    weights = find_weights()  # fail early, before minutes of downloading
    chosen_images = select_images(images)
    python_version = python_version or ".".join(map(str, sys.version_info[:2]))
    check_target(platform, python_version, project)

    staging = out.with_name(out.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "wheels").mkdir(parents=True)
    log(f"1/4 wheels: pip download -r {requirements.name} (a few minutes the first time; pip's cache makes "
        "repeats fast)")
    download_wheels(requirements, staging / "wheels", platform=platform,
                    python_version=python_version if platform or python_version != _this_python() else None,
                    pip_args=pip_args)
    project_wheel = build_project_wheel(project, staging / "wheels", pip_args)
    shutil.copy2(requirements, staging / "requirements.txt")

    log("2/4 weights, class names, images, notebooks")
    weights_note = _copy_weights(weights, staging / "weights")
    (staging / "labels").mkdir()
    (staging / "labels" / "imagenet_2012.txt").write_bytes(
        resources.files("helpers").joinpath("data/imagenet_2012.txt").read_bytes())
    if chosen_images:
        (staging / "images").mkdir()
        for item in chosen_images:
            shutil.copy2(item.path, staging / "images" / shipped_image_name(Path(item.path), item.label))
    _copy_notebooks(project / "notebooks", staging / "notebooks")
    if solutions and (project / "solutions").is_dir():
        shutil.copytree(project / "solutions", staging / "solutions", ignore=shutil.ignore_patterns("__pycache__"))

    log("3/4 scripts, instructions, checksums")
    wheel_names = sorted(path.name for path in (staging / "wheels").glob("*.whl"))
    manifest = {
        "name": f"{MODEL_NAME} tutorial bundle", "helpers_version": __version__, "python": python_version,
        "platform": platform or "the building machine's", "glibc_needed": _glibc_text(needed_glibc(wheel_names)),
        "project_wheel": project_wheel.name, "wheels": len(wheel_names), "weights": weights.path.name,
        "weights_sha384": weights.sha384, "weights_official": weights.is_official,
        "images": len(chosen_images), "notebooks": sorted(p.name for p in (staging / "notebooks").glob("*.ipynb")),
    }
    _write_scripts(staging, manifest)
    _write_checksums(staging)
    (staging / MARKER).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    # The instructions list the sizes, so they are written last but one; their own few kB are not counted.
    (staging / "INSTRUCTIONS.md").write_text(
        instructions_text(manifest, part_sizes(staging), weights_note), encoding="utf-8")

    if out.exists():
        shutil.rmtree(out)
    staging.rename(out)
    archive_path = None
    if archive:
        log("4/4 archive (an uncompressed tar)")
        archive_path = write_archive(out)
    return BundleReport(out, archive_path, part_sizes(out), largest_files(out), weights_note, len(chosen_images))


def _this_python() -> str:
    return ".".join(map(str, sys.version_info[:2]))


def _glibc_text(version: tuple[int, int] | None) -> str | None:
    return None if version is None else f"{version[0]}.{version[1]}"


def check_target(platform: str | None, python_version: str, project: Path) -> None:
    """Refuse a Python that pyproject.toml does not support, and Windows, which has no bash for the scripts."""
    import tomllib

    from packaging.specifiers import SpecifierSet

    requires = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    if not re.fullmatch(r"3\.\d+", python_version) or python_version not in SpecifierSet(requires):
        raise BundleError(f"--python-version {python_version}: the pinned packages need Python {requires} "
                          "(pyproject.toml); give one of those, e.g. --python-version 3.11.")
    if (platform or sys.platform).startswith("win"):
        raise BundleError(f"A bundle for {platform or 'this Windows machine'} cannot be built: its install scripts "
                          "are bash, for Linux and macOS only; give --platform manylinux_2_28_x86_64 (or another "
                          "Linux or macOS tag), and let Windows learners use python tutorial.py lab.")


def _check_replaceable(out: Path) -> None:
    """Refuse to replace a folder that is not an earlier bundle (a mistyped --out must not delete a home)."""
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).is_file())):
        raise BundleError(f"{out} exists and is not a bundle made by this command; choose another --out or "
                          "remove it yourself.")


def _copy_weights(weights, folder: Path) -> str:
    """Copy the weights file into ``folder`` with a WEIGHTS.md saying which file it is; return that note."""
    folder.mkdir()
    shutil.copy2(weights.path, folder / weights.path.name)
    if weights.is_official:
        verdict = f"the official {OFFICIAL_WEIGHTS.name} (its sha384 is the model card's)."
    else:
        verdict = (f"NOT the official {OFFICIAL_WEIGHTS.name} (its sha384 differs from the model card's): "
                   "predictions and accuracy will differ from the card's numbers.")
    note = f"`{weights.path.name}`, sha384 `{weights.sha384}`: {verdict}"
    (folder / "WEIGHTS.md").write_text(f"# Weights\n\n{note}\n\nFrom {weights.source} when the bundle was built.\n",
                                       encoding="utf-8")
    return note


def _copy_notebooks(source: Path, dest: Path) -> None:
    """The lessons and their Markdown (the glossary), and a pristine copy in .originals/ for reset.sh."""
    dest.mkdir()
    files = sorted(source.glob("*.ipynb")) + sorted(source.glob("*.md"))
    if not any(path.suffix == ".ipynb" for path in files):
        raise BundleError(f"{source} holds no notebooks (*.ipynb) to put in the bundle.")
    (dest / ".originals").mkdir()
    for path in files:
        shutil.copy2(path, dest / path.name)
        if path.suffix == ".ipynb":
            shutil.copy2(path, dest / ".originals" / path.name)


def _write_checksums(folder: Path) -> None:
    """SHA256SUMS of the parts install.sh relies on, in ``sha256sum -c``'s format."""
    lines = []
    for part in _CHECKED_PARTS:
        for path in sorted((folder / part).rglob("*")) if (folder / part).is_dir() else []:
            if path.is_file():
                lines.append(f"{file_hash(path, 'sha256')}  {path.relative_to(folder).as_posix()}")
    (folder / "SHA256SUMS").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_archive(folder: Path) -> Path:
    """``folder``.tar beside the folder, uncompressed, holding the folder under its own name.

    Written to a temporary name and renamed, so an interrupted run leaves no half archive.
    """
    archive = folder.with_name(folder.name + ".tar")
    partial = archive.with_name(archive.name + ".partial")
    with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
        tar.add(folder, arcname=folder.name)
    os.replace(partial, archive)
    return archive


# --- sizes ---------------------------------------------------------------------------------------


def part_sizes(folder: Path) -> list[PartSize]:
    """Files and bytes of each top-level folder of the bundle, and of the loose files together
    ("instructions and scripts"), largest first."""
    sizes: dict[str, list[int]] = {}
    for path in Path(folder).rglob("*"):
        if path.is_file() and not path.is_symlink():
            relative = path.relative_to(folder)
            part = relative.parts[0] if len(relative.parts) > 1 else "instructions and scripts"
            entry = sizes.setdefault(part, [0, 0])
            entry[0] += 1
            entry[1] += path.stat().st_size
    return sorted((PartSize(name, files, size) for name, (files, size) in sizes.items()),
                  key=lambda part: (-part.bytes, part.name))


def largest_files(folder: Path, count: int = 3) -> list[tuple[str, int]]:
    """The ``count`` largest files of the bundle: (path inside it, bytes), largest first."""
    files = [(path.relative_to(folder).as_posix(), path.stat().st_size)
             for path in Path(folder).rglob("*") if path.is_file()]
    return sorted(files, key=lambda item: (-item[1], item[0]))[:count]


def format_size_table(parts: list[PartSize], largest: list[tuple[str, int]] = ()) -> str:
    """A plain-text table of the parts (files, MB = 10^6 bytes, share of the total), then the largest files."""
    total = sum(part.bytes for part in parts) or 1
    width = max([len(part.name) for part in parts] + [len("total")])
    lines = [f"{'part':<{width}}  {'files':>6}  {'MB':>8}  {'share':>7}"]
    for part in parts:
        share = 100 * part.bytes / total
        lines.append(f"{part.name:<{width}}  {part.files:>6}  {part.bytes / MB:>8.2f}  {share:>5.1f} %")
    lines.append(f"{'total':<{width}}  {sum(p.files for p in parts):>6}  {total / MB:>8.2f}  {100.0:>5.1f} %")
    if largest:
        lines.append("largest files:")
        lines += [f"  {name}  {size / MB:.1f} MB  {100 * size / total:.1f} %" for name, size in largest]
    return "\n".join(lines)


def dominant_part(parts: list[PartSize], largest: list[tuple[str, int]]) -> str:
    """One sentence saying what dominates the bundle's size."""
    total = sum(part.bytes for part in parts) or 1
    top = parts[0]
    sentence = f"The {top.name} are {100 * top.bytes / total:.0f} % of the bundle"
    if largest:
        name, size = largest[0]
        sentence += f"; the largest file, {Path(name).name}, alone is {100 * size / total:.0f} %"
    return sentence + "."


# --- the texts and scripts inside ------------------------------------------------------------------


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
    sizes = "\n".join(f"| `{p.name}` | {p.files} | {p.bytes / MB:.1f} |" for p in parts)
    return f"""# MobileNetV3 tutorial: offline classroom bundle

Everything the lessons need, installable with no internet: helpers {manifest['helpers_version']}, wheels for
{manifest['platform']} platform and Python {manifest['python']}. A learner's machine needs {machine},
about 4 GB of free disk and nothing else.

## What is inside

| part | files | MB |
|---|---|---|
{sizes}

- `wheels/`: every pinned package ({manifest['wheels']} wheels) and the tutorial's own `helpers` package.
- `weights/`: {weights_note}
- `images/`: {images}.
- `labels/imagenet_2012.txt`: the 1000 ImageNet class names in the model's output order.
- `notebooks/`: the lessons ({', '.join(manifest['notebooks'])}) and the glossary.

## Install, on each machine (about 3 minutes, no internet)

1. Copy this folder to a local disk (or copy `bundle.tar` and unpack it: `tar -xf bundle.tar`).
2. `./install.sh` (set `PYTHON=/path/to/python{manifest['python']}` when `python{manifest['python']}` is not on the
   `PATH`). It checks the files against `SHA256SUMS`, creates `.venv/` here, installs from `wheels/` only (no
   package index is contacted), registers the Jupyter kernel "{KERNEL_DISPLAY}" and writes `env.sh`.
3. `./lab.sh` opens Jupyter Lab on the lessons. In a terminal, `source env.sh` gives the same settings
   (`MOBILENET_WEIGHTS`, `TUTORIAL_DATA`, `TUTORIAL_MODELS`) and the commands, e.g. `python -m helpers.prepare`.

Lesson 01 converts the model into `models/` here, about a minute; run it first.

## Reset a lesson

`./reset.sh 02` puts Lesson 02 back as shipped; the learner's copy is kept beside it with a `.bak` suffix.

## When something fails

- `install.sh` says a file does not match `SHA256SUMS`: the copy is damaged; copy the bundle again.
- pip finds no matching wheel: the machine differs from the one the bundle was built for (Python version,
  processor, glibc); build a bundle for it with `./tutorial bundle --platform ... --python-version ...`.
"""


def _write_scripts(folder: Path, manifest: dict) -> None:
    """install.sh, lab.sh and reset.sh, executable."""
    scripts = {
        "install.sh": _INSTALL_SH.format(
            python=manifest["python"], project_wheel=manifest["project_wheel"], kernel=KERNEL_NAME,
            display=shlex.quote(KERNEL_DISPLAY), weights=manifest["weights"],
            has_images="1" if manifest["images"] else ""),
        "lab.sh": _LAB_SH,
        "reset.sh": _RESET_SH,
    }
    for name, text in scripts.items():
        (folder / name).write_text(text, encoding="utf-8")
        (folder / name).chmod(0o755)


_INSTALL_SH = r"""#!/usr/bin/env bash
# Install the MobileNetV3 tutorial from this bundle, with no package index:
#   ./install.sh [VENV]      (default: .venv in this folder; PYTHON=/path/to/python{python} chooses Python)
# Then: ./lab.sh, or `source env.sh` in a terminal.
set -euo pipefail
here=$(cd "$(dirname "${{BASH_SOURCE[0]}}")" && pwd)
venv=${{1:-$here/.venv}}
want={python}

find_python() {{
    for candidate in "${{PYTHON:-}}" "python$want" python3 python; do
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
}}

echo "Checking the bundle's files against SHA256SUMS"
if command -v sha256sum >/dev/null 2>&1; then check=(sha256sum --quiet -c SHA256SUMS)
else check=(shasum -a 256 --quiet -c SHA256SUMS); fi
if ! (cd "$here" && "${{check[@]}}"); then
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
        -r "$here/requirements.txt" "$here/wheels/{project_wheel}"; then
    echo "error: pip could not install from the bundle's wheels. They were built for CPython $want on" >&2
    echo "a particular platform (see bundle.json); build a bundle for this machine if it differs." >&2
    exit 1
fi
"$venv/bin/python" -m ipykernel install --sys-prefix --name {kernel} --display-name {display} >/dev/null

{{
    echo "# Source this file (source env.sh) to use the tutorial installed from this bundle."
    printf 'source %q\n' "$venv/bin/activate"
    printf 'export MOBILENET_WEIGHTS=%q\n' "$here/weights/{weights}"
    if [ -n "{has_images}" ]; then printf 'export TUTORIAL_DATA=%q\n' "$here/images"; fi
    printf 'export TUTORIAL_MODELS=%q\n' "$here/models"
}} >"$here/env.sh"
echo "Installed. Start the lessons with: $here/lab.sh   (or: source $here/env.sh)"
"""

_LAB_SH = r"""#!/usr/bin/env bash
# Open the lessons in Jupyter Lab with the bundle's settings (run ./install.sh first).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ ! -f "$here/env.sh" ]; then
    echo "error: $here/env.sh is missing: run $here/install.sh first." >&2
    exit 1
fi
source "$here/env.sh"
# Jupyter refuses to run as root (containers, workshop VMs) unless told it may.
as_root=()
[ "$(id -u)" = 0 ] && as_root=(--allow-root)
exec jupyter lab --notebook-dir="$here/notebooks" "${as_root[@]}" "$@"
"""

_RESET_SH = r"""#!/usr/bin/env bash
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
"""


# --- the command line ------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    from helpers.cli import ArgumentParser, run

    parser = ArgumentParser(prog="python -m helpers.bundle", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("build/bundle"),
                        help="the bundle's folder; the archive goes beside it as OUT.tar (default: build/bundle)")
    parser.add_argument("--platform", help="wheels for this pip platform tag, e.g. manylinux_2_28_x86_64 "
                        "(default: this machine's)")
    parser.add_argument("--python-version", help="wheels for this Python, any that pyproject.toml's "
                        "requires-python allows, e.g. 3.12 (default: this one's)")
    parser.add_argument("--images", type=_count, default=None,
                        help="ship N labelled images (TUTORIAL_DATA's, else the ImageNet sample's, downloaded), "
                        "evenly spread (default: all; 0: none)")
    parser.add_argument("--solutions", action="store_true", help="also ship solutions/ (for instructors)")
    parser.add_argument("--no-archive", action="store_true", help="only the folder, no OUT.tar")
    args = parser.parse_args(argv)

    def command() -> int:
        report = build_bundle(args.out, platform=args.platform, python_version=args.python_version,
                              images=args.images, solutions=args.solutions, archive=not args.no_archive)
        print(f"\nBundle: {report.folder}")
        if report.archive:
            print(f"Archive: {report.archive} ({report.archive.stat().st_size / MB:.1f} MB, uncompressed tar)")
        print("Weights: " + report.weights_note)
        print(format_size_table(report.parts, report.largest_files))
        print(dominant_part(report.parts, report.largest_files))
        print("Install on a learner's machine: copy the folder (or the tar), then run ./install.sh in it; "
              "INSTRUCTIONS.md says more.")
        return 0

    return run(command)


def _count(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 0, not {text!r}")
    return value


if __name__ == "__main__":
    sys.exit(main())
