"""The labelled images the lessons measure on: ``TUTORIAL_DATA`` when set, else the ImageNet sample, downloaded and
checked.

The sample is 1000 ImageNet images, one per class, named ``<synset>_<name>.JPEG``: the public GitHub repository
``EliSchwartz/imagenet-sample-images`` at one commit (``helpers.model_card.SAMPLE_*``). It is downloaded, never
shipped, and ImageNet's terms apply (research and teaching). The package ships its manifest (name, size, sha256
of each file, ``data/imagenet_sample.tsv``), and every file is checked against it:

1. a room mirror first (``TUTORIAL_MIRROR``: ``<mirror>/imagenet-sample/<name>``, each file checked);
2. the archive of the commit, one request (its own bytes are not promised stable: each extracted file is
   checked, never the zip), when many files are missing;
3. each file still missing from ``raw.githubusercontent.com`` (stable bytes), a few at a time.

Files go to ``data/imagenet-sample/`` in the project (``config.sample_dir()``) under a ``.part`` name until they
verify, so an interrupted download keeps the files that verified and the next call fetches only the rest. A folder
counts as the sample only when every file verifies; ``LabelledImages.describe()`` says which images a lesson
measures on, and says so when they are not the verified sample.
"""
from __future__ import annotations

import contextlib
import os
import threading
import time
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path, PurePosixPath

from helpers import config
from helpers.datasets import LabeledImage, evenly_spaced, read_dataset, read_synset_named_file
from helpers.download import (
    PARTIAL_SUFFIX,
    CannotWrite,
    UrlFailed,
    fetch,
    partial_file,
    stream_to,
)
from helpers.errors import DownloadError
from helpers.hashing import file_hash
from helpers.model_card import (
    SAMPLE_ARCHIVE_URL,
    SAMPLE_FILE_URL,
    SAMPLE_MIRROR_FOLDER,
    SAMPLE_REPOSITORY,
    RemoteFile,
)
from helpers.progress import tqdm

MANIFEST = "data/imagenet_sample.tsv"
# Below this many missing files, a request per file costs less than the whole 110 MB archive.
ARCHIVE_MIN_FILES = 100
PARALLEL_DOWNLOADS = 4  # "a few at a time": polite to the server, enough to hide each request's latency
# A .part file untouched this long was left by a killed run; a live download writes to its own more often.
STALE_PART_SECONDS = 15 * 60


# The public sources, read when used (tests point them at a local server).
ARCHIVE_URL = SAMPLE_ARCHIVE_URL
FILE_URL = SAMPLE_FILE_URL


@lru_cache(maxsize=1)
def _manifest_entries() -> tuple[tuple[str, int, str], ...]:
    text = resources.files("helpers").joinpath(MANIFEST).read_text("utf-8")
    rows = (line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))
    return tuple(sorted((name, int(size), sha256) for name, size, sha256 in rows))


def manifest() -> tuple[RemoteFile, ...]:
    """The sample's 1000 files, sorted by name, each with its size, sha256, public URL and path in a mirror."""
    return tuple(
        RemoteFile(name=name, size=size, digest=sha256, algorithm="sha256", urls=(FILE_URL.format(name=name),),
                   mirror_path=f"{SAMPLE_MIRROR_FOLDER}/{name}")
        for name, size, sha256 in _manifest_entries()
    )


def _is_verified(folder: Path, remote: RemoteFile) -> bool:
    path = folder / remote.name
    try:
        return path.stat().st_size == remote.size and file_hash(path, "sha256") == remote.digest
    except OSError:
        return False


def unverified(files: tuple[RemoteFile, ...] | list[RemoteFile], folder: Path) -> list[RemoteFile]:
    """The files of ``files`` that ``folder`` lacks or holds with other bytes (size, then sha256)."""
    return [f for f in files if not _is_verified(Path(folder), f)]


def ensure_sample(files: list[RemoteFile] | None = None, folder: Path | None = None, *, progress: bool = True,
                  timeout: float = 30.0) -> Path:
    """Make ``folder`` (default ``config.sample_dir()``) hold verified copies of ``files`` (default: all 1000) and
    return it. Files already verified are kept and not fetched again.

    Raises DownloadError when some file cannot be had from any source: its first line names the count, an example
    file and the remedies (the URL, ``TUTORIAL_DATA``, ``TUTORIAL_MIRROR``).
    """
    folder = config.sample_dir() if folder is None else Path(folder)
    wanted = list(manifest() if files is None else files)
    _remove_stale_parts(folder)
    missing = unverified(wanted, folder)
    if not missing:
        return folder
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DownloadError(_cannot_write_message(folder, error), cannot_write=True) from error
    if config.mirror_url() is None and len(missing) >= ARCHIVE_MIN_FILES:
        _extract_archive(missing, folder, timeout, progress)
        missing = unverified(missing, folder)
    failures = _fetch_each(missing, folder, timeout, progress)
    if failures:
        first_name, first_error = next(iter(failures.items()))
        raise DownloadError(
            f"Could not get {len(failures)} of {len(wanted)} ImageNet sample images (e.g. {first_name}): set "
            f"{config.ENV_DATA} to a folder of labelled ImageNet images or {config.ENV_MIRROR} to a room mirror, or "
            f"check the connection to {ARCHIVE_URL} and run again.\n"
            f"The {len(wanted) - len(failures)} verified files are kept in {folder}. {first_error}"
        )
    return folder


def _remove_stale_parts(folder: Path) -> None:
    """Remove the ``.part`` files a killed run left (untouched for ``STALE_PART_SECONDS``), never a live one."""
    now = time.time()
    for partial in folder.glob(f"*{PARTIAL_SUFFIX}") if folder.is_dir() else ():
        with contextlib.suppress(OSError):  # another process may remove it first, or the folder is read-only
            if now - partial.stat().st_mtime > STALE_PART_SECONDS:
                partial.unlink()


class _LockedBar:
    """A progress bar updated from several download threads."""

    def __init__(self, bar):
        self._bar, self._lock = bar, threading.Lock()

    def update(self, count: int) -> None:
        with self._lock:
            self._bar.update(count)


def _fetch_each(files: list[RemoteFile], folder: Path, timeout: float, progress: bool) -> dict[str, str]:
    """Fetch each file on its own (mirror first, then its public URL), a few at a time; return {name: why} of
    those that failed. A full disk or a read-only folder is the same for every file: raised at once."""
    if not files:
        return {}

    def one(remote: RemoteFile) -> tuple[str, str | None]:
        try:
            fetch(remote, folder, timeout=timeout, bar=bar, folder_hint=f"set {config.ENV_DATA} to a folder of images")
            return remote.name, None
        except DownloadError as error:
            if error.cannot_write:
                raise
            return remote.name, str(error)

    with tqdm(total=sum(f.size for f in files), unit="B", unit_scale=True, unit_divisor=1024,
              desc=f"ImageNet sample, {len(files)} file(s)", disable=not progress) as shown:
        bar = _LockedBar(shown)
        with ThreadPoolExecutor(PARALLEL_DOWNLOADS) as pool:
            results = list(pool.map(one, files))
    return {name: why for name, why in results if why is not None}


def _extract_archive(files: list[RemoteFile], folder: Path, timeout: float, progress: bool) -> None:
    """Download the commit's archive and keep each of ``files`` found inside whose bytes verify. A failure of the
    archive (a 404, a time-out, a truncated or damaged zip, a damaged entry) only leaves more files for
    ``_fetch_each``; a full disk or a read-only folder raises DownloadError."""
    expected = {f.name: f for f in files}
    # The archive is about the size of its files; a server sending much more is not sending this archive.
    limit = 2 * sum(f.size for f in manifest())
    try:
        archive = partial_file(folder / "imagenet-sample.zip")
        try:
            with tqdm(total=sum(f.size for f in manifest()), unit="B", unit_scale=True, unit_divisor=1024,
                      desc="ImageNet sample, archive", disable=not progress) as bar:
                stream_to(ARCHIVE_URL, archive, limit, "sha256", timeout, bar=bar)
            with zipfile.ZipFile(archive) as zipped:
                for member in zipped.infolist():
                    remote = expected.get(PurePosixPath(member.filename).name)
                    if remote is not None and member.file_size == remote.size:
                        _extract_one(zipped, member, folder / remote.name, remote)
        finally:
            archive.unlink(missing_ok=True)
    except CannotWrite as error:
        raise DownloadError(_cannot_write_message(folder, error.__cause__), cannot_write=True) from error
    except (UrlFailed, zipfile.BadZipFile, EOFError):
        return


def _extract_one(zipped: zipfile.ZipFile, member: zipfile.ZipInfo, dest: Path, remote: RemoteFile) -> None:
    """Extract one entry to a ``.part`` file beside ``dest`` and rename it only when its size and sha256 verify."""
    partial = partial_file(dest)
    try:
        try:
            with zipped.open(member) as source, open(partial, "wb") as out:
                while chunk := source.read(1 << 16):
                    try:
                        out.write(chunk)
                    except OSError as error:
                        raise CannotWrite() from error
        except (zipfile.BadZipFile, zlib.error, EOFError):  # a damaged entry: fetched on its own afterwards
            return
        if partial.stat().st_size == remote.size and file_hash(partial, "sha256") == remote.digest:
            os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)


def _cannot_write_message(folder: Path, cause) -> str:
    return (f"Could not write the ImageNet sample into {folder}: {cause}. Fix: free some disk space, make the folder "
            f"writable, or set {config.ENV_DATA} to a folder of labelled ImageNet images.")


@dataclass(frozen=True, kw_only=True)
class LabelledImages:
    """Labelled images for a lesson, and what they are: ``items`` (``helpers.datasets.LabeledImage``, sorted by
    path), where they come from (``source``: "sample" or "TUTORIAL_DATA"), the folder, how many the folder has,
    and whether they are the ImageNet sample's files, each verified."""

    items: list[LabeledImage]
    source: str
    folder: Path
    folder_total: int
    verified_sample: bool

    def __len__(self) -> int:
        return len(self.items)

    def describe(self) -> str:
        """One line for a learner: how many images, of what, and whether they are the verified sample."""
        part = f"{len(self.items)} of the {self.folder_total}" if len(self.items) < self.folder_total else \
            f"all {self.folder_total}"
        if self.source == "sample":
            where = self.folder.relative_to(config.PROJECT_ROOT) if self.folder.is_relative_to(
                config.PROJECT_ROOT) else self.folder.name
            return (f"{part} images of the ImageNet sample ({SAMPLE_REPOSITORY}, one per class), each checked "
                    f"against the manifest, in {Path(where).as_posix()}/")
        what = ("the ImageNet sample's files, each checked against the manifest" if self.verified_sample else
                "labelled images: not the verified ImageNet sample, so numbers differ from the lessons' saved ones")
        return f"{part} images of {config.ENV_DATA} (folder {self.folder.name}): {what}"


def labelled_images(count: int | None = None, *, progress: bool = True) -> LabelledImages:
    """``count`` labelled images evenly spread over the sorted set (None: all): those of ``TUTORIAL_DATA`` when it
    is set (any layout ``read_dataset`` reads), else the ImageNet sample's, downloading only the files needed that
    are not already verified in ``config.sample_dir()``.

    The same ``count`` gives the same images from the downloaded sample and from a ``TUTORIAL_DATA`` copy of it.
    Raises ConfigError, DatasetError or DownloadError with the fix.
    """
    folder = config.data_dir(required=False)
    if folder is not None:
        everything = read_dataset(folder)
        chosen = everything if count is None else evenly_spaced(everything, count)
        return LabelledImages(items=chosen, source=config.ENV_DATA, folder=folder, folder_total=len(everything),
                              verified_sample=_is_the_sample(folder, chosen))
    files = list(manifest()) if count is None else evenly_spaced(list(manifest()), count)
    folder = ensure_sample(files, progress=progress)
    items = [read_synset_named_file(folder / f.name) for f in files]
    return LabelledImages(items=items, source="sample", folder=folder, folder_total=len(manifest()),
                          verified_sample=True)


def _is_the_sample(folder: Path, chosen: list[LabeledImage]) -> bool:
    """True when ``folder`` holds the sample's 1000 file names and the ``chosen`` ones verify (hashing only those
    keeps a lesson's start quick; a lesson that uses all of them checks all)."""
    by_name = {f.name: f for f in manifest()}
    names = {p.name for p in Path(folder).iterdir()} if Path(folder).is_dir() else set()
    if not set(by_name) <= names:
        return False
    return all(item.path.name in by_name and _is_verified(Path(folder), by_name[item.path.name]) for item in chosen)
