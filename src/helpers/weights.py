"""Which weights file the tutorials use: the official download, or a local copy.

A local copy (``MOBILENET_WEIGHTS``) is accepted, and taken for the official file only when its sha384 is the
card's; ``WeightsInfo.describe()`` says which it is.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from helpers import config
from helpers.download import fetch, is_complete
from helpers.errors import WeightsFileError
from helpers.hashing import file_hash
from helpers.model_card import OFFICIAL_WEIGHTS

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
# The two HDF5 layouts of Keras weights, told apart by their content (Keras itself goes by the file's name):
KERAS3 = "Keras 3 weights (.weights.h5)"  # model.save_weights in Keras 3: groups "layers" and "vars"
KERAS2 = "Keras 2 weights (.h5)"  # the legacy layout, as the official file has: a "layer_names" attribute
# The name ending Keras wants for each layout.
KERAS_SUFFIX = {KERAS3: ".weights.h5", KERAS2: ".h5"}


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

    Its name does not matter (``keras_weights_format`` reads the layout from the content). Raises WeightsFileError,
    naming the file and the fix, when it is missing, a folder, empty, or not HDF5.
    """
    path = Path(path)
    fix = (f"Set {config.ENV_WEIGHTS} to a Keras .h5 weights file of MobileNetV3-Small, or unset it to "
           f"download {OFFICIAL_WEIGHTS.name}.")
    if not path.exists():
        raise WeightsFileError(f"Weights file not found: {path} (from {source}). {fix}")
    if not path.is_file():
        raise WeightsFileError(f"Weights path is not a file: {path} (from {source}). {fix}")
    with open(path, "rb") as stream:
        head = stream.read(len(HDF5_SIGNATURE))
    if head != HDF5_SIGNATURE:
        what = "is empty" if not head else "is not an HDF5 file"
        raise WeightsFileError(f"Weights file {path} (from {source}) {what}. {fix}")
    return WeightsInfo(path=path, sha384=file_hash(path, "sha384"), source=source)


def keras_weights_format(path: Path) -> str:
    """``KERAS3`` or ``KERAS2``: which HDF5 layout of Keras weights the file holds, read from its content.

    Raises ValueError saying why when it cannot be read as HDF5 or holds neither layout (a whole saved model in
    Keras 2's layout counts as KERAS2: Keras reads its weights).
    """
    import h5py  # imported here: h5py takes a quarter of a second to import, for this check only

    try:
        with h5py.File(Path(path), "r") as file:
            if "layer_names" in file.attrs or "model_weights" in file:
                return KERAS2
            if "layers" in file or "vars" in file:
                return KERAS3
    except OSError as error:
        raise ValueError(f"it cannot be read as HDF5 ({error})") from error
    raise ValueError("it is HDF5 but holds no Keras weights (neither Keras 2's layer_names nor Keras 3's layers "
                     "and vars)")


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
    if not is_complete(downloaded_weights_path(), OFFICIAL_WEIGHTS):  # a download writes: say so before trying
        config.writable_folder(downloaded_weights_path().parent)
    path = fetch(
        OFFICIAL_WEIGHTS, downloaded_weights_path().parent, timeout=timeout, progress=progress,
        fix_hint=f"set {config.ENV_MIRROR} to a room mirror, or download {OFFICIAL_WEIGHTS.name} by other means "
                 f"and set {config.ENV_WEIGHTS} to its path",
    )
    return WeightsInfo(path=path, sha384=OFFICIAL_WEIGHTS.digest, source="download")
