"""Which weights file the tutorials use: the official download, or a local copy.

A local copy (``MOBILENET_WEIGHTS``) is accepted but never taken for the official file:
its sha384 is compared with the card's, and ``WeightsInfo.describe()`` says which it is.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from helpers import config
from helpers.download import fetch, sha384_of
from helpers.errors import WeightsFileError
from helpers.model_card import OFFICIAL_WEIGHTS

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


@dataclass(frozen=True)
class WeightsInfo:
    """A weights file on disk and where it came from."""

    path: Path
    sha384: str
    source: str  # "download" or the name of the environment variable that named it

    @property
    def is_official(self) -> bool:
        return self.sha384 == OFFICIAL_WEIGHTS.digest

    def describe(self) -> str:
        """Two or three lines for a learner: the file, its sha384, official or not."""
        lines = [f"Weights file: {self.path}", f"sha384:       {self.sha384}"]
        if self.is_official:
            lines.append(f"These are the official weights ({OFFICIAL_WEIGHTS.name}).")
        else:
            lines.append(
                f"NOT the official {OFFICIAL_WEIGHTS.name} (its checksum differs): "
                f"a local file from {self.source}; predictions and accuracy will differ from the card's."
            )
        return "\n".join(lines)


def check_weights_file(path: Path, source: str) -> WeightsInfo:
    """Check that ``path`` looks like a Keras HDF5 weights file and return its WeightsInfo.

    Raises WeightsFileError, naming the file and the fix, when it is missing, a folder,
    empty, of the wrong kind, or not HDF5.
    """
    path = Path(path)
    fix = (f"Set {config.ENV_WEIGHTS} to a Keras .h5 weights file of MobileNetV3-Small, or unset it to "
           f"download {OFFICIAL_WEIGHTS.name}.")
    if not path.exists():
        raise WeightsFileError(f"Weights file not found: {path} (from {source}). {fix}")
    if not path.is_file():
        raise WeightsFileError(f"Weights path is not a file: {path} (from {source}). {fix}")
    if path.suffix != ".h5":
        raise WeightsFileError(
            f"Weights file {path} (from {source}) does not end in .h5; Keras reads only .h5 weights. {fix}"
        )
    with open(path, "rb") as stream:
        head = stream.read(len(HDF5_SIGNATURE))
    if head != HDF5_SIGNATURE:
        what = "is empty" if not head else "is not an HDF5 file"
        raise WeightsFileError(f"Weights file {path} (from {source}) {what}. {fix}")
    return WeightsInfo(path=path, sha384=sha384_of(path), source=source)


def downloaded_weights_path() -> Path:
    """Where ``resolve_weights`` downloads the official file to, and finds it again: the model's folder."""
    return config.model_dir() / OFFICIAL_WEIGHTS.name


def weights_at_hand() -> bool:
    """True when ``resolve_weights`` needs no download: MOBILENET_WEIGHTS is set, or the official file was
    downloaded before."""
    return config.local_weights_path() is not None or downloaded_weights_path().is_file()


def resolve_weights(*, progress: bool = True, timeout: float = 30.0) -> WeightsInfo:
    """The weights to use: ``MOBILENET_WEIGHTS`` if set, else the official file, downloaded
    (mirror first, then the Keras original) into the model folder when not already there."""
    local = config.local_weights_path()
    if local is not None:
        return check_weights_file(local, source=config.ENV_WEIGHTS)
    path = fetch(
        OFFICIAL_WEIGHTS, downloaded_weights_path().parent, timeout=timeout, progress=progress,
        fix_hint=f"set {config.ENV_MIRROR} to a room mirror, or download {OFFICIAL_WEIGHTS.name} by other means "
                 f"and set {config.ENV_WEIGHTS} to its path",
    )
    return WeightsInfo(path=path, sha384=OFFICIAL_WEIGHTS.digest, source="download")
