"""Checksums of files, in one place: ``file_hash(path, "sha384")`` for the weights, ``"sha256"`` for an IR's
.bin and the classroom bundle's SHA256SUMS. Files are read in blocks, so a large file costs no memory."""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

BLOCK_BYTES = 1 << 20


def file_hash(path: Path | str, algorithm: str = "sha256") -> str:
    """The hex digest of a file's bytes by ``algorithm`` (any name ``hashlib.new`` takes: "sha256", "sha384")."""
    return files_hash([path], algorithm)


def files_hash(paths: Iterable[Path | str], algorithm: str = "sha256") -> str:
    """The hex digest of the files' bytes one after another, in the order given."""
    digest = hashlib.new(algorithm)
    for path in paths:
        add_file(digest, path)
    return digest.hexdigest()


def add_file(digest, path: Path | str) -> None:
    """Feed a file's bytes into a running ``hashlib`` digest, block by block (for a hash over more than files)."""
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(BLOCK_BYTES), b""):
            digest.update(block)
