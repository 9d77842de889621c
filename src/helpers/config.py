"""Settings read from environment variables, in one place (the README documents them).

- ``MOBILENET_WEIGHTS``: a local weights file to use instead of downloading the official one.
- ``TUTORIAL_MODELS``: where models go (default: ``models/`` at the project root), laid out
  as Open Model Zoo's downloader and converter leave them.
- ``TUTORIAL_DATA``: a folder of labelled ImageNet images for the lessons that measure on them, in any
  layout ``helpers.datasets.read_dataset`` reads; unset, they download the ImageNet sample (``helpers.sample``)
  into ``data/imagenet-sample`` in the project.
- ``TUTORIAL_MIRROR``: a room mirror's base URL (``http://``, ``https://`` or ``file://``), tried before the
  public sources for every download (``python -m helpers.mirror`` writes one).
- ``TUTORIAL_QUICK``: ``1`` for quick mode (smaller loops, every code path still runs).

Relative paths are taken relative to the current directory (``./tutorial`` makes them absolute
before it changes folder, so Jupyter kernels and tests see the same files). Values are read on
every call, so a notebook that sets ``os.environ`` sees the change.
"""
from __future__ import annotations

import os
from pathlib import Path

from helpers.errors import ConfigError, NotWritableError
from helpers.model_card import MODEL_NAME

ENV_WEIGHTS = "MOBILENET_WEIGHTS"
ENV_MODELS = "TUTORIAL_MODELS"
ENV_DATA = "TUTORIAL_DATA"
ENV_QUICK = "TUTORIAL_QUICK"
ENV_MIRROR = "TUTORIAL_MIRROR"
MIRROR_SCHEMES = ("http://", "https://", "file://")

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    return Path(value).expanduser().resolve() if value else None


def local_weights_path() -> Path | None:
    """The file named by ``MOBILENET_WEIGHTS``, or None when it is not set.

    Only says where the file should be; ``helpers.weights`` checks that it is usable.
    """
    return _env_path(ENV_WEIGHTS)


def models_dir() -> Path:
    """Root of the model tree (``TUTORIAL_MODELS``, default ``<project>/models``); it need not exist yet.

    Raises ConfigError when ``TUTORIAL_MODELS`` names something that is not a folder.
    """
    path = _env_path(ENV_MODELS)
    if path is None:
        return PROJECT_ROOT / "models"
    if path.exists() and not path.is_dir():
        raise ConfigError(
            f"{ENV_MODELS}={path} is a file, not a folder. Set it to a folder for the models (it is created "
            "if missing), or unset it to use models/ in the project."
        )
    return path


def writable_folder(folder: Path) -> Path:
    """``folder`` (inside the models folder), created if missing; NotWritableError naming ``TUTORIAL_MODELS`` and
    the fix when it cannot be created or written. Only the steps that write call it: reading needs no write access."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise not_writable(folder, error) from error
    if not os.access(folder, os.W_OK):
        raise not_writable(folder, PermissionError("it is read-only"))
    return folder


def not_writable(folder: Path, error: OSError) -> NotWritableError:
    """The one-line error for a models folder that cannot be written."""
    reason = getattr(error, "strerror", None) or str(error)
    return NotWritableError(
        f"Cannot write into {folder} ({reason}): the models folder ({ENV_MODELS}, here {models_dir()}) must be "
        f"writable to make models. Set {ENV_MODELS} to a folder of yours, for example "
        f"export {ENV_MODELS}=$HOME/mobilenet-models, and run again."
    )


def model_dir() -> Path:
    """Where this model's files go, as in Open Model Zoo: ``<models>/public/<model name>``."""
    return models_dir() / "public" / MODEL_NAME


def data_dir(required: bool = True) -> Path | None:
    """The image folder named by ``TUTORIAL_DATA``.

    Raises ConfigError when it is required and not set, or when it is not a folder.
    """
    path = _env_path(ENV_DATA)
    if path is None:
        if required:
            raise ConfigError(
                f"{ENV_DATA} is not set. Set it to a folder of labelled ImageNet images (for example files "
                f"named <synset>_<name>.JPEG) and restart: export {ENV_DATA}=/path/to/imagenet-sample"
            )
        return None
    if not path.is_dir():
        raise ConfigError(f"{ENV_DATA}={path} is not a folder. Set it to a folder of images.")
    return path


def sample_dir() -> Path:
    """Where the ImageNet sample is downloaded to and found again: ``data/imagenet-sample`` in the project."""
    return PROJECT_ROOT / "data" / "imagenet-sample"


def mirror_url() -> str | None:
    """The room mirror's base URL from ``TUTORIAL_MIRROR`` (no trailing slash), or None when it is not set.

    Raises ConfigError when it is not an http://, https:// or file:// URL.
    """
    value = os.environ.get(ENV_MIRROR, "").strip()
    if not value:
        return None
    if not value.lower().startswith(MIRROR_SCHEMES):
        raise ConfigError(
            f"{ENV_MIRROR}={value!r} is not a URL. Set it to the mirror's base URL, such as "
            f"http://192.0.2.10:8000 or file:///media/usb/mirror, or unset it."
        )
    return value.rstrip("/")


def quick_mode() -> bool:
    """True when ``TUTORIAL_QUICK`` asks for quick mode (``1``, ``true``, ``yes``, ``on``)."""
    value = os.environ.get(ENV_QUICK, "").strip().lower()
    if value in ("", "0", "false", "no", "off"):
        return False
    if value in ("1", "true", "yes", "on"):
        return True
    raise ConfigError(f"{ENV_QUICK}={value!r} is not understood. Use 1 for quick mode or 0 for full mode.")
