"""Keep TensorFlow's C++ start-up log lines ("oneDNN custom operations are on", "Could not find
cuda drivers", "failed call to cuInit", ...) out of the lessons' outputs and the commands' output.

``TF_CPP_MIN_LOG_LEVEL=3`` (set unless it is set already) hides TensorFlow's C++ logs; its real
errors still reach Python as exceptions. Since TensorFlow 2.20 a few lines are logged while its
libraries load, before absl's logging is set up, and those ignore the variable: they are written
straight to file descriptor 2, where Jupyter captures them into the cell's output. So the first
``import tensorflow`` (also the one inside ``import keras``) runs with descriptor 2 sent to a
temporary file; afterwards every line of it is written back except absl's log lines below the
level asked for (INFO 0, WARNING 1, ERROR 2, as TF_CPP_MIN_LOG_LEVEL counts) and its notice.

Set ``TF_CPP_MIN_LOG_LEVEL=0`` before importing helpers to see everything.
"""
from __future__ import annotations

import contextlib
import importlib.abc
import importlib.machinery
import os
import re
import sys
import tempfile

LOG_LEVEL_VARIABLE = "TF_CPP_MIN_LOG_LEVEL"
DEFAULT_LOG_LEVEL = "3"
# absl's log lines start with the severity's letter, for example
# "I0000 00:00:1795838962.046678   11611 port.cc:153] oneDNN custom operations are on. ..."
_SEVERITIES = "IWE"
_ABSL_NOTICE = b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR"


def quiet_tensorflow_start_up() -> None:
    """Set TF_CPP_MIN_LOG_LEVEL=3 unless it is set, and filter the first TensorFlow import (see above)."""
    if os.environ.setdefault(LOG_LEVEL_VARIABLE, DEFAULT_LOG_LEVEL) == "0" or "tensorflow" in sys.modules:
        return
    if not any(isinstance(finder, _QuietTensorFlowImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _QuietTensorFlowImport())


def drop_start_up_lines(text: bytes, level: str | None = None) -> bytes:
    """``text`` without absl's start-up notice and its log lines below ``level`` (default: the
    TF_CPP_MIN_LOG_LEVEL in force), nor their continuation lines."""
    level = os.environ.get(LOG_LEVEL_VARIABLE, DEFAULT_LOG_LEVEL) if level is None else level
    hidden = _SEVERITIES[:int(level)] if level.isdecimal() else ""
    start_up_line = re.compile(rb"[%s]\d{4} [\d:.]+ +\d+ [\w.]+:\d+\] " % hidden.encode()) if hidden else None
    kept, dropping = [], False
    for line in text.splitlines(keepends=True):
        if line.startswith(_ABSL_NOTICE) or (start_up_line and start_up_line.match(line)):
            dropping = True
        elif dropping and line[:1].isalpha() and not re.match(rb"[IWEF]\d{4} |Traceback|[A-Z]+:", line):
            pass  # a message's second line, such as "To enable the following instructions: ..."
        else:
            dropping = False
            kept.append(line)
    return b"".join(kept)


@contextlib.contextmanager
def _start_up_lines_dropped():
    """Send file descriptor 2 to a temporary file meanwhile; write back what drop_start_up_lines keeps."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no descriptor 2 (a GUI without a console): nothing to filter
        yield
        return
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield
        finally:
            with contextlib.suppress(OSError, ValueError):
                sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            kept = drop_start_up_lines(captured.read())
            if kept:
                os.write(2, kept)


class _QuietTensorFlowImport(importlib.abc.MetaPathFinder):
    """Finds ``tensorflow`` once, with a loader that runs its import inside _start_up_lines_dropped."""

    def find_spec(self, name, path=None, target=None):
        if name != "tensorflow":
            return None
        sys.meta_path.remove(self)  # once is enough; later imports find it in sys.modules
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _QuietLoader(spec.loader)
        return spec


class _QuietLoader(importlib.abc.Loader):
    def __init__(self, loader):
        self._loader = loader

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module) -> None:
        # The module keeps the real loader: submodules and resource readers never see this one.
        module.__loader__ = module.__spec__.loader = self._loader
        with _start_up_lines_dropped():
            self._loader.exec_module(module)
