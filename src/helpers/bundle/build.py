"""Building the bundle: choosing what goes in, ``pip download`` and ``pip wheel``, writing the folder and the tar.

``helpers.bundle`` (the package's docstring) says what a bundle holds; ``texts`` fills its scripts and
instructions from ``templates/``, ``sizes`` measures it.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from packaging.specifiers import SpecifierSet

from helpers import __version__, config
from helpers.bundle.sizes import PartSize, largest_files, part_sizes
from helpers.bundle.texts import INSTRUCTIONS, instructions_text, write_scripts
from helpers.errors import BundleError
from helpers.hashing import file_hash
from helpers.model_card import MODEL_NAME, OFFICIAL_WEIGHTS, imagenet_classes
from helpers.sample import labelled_images
from helpers.weights import WeightsInfo, check_weights_file, downloaded_weights_path

PROJECT_DIST = "mobilenet-v3-tutorial-helpers"  # pyproject.toml's [project] name
MARKER = "bundle.json"  # a folder holding it was made here and may be replaced by a new build

# What the build copies from the project to build its wheel (nothing else is needed, and building
# from a copy leaves no build/ or .egg-info in the project).
_PROJECT_BUILD_FILES = ("pyproject.toml", "requirements.txt", "README.md", "LICENSE")
# Parts whose files install.sh checks before installing; learners edit notebooks, so not those.
_CHECKED_PARTS = ("wheels", "weights", "labels", "images")
_MANYLINUX = re.compile(r"^manylinux_(\d+)_(\d+)_(\w+)$")
# pip's legacy names for manylinux platforms, with the glibc version each stands for.
_LEGACY_MANYLINUX = {"manylinux2014": (2, 17), "manylinux2010": (2, 12), "manylinux1": (2, 5)}


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


def find_weights() -> WeightsInfo:
    """The weights to ship: ``MOBILENET_WEIGHTS`` if set, else the official file in the model cache.

    Raises BundleError, saying how to get a file, when neither is there; never downloads (building a
    bundle should not depend on the weights mirror).
    """
    local = config.local_weights_path()
    if local is not None:
        return check_weights_file(local, source=config.ENV_WEIGHTS)
    cached = downloaded_weights_path()
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
    return labelled_images(count).items


def shipped_image_name(path: Path, label: int) -> str:
    """The file name an image gets in the bundle: ``<synset>_<name>`` (its own name when it already
    starts with its synset), so that every layout arrives as one ``helpers.datasets`` reads."""
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
    write_scripts(staging, manifest)
    _write_checksums(staging)
    (staging / MARKER).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    # The instructions list the sizes, so they are written last but one; their own few kB are not counted.
    (staging / INSTRUCTIONS).write_text(
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


def _copy_weights(weights: WeightsInfo, folder: Path) -> str:
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
