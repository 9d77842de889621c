"""Download a file safely: try each URL in turn, check size and checksum, never leave a half file.

The file is written to a temporary ``<name>.<random>.part`` beside it (one per download, so two
processes downloading at once do not write into the same file) and renamed to its real name
only after its size and checksum match: an interrupted or failed download never leaves a file
that looks complete. A room mirror (``TUTORIAL_MIRROR``) is tried before the public URLs, and what
it serves is checked the same way, so a mirror can never hand out a wrong file.
"""
from __future__ import annotations

import hashlib
import http.client
import os
import socket
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from helpers import config
from helpers.errors import CannotWrite, DownloadError, UrlFailed
from helpers.hashing import file_hash
from helpers.model_card import RemoteFile
from helpers.progress import tqdm

CHUNK_BYTES = 1 << 16
PARTIAL_SUFFIX = ".part"


def is_complete(path: Path, remote: RemoteFile) -> bool:
    """True when ``path`` holds exactly the expected file (size, then checksum)."""
    path = Path(path)
    return (path.is_file() and path.stat().st_size == remote.size
            and file_hash(path, remote.algorithm) == remote.digest)


def urls_to_try(remote: RemoteFile) -> tuple[str, ...]:
    """The room mirror's copy first (when ``TUTORIAL_MIRROR`` is set), then the public URLs in order."""
    mirror = config.mirror_url()
    return ((f"{mirror}/{remote.path_in_mirror}",) if mirror else ()) + remote.urls


def fetch(
    remote: RemoteFile,
    dest_dir: Path,
    *,
    timeout: float = 30.0,
    progress: bool = True,
    fix_hint: str = "",
    folder_hint: str = f"set {config.ENV_MODELS} to another folder",
    bar=None,
) -> Path:
    """Return the path of a verified copy of ``remote`` in ``dest_dir``, downloading it if needed.

    A good file already there is reused without touching the network; a bad one is replaced. ``timeout`` is in
    seconds, for connecting and for each read. ``fix_hint`` is added to the error's fix (for example, how to use a
    local copy instead); ``folder_hint`` says how to put the file elsewhere. ``bar``: a progress bar that the
    bytes are counted on (many files, one bar); without it, ``progress`` draws one for this file.
    Raises DownloadError when every URL fails: its first line names the file and the fix, the next lines say what
    each URL answered.
    """
    dest_dir = Path(dest_dir)
    dest = dest_dir / remote.name
    if is_complete(dest, remote):
        return dest
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
        # A file under the final name with the wrong contents must not survive a failed retry.
        dest.unlink(missing_ok=True)
    except OSError as error:
        raise _cannot_write(remote, dest_dir, error, folder_hint) from error

    failures = []
    for url in urls_to_try(remote):
        try:
            _download(url, dest, remote, timeout, progress, bar)
            return dest
        except UrlFailed as failure:
            failures.append(f"  {url}: {failure}")
        except CannotWrite as error:  # no other URL can help with a full disk or a read-only folder
            raise _cannot_write(remote, dest_dir, error.__cause__, folder_hint) from error
    fix = "check the internet connection, proxy or firewall and run again" + (f", or {fix_hint}" if fix_hint else "")
    raise DownloadError(
        f"Could not download {remote.name} ({remote.size:,} bytes) from {len(failures)} URL(s): {fix}.\n"
        + "\n".join(failures)
    )


def _cannot_write(remote: RemoteFile, dest_dir: Path, cause, folder_hint: str) -> DownloadError:
    return DownloadError(
        f"Could not write {remote.name} into {dest_dir}: {cause}. Fix: free some disk space, check that the folder "
        f"is writable, or {folder_hint}.", cannot_write=True,
    )




def partial_file(dest: Path) -> Path:
    """A new, empty temporary file beside ``dest`` (``<name>.<random>.part``), for one download or extraction."""
    try:
        handle, name = tempfile.mkstemp(prefix=dest.name + ".", suffix=PARTIAL_SUFFIX, dir=dest.parent)
    except OSError as error:
        raise CannotWrite() from error
    os.close(handle)
    return Path(name)


def _download(url: str, dest: Path, remote: RemoteFile, timeout: float, progress: bool, bar) -> None:
    partial = partial_file(dest)
    try:
        received, digest = stream_to(url, partial, remote.size, remote.algorithm, timeout,
                                     progress=progress, bar=bar)
        if received < remote.size:
            raise UrlFailed(
                f"the connection ended after {received:,} of {remote.size:,} bytes (a partial download)"
            )
        if received > remote.size:
            raise UrlFailed(f"the server sent more than the expected {remote.size:,} bytes: a different file")
        if digest != remote.digest:
            raise UrlFailed(
                f"checksum mismatch: {remote.algorithm} {digest[:16]}… but the expected file has "
                f"{remote.digest[:16]}…; the server sent a different or damaged file"
            )
        os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)


def stream_to(url: str, path: Path, size: int, algorithm: str, timeout: float, *, progress: bool = True,
              bar=None) -> tuple[int, str]:
    """Write the body of ``url`` to ``path``, reading at most ``size`` + 1 bytes (enough to notice a wrong file);
    return the byte count and the hex digest of what came. Raises UrlFailed or CannotWrite."""
    digest = hashlib.new(algorithm)
    received = 0
    own_bar = bar is None
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, open(path, "wb") as out:
            if own_bar:
                bar = tqdm(total=size, unit="B", unit_scale=True, unit_divisor=1024, desc=Path(url).name,
                           disable=not progress)
            try:
                while received <= size:
                    chunk = response.read(min(CHUNK_BYTES, size + 1 - received))
                    if not chunk:
                        break
                    try:
                        out.write(chunk)
                    except OSError as error:
                        raise CannotWrite() from error
                    digest.update(chunk)
                    received += len(chunk)
                    bar.update(len(chunk))
            finally:
                if own_bar:
                    bar.close()
    except CannotWrite:
        raise
    except urllib.error.HTTPError as error:
        raise UrlFailed(f"the server answered HTTP {error.code} {error.reason}") from error
    except urllib.error.URLError as error:
        raise UrlFailed(_describe_network_error(error.reason, timeout)) from error
    except http.client.IncompleteRead as error:
        got = received + len(error.partial)
        raise UrlFailed(f"the connection ended after {got:,} of {size:,} bytes (a partial download)") from error
    except FileNotFoundError as error:  # a file:// URL that names nothing, or a folder that vanished
        raise UrlFailed(f"no such file ({error.filename or url})") from error
    except (OSError, http.client.HTTPException) as error:
        if isinstance(error, OSError) and Path(path).parent.exists() and not os.access(path, os.W_OK):
            raise CannotWrite() from error
        raise UrlFailed(_describe_network_error(error, timeout, received, size)) from error
    return received, digest.hexdigest()


def _describe_network_error(reason, timeout: float, received: int | None = None, size: int = 0) -> str:
    where = "" if received is None else f" after {received:,} of {size:,} bytes"
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return f"no answer within {timeout:g} s (timed out{where})"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused: nothing is listening at that address"
    if isinstance(reason, (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected)):
        return f"the server closed the connection{where} (a partial download)"
    if isinstance(reason, socket.gaierror):
        return f"the host name could not be resolved ({reason}); are you offline?"
    if isinstance(reason, FileNotFoundError):
        return f"no such file ({reason.filename or reason})"
    return f"network error{where}: {reason}"
