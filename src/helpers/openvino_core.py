"""The one shared OpenVINO ``Core``, reading a model through it, and OpenVINO's errors on one line.

The bottom of the package's OpenVINO modules: ``helpers.runtime`` (compiling) and ``helpers.ir_files`` (checking an
IR's files) both import it, and neither imports the other back. Lessons import ``core`` and ``read_model`` from
``helpers.runtime``, which re-exports them.
"""
from __future__ import annotations

import re
from pathlib import Path

import openvino as ov

_core: ov.Core | None = None


def core() -> ov.Core:
    """One shared OpenVINO Core for the whole process."""
    global _core
    if _core is None:
        _core = ov.Core()
    return _core


def read_model(model: ov.Model | Path | str, *, copy: bool = False) -> ov.Model:
    """The ``ov.Model`` itself when given one (a clone with ``copy=True``, for changes the caller must not
    see), else the model read from the IR path with the shared ``core()``."""
    if isinstance(model, ov.Model):
        return model.clone() if copy else model
    return core().read_model(Path(model))


# OpenVINO's lines that say where in its C++ sources an error was raised, not what went wrong.
_SOURCE_LINE = re.compile(r"^(Exception from \S+:\d+:|Check '.*' failed at \S+:\d+:)$")


def openvino_reason(error: Exception) -> str:
    """OpenVINO's message on one line, without its "Exception from <source file>:<line>:" and
    "Check '...' failed at <source file>:<line>:" lines."""
    lines = [line.strip() for line in str(error).splitlines()]
    reason = " ".join(line for line in lines if line and not _SOURCE_LINE.match(line))
    return reason.rstrip(".") or type(error).__name__
