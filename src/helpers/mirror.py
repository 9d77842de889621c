"""Write a room mirror: a folder that one machine serves so that a room of learners downloads nothing twice.

    python -m helpers.mirror DIR

copies into ``DIR`` what this machine has verified: the official weights (only the official file, checked by its
sha384; a local stand-in named by ``MOBILENET_WEIGHTS`` is never put there as if it were official) and the
ImageNet sample (each file checked against the manifest), in the layout that ``TUTORIAL_MIRROR`` reads::

    DIR/weights_mobilenet_v3_small_224_1.0_float.h5
    DIR/imagenet-sample/<synset>_<name>.JPEG      (1000 files)

Then it prints the command that serves the folder and what learners set. Learners' downloads check every file
against the same checksums, so a mirror can never hand out a wrong file.
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from helpers import config
from helpers.download import CannotWrite, is_complete, partial_file
from helpers.errors import MirrorError
from helpers.model_card import OFFICIAL_WEIGHTS, SAMPLE_MIRROR_FOLDER, RemoteFile
from helpers.sample import ensure_sample, manifest, unverified
from helpers.weights import downloaded_weights_path

SERVE_PORT = 8000


@dataclass(frozen=True, kw_only=True)
class MirrorReport:
    folder: Path
    weights: bool  # the official weights are in the mirror
    weights_note: str  # why not, when they are not
    sample_files: int  # how many verified sample files the mirror holds

    def describe(self) -> str:
        weights = (f"weights: {OFFICIAL_WEIGHTS.name} (official, sha384 checked)" if self.weights
                   else f"weights: none ({self.weights_note})")
        return "\n".join([
            f"Mirror in {self.folder}",
            weights,
            f"ImageNet sample: {self.sample_files} of {len(manifest())} files, each checked against the manifest",
            f"Serve it:      python -m http.server --directory {self.folder} {SERVE_PORT}",
            f"Learners set:  {config.ENV_MIRROR}=http://<this machine's address>:{SERVE_PORT}",
        ])


def official_weights_at_hand() -> Path | None:
    """A verified copy of the official weights on this machine (``MOBILENET_WEIGHTS`` when it is the official file,
    else the downloaded copy in the models folder), or None."""
    local = config.local_weights_path()
    for path in (local, downloaded_weights_path()):
        if path is not None and is_complete(path, OFFICIAL_WEIGHTS):
            return path
    return None


def write_mirror(folder: Path, *, with_sample: bool = True, progress: bool = True) -> MirrorReport:
    """Fill ``folder`` with the verified official weights (when at hand) and the ImageNet sample (downloaded first
    when this machine lacks files of it; taken from ``TUTORIAL_DATA`` when that folder holds verified copies).
    Files already there and verified are kept. Raises MirrorError or DownloadError with the fix."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise MirrorError(f"Cannot create the mirror folder {folder}: {error}. Choose a writable folder.") from error
    weights = official_weights_at_hand()
    note = ""
    if weights is not None:
        copy_verified(weights, folder / OFFICIAL_WEIGHTS.name, OFFICIAL_WEIGHTS)
    else:
        local = config.local_weights_path()
        note = (f"{config.ENV_WEIGHTS} names a file that is not the official one" if local is not None
                else "the official file is not on this machine: run python -m helpers.prepare online first")
    count = 0
    if with_sample:
        sample_folder = folder / SAMPLE_MIRROR_FOLDER
        source = verified_sample_source(progress)
        for remote in unverified(manifest(), sample_folder):
            sample_folder.mkdir(exist_ok=True)
            copy_verified(source / remote.name, sample_folder / remote.name, remote)
        count = len(manifest()) - len(unverified(manifest(), sample_folder))
    return MirrorReport(folder=folder, weights=weights is not None, weights_note=note, sample_files=count)


def verified_sample_source(progress: bool) -> Path:
    """A folder with every sample file verified: ``TUTORIAL_DATA`` if it is one, else the downloaded sample."""
    data = config.data_dir(required=False)
    if data is not None and not unverified(manifest(), data):
        return data
    return ensure_sample(progress=progress)


def copy_verified(source: Path, dest: Path, remote: RemoteFile) -> None:
    """Copy ``source`` to ``dest`` through a ``.part`` file, renamed only when its size and checksum verify."""
    try:
        partial = partial_file(dest)
    except CannotWrite as error:
        raise _cannot_write(dest, error.__cause__) from error
    try:
        shutil.copyfile(source, partial)
        if not is_complete(partial, remote):
            raise MirrorError(f"{source} changed while it was copied into the mirror; run the command again.")
        os.replace(partial, dest)
    except OSError as error:
        raise _cannot_write(dest, error) from error
    finally:
        partial.unlink(missing_ok=True)


def _cannot_write(dest: Path, cause) -> MirrorError:
    return MirrorError(f"Cannot write {dest.name} into {dest.parent}: {cause}. Free some disk space or choose "
                       "another folder.")


if __name__ == "__main__":
    from helpers.cli.mirror import main  # the command line lives in helpers.cli

    raise SystemExit(main())
