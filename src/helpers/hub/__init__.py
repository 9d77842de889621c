"""A workshop room on one server: JupyterHub with the lessons and one shared, read-only model cache.

    python -m helpers.hub --prepare            # once: the cache of weights, IR (FP32, FP16, INT8) and images
    python -m helpers.hub [--ip IP] [--port N] [--idle-timeout SECONDS]
    python -m helpers.hub reset 02             # in a learner's terminal: put Lesson 02 back as shipped

(``./tutorial hub`` runs the same.) Learners sign in with a name of their own and the room password
(``TUTORIAL_ROOM_PASSWORD``, never a file), the instructor as ``--admin`` with ``TUTORIAL_ROOM_ADMIN_PASSWORD``. Each
learner's server runs this project's environment and kernel in a folder of their own (``<root>/users/<name>``),
which gets a copy of the lessons and the glossary on first sign-in; their edits are theirs. Every learner's kernel
reads the same cache (``<root>/cache``: ``TUTORIAL_MODELS``, ``MOBILENET_WEIGHTS`` and ``TUTORIAL_DATA`` point
there), made read-only, so no lesson converts or downloads per learner, and what a lesson writes for itself goes to
the learner's folder or a temporary one. Idle servers are stopped by ``jupyterhub-idle-culler``.

The servers are JupyterHub's ``SimpleLocalProcessSpawner``: every learner's server runs as the hub's own user, so
learners are not isolated from each other (a room of trusted learners on a machine of its own, not the internet).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import stat
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from helpers import config
from helpers.errors import HubError
from helpers.hashing import file_hash
from helpers.mirror import copy_verified, verified_sample_source
from helpers.sample import manifest, unverified
from helpers.weights import resolve_weights

ENV_PASSWORD = "TUTORIAL_ROOM_PASSWORD"
ENV_ADMIN_PASSWORD = "TUTORIAL_ROOM_ADMIN_PASSWORD"
ENV_SETTINGS = "TUTORIAL_HUB_SETTINGS"  # the settings file that jupyterhub_config.py reads
ENV_LESSONS = "TUTORIAL_LESSONS"  # where the lessons as shipped are, when not in this checkout (a container image)
PROXY_PACKAGE = "configurable-http-proxy"
PROXY_VERSION = "5.3.0"
DEFAULT_ROOT = config.PROJECT_ROOT / "build" / "hub"
DEFAULT_IDLE_TIMEOUT_S = 3600
# A lesson's kernel idle this long is shut down (its notebook stays open): a learner who moves on to the next lesson
# does not hold the memory of every kernel opened before.
KERNEL_IDLE_TIMEOUT_S = 900
# Names learners may sign in with: their folder's name too, so nothing that could leave <root>/users.
USERNAME_PATTERN = r"^[a-z][a-z0-9_-]{0,31}$"
MIN_PASSWORD = 8  # JupyterHub's shared-password authenticator: 8 characters, 32 for the admin's
MIN_ADMIN_PASSWORD = 32
CACHE_RECORD = "hub-cache.json"
LESSON_FILES = ("[0-9][0-9]_*.ipynb", "glossary.md")
# Lab settings every learner starts with: no news or update checks (a room's network is often closed or slow).
LAB_USER_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"checkForUpdates": False,
                                                                       "fetchNews": "false"},
}


@dataclass(frozen=True)
class Room:
    """Where a room's files live under its root folder: ``cache/`` (``models/``, ``imagenet-sample/`` and
    ``weights/``, read-only once made), ``users/`` (each learner's home) and ``state/`` (the hub's own files)."""

    root: Path
    cache: Path = field(init=False)
    users: Path = field(init=False)
    state: Path = field(init=False)
    models: Path = field(init=False)
    images: Path = field(init=False)
    weights_dir: Path = field(init=False)

    def __post_init__(self):
        folders = {"cache": self.root / "cache", "users": self.root / "users", "state": self.root / "state"}
        folders |= {"models": folders["cache"] / "models", "images": folders["cache"] / "imagenet-sample",
                    "weights_dir": folders["cache"] / "weights"}
        for name, folder in folders.items():
            object.__setattr__(self, name, folder)  # a frozen dataclass sets its own fields this way


# --- the shared cache -----------------------------------------------------------------------------------------


def prepare_cache(room: Room, *, python: str = sys.executable) -> dict:
    """Make the room's cache once: the weights in use (``MOBILENET_WEIGHTS`` or the official download), the FP32,
    FP16 and INT8 IR made from them by the project's own commands, and the ImageNet sample (``TUTORIAL_DATA``'s
    verified copy, else downloaded); then record every file's sha256 and make the cache read-only. A second call
    reuses what is there. Returns the record (also ``<cache>/hub-cache.json``)."""

    if room.cache.exists():
        _make_writable(room.cache)
    room.cache.mkdir(parents=True, exist_ok=True)
    weights = resolve_weights()
    room.weights_dir.mkdir(exist_ok=True)
    cached_weights = room.weights_dir / weights.path.name
    if not cached_weights.is_file() or file_hash(cached_weights, "sha384") != weights.sha384:
        shutil.copyfile(weights.path, cached_weights)
    env = {**os.environ, **_cache_settings(room, cached_weights)}
    env.pop(config.ENV_MIRROR, None)
    source = verified_sample_source(progress=True)
    for remote in unverified(manifest(), room.images):
        room.images.mkdir(exist_ok=True)
        copy_verified(source / remote.name, room.images / remote.name, remote)
    for command in (["-m", "helpers.prepare"], ["-m", "helpers.quantize", str(room.images)]):
        done = subprocess.run([python, *command], env=env)
        if done.returncode != 0:
            raise HubError(f"`python {' '.join(command)}` failed while preparing the room's cache (its message is "
                           "above); fix that, then run ./tutorial hub --prepare again.")
    record = {"weights": cached_weights.name, "files": cache_hashes(room)}
    (room.cache / CACHE_RECORD).write_text(json.dumps(record, indent=1), encoding="utf-8")
    _make_read_only(room.cache)
    return record


def cache_hashes(room: Room) -> dict[str, str]:
    """sha256 of every file in the cache (but its record), by path relative to the cache."""
    return {path.relative_to(room.cache).as_posix(): file_hash(path, "sha256")
            for path in sorted(room.cache.rglob("*")) if path.is_file() and path.name != CACHE_RECORD}


def check_cache(room: Room) -> dict:
    """The cache's record, after checking that the cache was prepared; HubError saying how to prepare it if not."""
    record_file = room.cache / CACHE_RECORD
    if not record_file.is_file():
        raise HubError(f"The room's cache {room.cache} is not prepared: run ./tutorial hub --prepare first "
                       "(once; it needs the weights and the ImageNet sample, or the internet).")
    return json.loads(record_file.read_text(encoding="utf-8"))


def _cache_settings(room: Room, weights: Path) -> dict[str, str]:
    return {config.ENV_MODELS: str(room.models), config.ENV_WEIGHTS: str(weights), config.ENV_DATA: str(room.images)}


def learner_environment(room: Room) -> dict[str, str]:
    """The settings every learner's kernel gets: the cache's models, weights and images; quick mode as the hub's."""
    record = check_cache(room)
    env = _cache_settings(room, room.weights_dir / record["weights"])
    if os.environ.get(config.ENV_QUICK):
        env[config.ENV_QUICK] = os.environ[config.ENV_QUICK]
    return env


def _make_read_only(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        mode = path.stat().st_mode
        path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def _make_writable(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        path.chmod(path.stat().st_mode | stat.S_IWUSR)


# --- a learner's folder ---------------------------------------------------------------------------------------


def lesson_files() -> list[Path]:
    """The lessons and the glossary as shipped: in ``TUTORIAL_LESSONS`` when set (a container image), else in this
    project's notebooks/ folder."""
    notebooks = Path(os.environ.get(ENV_LESSONS) or config.PROJECT_ROOT / "notebooks")
    found = sorted(path for pattern in LESSON_FILES for path in notebooks.glob(pattern))
    if not found:
        raise HubError(f"No lessons in {notebooks}: set {ENV_LESSONS} to the folder of the shipped lessons.")
    return found


def set_up_learner(home: Path) -> list[str]:
    """Give a learner's folder the lessons and the glossary (only those it does not have: edits stay) and Lab's
    room settings; return the names copied."""
    home.mkdir(parents=True, exist_ok=True)
    copied = []
    for lesson in lesson_files():
        if not (home / lesson.name).exists():
            shutil.copy2(lesson, home / lesson.name)
            copied.append(lesson.name)
    settings = home / ".jupyter" / "lab" / "user-settings"
    for name, values in LAB_USER_SETTINGS.items():
        path = settings / name
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values), encoding="utf-8")
    return copied


def reset_lesson(home: Path, number: str) -> tuple[Path, Path | None]:
    """Put lesson ``number`` ("02") back as shipped in ``home``, keeping the learner's copy as ``<name>.bak``;
    returns (the lesson, the backup or None). HubError when no lesson has that number."""
    found = [p for p in lesson_files() if p.name.startswith(f"{number}_")]
    if not re.fullmatch(r"\d\d", number) or not found:
        raise HubError(f"There is no lesson numbered {number!r}: use two digits, such as 02 "
                       f"(lessons: {', '.join(p.name[:2] for p in lesson_files() if p.suffix == '.ipynb')}).")
    lesson = home / found[0].name
    backup = None
    if lesson.exists():
        backup = lesson.with_name(lesson.name + ".bak")
        os.replace(lesson, backup)
    shutil.copy2(found[0], lesson)
    return lesson, backup


# --- the hub itself --------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class HubSettings:
    """What jupyterhub_config.py needs, written by ``python -m helpers.hub`` into the state folder."""

    ip: str
    port: int
    hub_port: int
    proxy_api_port: int
    root: str
    admin: str | None
    idle_timeout: int
    proxy: str
    singleuser: str
    python: str
    allow_root: bool
    learner_env: dict


def free_port(ip: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on now (the hub's internal API and the proxy's API get one each)."""
    with socket.socket() as sock:
        sock.bind((ip, 0))
        return sock.getsockname()[1]


def find_proxy(install: bool = True) -> Path:
    """configurable-http-proxy: the copy in ``.venv/hub`` (installed there with npm when missing and ``install``),
    else one on the PATH. HubError saying how to get it when there is none and npm is missing."""
    prefix = Path(sys.prefix) / "hub"
    local = prefix / "node_modules" / ".bin" / PROXY_PACKAGE
    if local.is_file():
        return local
    npm = shutil.which("npm")
    if install and npm:
        print(f"Installing {PROXY_PACKAGE}@{PROXY_VERSION} with npm into {prefix}")
        done = subprocess.run([npm, "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(prefix),
                               f"{PROXY_PACKAGE}@{PROXY_VERSION}"], capture_output=True, text=True)
        if done.returncode == 0 and local.is_file():
            return local
        raise HubError(f"npm could not install {PROXY_PACKAGE}@{PROXY_VERSION}: {done.stderr.strip()[-300:]}. "
                       "Check npm's access to its registry and run again.")
    on_path = shutil.which(PROXY_PACKAGE)
    if on_path:
        return Path(on_path)
    raise HubError(f"JupyterHub needs {PROXY_PACKAGE} (Node.js) and npm is not installed: install Node.js and npm "
                   f"(Debian: apt-get install nodejs npm), or {PROXY_PACKAGE} itself, and run again.")


def hub_settings(room: Room, *, ip: str, port: int, admin: str | None, idle_timeout: int,
                 proxy: Path) -> HubSettings:
    """The hub's settings, after checking the passwords and the cache (HubError with the fix otherwise)."""
    password = os.environ.get(ENV_PASSWORD, "")
    if len(password) < MIN_PASSWORD:
        raise HubError(f"Set {ENV_PASSWORD} to the room's password ({MIN_PASSWORD} characters or more) in the "
                       "environment that starts the hub; learners sign in with it and a name of their own.")
    if admin is not None:
        if not re.fullmatch(USERNAME_PATTERN, admin):
            raise HubError(f"--admin {admin!r} is not a valid name: lower-case letters, digits, - and _.")
        if len(os.environ.get(ENV_ADMIN_PASSWORD, "")) < MIN_ADMIN_PASSWORD:
            raise HubError(f"--admin {admin} needs {ENV_ADMIN_PASSWORD} ({MIN_ADMIN_PASSWORD} characters or more, "
                           f"not the room's password) in the environment that starts the hub.")
    bin_dir = Path(sys.executable).parent
    return HubSettings(
        ip=ip, port=port, hub_port=free_port(), proxy_api_port=free_port(), root=str(room.root), admin=admin,
        idle_timeout=idle_timeout, proxy=str(proxy), singleuser=str(bin_dir / "jupyterhub-singleuser"),
        python=sys.executable, allow_root=hasattr(os, "geteuid") and os.geteuid() == 0,
        learner_env=learner_environment(room),
    )


def write_settings(room: Room, settings: HubSettings) -> Path:
    room.state.mkdir(parents=True, exist_ok=True)
    room.users.mkdir(parents=True, exist_ok=True)
    path = room.state / "hub-settings.json"
    path.write_text(json.dumps(asdict(settings), indent=1), encoding="utf-8")
    return path


def config_file() -> Path:
    return Path(__file__).with_name("jupyterhub_config.py")


def hub_command(settings_file: Path) -> tuple[list[str], dict[str, str]]:
    """The command that starts JupyterHub with this room's configuration, and its environment."""
    return ([sys.executable, "-m", "jupyterhub", "-f", str(config_file())],
            {**os.environ, ENV_SETTINGS: str(settings_file)})
