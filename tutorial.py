"""Set up the tutorials and open them, run every test, build the lessons' web site or a classroom bundle.

The same commands on Linux, macOS and Windows (standard library only; any Python 3 can start it):

    python tutorial.py lab            Jupyter Lab on notebooks/
    python tutorial.py test [ARGS]    the whole test suite (pytest ARGS are passed on)
    python tutorial.py docs           execute every lesson and build the site in build/docs/ (index.html)
    python tutorial.py bundle [ARGS]  an offline classroom bundle in build/bundle/ (python -m helpers.bundle --help)
    python tutorial.py hub [ARGS]     a workshop room on this server: JupyterHub over one shared cache (--prepare
                                      first; python -m helpers.hub --help; Linux and macOS)

Each creates .venv/ with a supported Python if it is missing (PYTHON=/path/to/python chooses one; otherwise the
newest of SUPPORTED among the Python running this, those on the PATH and, on Windows, those the ``py`` launcher
knows), says which it used, installs the pinned packages of requirements.txt and this project (editable) when either
file changed, and registers the lessons' kernel, "python3", inside .venv, so that Jupyter started from .venv runs
the lessons with .venv's Python.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

SUPPORTED = ((3, 13), (3, 12), (3, 11))  # newest first; pyproject.toml's requires-python says the same
HERE = Path(__file__).resolve().parent
# TUTORIAL_VENV=folder puts the environment elsewhere (CI keeps one per Python); relative to this folder.
VENV = HERE / os.environ.get("TUTORIAL_VENV", ".venv")
STAMP_NAME = ".installed"
STAMPED_FILES = ("requirements.txt", "pyproject.toml")
# Settings that name a local path (helpers.config reads them): relative to where this is run, so made
# absolute before the kernels (which run in notebooks/) and the tests (which run here) see them.
PATH_SETTINGS = ("MOBILENET_WEIGHTS", "TUTORIAL_MODELS", "TUTORIAL_DATA")
KERNEL_NAME = "python3"  # the lessons' kernelspec names it, so any Jupyter with ipykernel runs them too
COMMANDS = ("lab", "test", "docs", "bundle", "hub")
USAGE = "usage: python tutorial.py lab | test [pytest arguments] | docs | bundle [options] | hub [options]"


class LauncherError(Exception):
    """A problem the learner can fix, said in one line."""


def versions_text(versions=SUPPORTED) -> str:
    return ", ".join(f"{major}.{minor}" for major, minor in sorted(versions))


def venv_python(venv: Path, os_name: str | None = None) -> Path:
    """The interpreter of a virtual environment: ``Scripts\\python.exe`` on Windows, ``bin/python`` elsewhere."""
    if (os_name or os.name) == "nt":
        return venv / "Scripts" / "python.exe"
    return venv / "bin" / "python"


def python_version(command: list[str]) -> tuple[int, int] | None:
    """(major, minor) of the Python that ``command`` starts, or None when it does not start."""
    try:
        result = subprocess.run([*command, "-c", "import sys; print(sys.version_info[0], sys.version_info[1])"],
                                capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    parts = result.stdout.split()
    if result.returncode != 0 or len(parts) != 2 or not all(part.isdigit() for part in parts):
        return None
    return int(parts[0]), int(parts[1])


def candidates(os_name: str | None = None, which=shutil.which, running: str | None = None) -> list[list[str]]:
    """Commands that may start a supported Python (only those found): ``running`` (default: the Python
    running this), pythonX.Y newest first, Windows' ``py -X.Y``, python3 and python."""
    running = sys.executable if running is None else running
    found: list[list[str]] = [[running]] if running else []
    for major, minor in SUPPORTED:
        path = which(f"python{major}.{minor}")
        if path:
            found.append([path])
    if (os_name or os.name) == "nt":
        launcher = which("py")  # the Windows launcher of python.org's installers: py -3.13 ...
        if launcher:
            found.extend([launcher, f"-{major}.{minor}"] for major, minor in SUPPORTED)
    for name in ("python3", "python"):
        path = which(name)
        if path:
            found.append([path])
    return found


def find_python(environ=None, os_name: str | None = None, which=shutil.which, version_of=python_version,
                running: str | None = None) -> tuple[list[str], tuple[int, int]]:
    """The command of the Python to create .venv with, and its version: PYTHON= when set (it must be
    supported), else the newest supported one found."""
    environ = os.environ if environ is None else environ
    chosen = environ.get("PYTHON", "")
    if chosen:
        version = version_of([chosen])
        if version is None:
            raise LauncherError(f"PYTHON={chosen} does not start a Python: set PYTHON to a Python "
                                f"{versions_text()} interpreter, or unset it.")
        if version not in SUPPORTED:
            raise LauncherError(f"PYTHON={chosen} is Python {version[0]}.{version[1]}, and the pinned packages "
                                f"need Python {versions_text()}: set PYTHON to one of those.")
        return [chosen], version
    best: tuple[list[str], tuple[int, int]] | None = None
    for command in candidates(os_name, which, running):
        version = version_of(command)
        if version in SUPPORTED and (best is None or version > best[1]):
            best = command, version
            if version == SUPPORTED[0]:
                break
    if best is None:
        raise LauncherError(f"no Python {versions_text()} found on the PATH: install one (python.org, your "
                            f"package manager or pyenv), or set PYTHON=/path/to/python, and run this again.")
    return best


def wanted_stamp(root: Path = HERE) -> str:
    """The sha256 of the files that decide what is installed; .venv is reinstalled when it changes."""
    digest = hashlib.sha256()
    for name in STAMPED_FILES:
        digest.update((root / name).read_bytes())
    return digest.hexdigest()


def needs_install(venv: Path, root: Path = HERE) -> bool:
    try:
        return (venv / STAMP_NAME).read_text(encoding="utf-8").strip() != wanted_stamp(root)
    except FileNotFoundError:
        return True


def absolute_settings(environ, cwd: Path) -> dict[str, str]:
    """The path settings made absolute against ``cwd`` (the folder this was run in); others untouched."""
    changed = {}
    for name in PATH_SETTINGS:
        value = environ.get(name, "")
        if value and not Path(value).expanduser().is_absolute():
            changed[name] = str((cwd / Path(value).expanduser()).absolute())
        elif value.startswith("~"):
            changed[name] = str(Path(value).expanduser())
    return changed


def run(command: list[str], **kwargs) -> None:
    result = subprocess.run(command, **kwargs)
    if result.returncode != 0:
        raise LauncherError(f"{' '.join(map(str, command[:4]))} ... failed (exit status {result.returncode}); "
                            f"its messages are above.")


def setup(venv: Path = VENV, root: Path = HERE) -> Path:
    """Create ``venv`` when missing, install when the stamp differs; return its Python."""
    python = venv_python(venv)
    if not python.exists():
        command, (major, minor) = find_python()
        print(f"Creating {venv.name} with Python {major}.{minor} ({' '.join(command)})", flush=True)
        run([*command, "-m", "venv", str(venv)])
    if needs_install(venv, root):
        major, minor = python_version([str(python)]) or (0, 0)
        if (major, minor) not in SUPPORTED:
            raise LauncherError(f"{venv} has Python {major}.{minor}, and the pinned packages need Python "
                                f"{versions_text()}: delete {venv.name} and run this again.")
        print(f"Installing the pinned packages into {venv.name} with Python {major}.{minor} "
              f"(a few minutes the first time)", flush=True)
        run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", str(root)])
        run([str(python), "-m", "ipykernel", "install", "--sys-prefix", "--name", KERNEL_NAME],
            stdout=subprocess.DEVNULL)
        (venv / STAMP_NAME).write_text(wanted_stamp(root) + "\n", encoding="utf-8")
    return python


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def command_line(command: str, python: Path, arguments: list[str]) -> list[str]:
    py = str(python)
    if command == "lab":
        # Jupyter refuses to run as root (containers, workshop VMs) unless told it may.
        return [py, "-m", "jupyterlab", "--notebook-dir=notebooks", *(["--allow-root"] if is_root() else []),
                *arguments]
    if command == "test":
        return [py, "-m", "pytest", *arguments]
    if command == "docs":
        return [py, str(Path("docs") / "build.py"), *arguments]
    if command == "hub":
        return [py, "-m", "helpers.hub", *arguments]
    return [py, "-m", "helpers.bundle", *arguments]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in COMMANDS:
        print(USAGE, file=sys.stderr)
        return 2
    os.environ.update(absolute_settings(os.environ, Path.cwd()))
    os.chdir(HERE)
    try:
        python = setup()
    except LauncherError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    command = command_line(argv[0], python, argv[1:])
    # Python's own Scripts\ or bin\ first, as an activated environment has it (benchmark_app, ovc, jupyter).
    os.environ["PATH"] = str(python.parent) + os.pathsep + os.environ.get("PATH", "")
    try:
        return subprocess.call(command)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
