"""Download a file safely: try each URL in turn, check size and sha384, never leave a half file.

The file is written to a temporary ``<name>.<random>.part`` beside it (one per download, so two
processes downloading at once do not write into the same file) and renamed to its real name
only after its size and checksum match: an interrupted or failed download never leaves a file
that looks complete.
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

from helpers.errors import DownloadError
from helpers.model_card import RemoteFile
from helpers.progress import tqdm

CHUNK_BYTES = 1 << 16
PARTIAL_SUFFIX = ".part"


def sha384_of(path: Path) -> str:
    """Hex sha384 of a file's bytes."""
    digest = hashlib.sha384()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(CHUNK_BYTES), b""):
            digest.update(chunk)
    return digest.hexdigest()


def is_complete(path: Path, remote: RemoteFile) -> bool:
    """True when ``path`` holds exactly the expected file (size, then sha384)."""
    path = Path(path)
    return path.is_file() and path.stat().st_size == remote.size and sha384_of(path) == remote.sha384


def fetch(
    remote: RemoteFile,
    dest_dir: Path,
    *,
    timeout: float = 30.0,
    progress: bool = True,
    fix_hint: str = "",
) -> Path:
    """Return the path of a verified copy of ``remote`` in ``dest_dir``, downloading it if needed.

    A good file already there is reused without touching the network; a bad one is replaced.
    ``timeout`` is in seconds, for connecting and for each read. ``fix_hint`` is appended to
    the error message (for example, how to use a local copy instead).
    Raises DownloadError when every URL fails.
    """
    dest_dir = Path(dest_dir)
    dest = dest_dir / remote.name
    if is_complete(dest, remote):
        return dest
    dest_dir.mkdir(parents=True, exist_ok=True)
    # A file under the final name with the wrong contents must not survive a failed retry.
    dest.unlink(missing_ok=True)

    failures = []
    for url in remote.urls:
        try:
            _download(url, dest, remote, timeout, progress)
            return dest
        except _UrlFailed as failure:
            failures.append(f"  {url}\n    {failure}")
        except _CannotWrite as error:  # no other URL can help with a full disk or a read-only folder
            raise DownloadError(
                f"Could not write {remote.name} into {dest_dir}: {error.__cause__}. Fix: free some disk space, "
                "check that the folder is writable, or set TUTORIAL_MODELS to another folder."
            ) from error
    message = (
        f"Could not download {remote.name} ({remote.size:,} bytes); tried:\n" + "\n".join(failures) +
        "\nFix: check the internet connection, proxy or firewall and run again"
    )
    raise DownloadError(message + (f", or {fix_hint}" if fix_hint else "") + ".")


class _UrlFailed(Exception):
    """One URL failed; the message says why."""


class _CannotWrite(Exception):
    """The download could not be written to disk (its cause says why)."""


def _download(url: str, dest: Path, remote: RemoteFile, timeout: float, progress: bool) -> None:
    try:
        handle, name = tempfile.mkstemp(prefix=dest.name + ".", suffix=PARTIAL_SUFFIX, dir=dest.parent)
    except OSError as error:
        raise _CannotWrite() from error
    os.close(handle)
    partial = Path(name)
    try:
        received, digest = _stream_to(url, partial, remote.size, timeout, progress)
        if received < remote.size:
            raise _UrlFailed(
                f"the connection ended after {received:,} of {remote.size:,} bytes (a partial download)"
            )
        if received > remote.size:
            raise _UrlFailed(f"the server sent more than the expected {remote.size:,} bytes: a different file")
        if digest != remote.sha384:
            raise _UrlFailed(
                f"checksum mismatch: sha384 {digest} but the expected file has {remote.sha384}; "
                "the server sent a different or damaged file"
            )
        os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)


def _stream_to(url: str, path: Path, size: int, timeout: float, progress: bool) -> tuple[int, str]:
    """Write the body of ``url`` to ``path``; return the byte count and the sha384 of what came."""
    digest = hashlib.sha384()
    received = 0
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, open(path, "wb") as out, tqdm(
            total=size, unit="B", unit_scale=True, unit_divisor=1024,
            desc=Path(url).name, disable=not progress,
        ) as bar:
            # Read at most one byte more than expected: enough to notice a wrong file.
            while received <= size:
                chunk = response.read(min(CHUNK_BYTES, size + 1 - received))
                if not chunk:
                    break
                try:
                    out.write(chunk)
                except OSError as error:
                    raise _CannotWrite() from error
                digest.update(chunk)
                received += len(chunk)
                bar.update(len(chunk))
    except urllib.error.HTTPError as error:
        raise _UrlFailed(f"the server answered HTTP {error.code} {error.reason}") from error
    except urllib.error.URLError as error:
        raise _UrlFailed(_describe_network_error(error.reason, timeout)) from error
    except http.client.IncompleteRead as error:
        got = received + len(error.partial)
        raise _UrlFailed(f"the connection ended after {got:,} of {size:,} bytes (a partial download)") from error
    except (OSError, http.client.HTTPException) as error:
        raise _UrlFailed(_describe_network_error(error, timeout, received, size)) from error
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
    return f"network error{where}: {reason}"
