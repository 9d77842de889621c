"""Progress bars that leave one clean line in a saved notebook.

``tqdm.auto`` draws a widget in Jupyter: live in Jupyter Lab, but a notebook saved after running keeps only the
widget's first frame as text ("0%|          | 0/1000"), and a plain ``tqdm`` writing to stderr saves every
redraw. In a Jupyter kernel, ``tqdm`` here is tqdm's own bar drawn into one IPython display that is updated in
place, so the saved notebook (and a page built from it) shows the final line. Elsewhere it is tqdm's terminal bar.
Use it exactly like ``tqdm.tqdm``.
"""
from __future__ import annotations

import io
import sys

from tqdm.std import tqdm as _terminal_tqdm


def _in_jupyter_kernel() -> bool:
    shell = sys.modules.get("IPython") and sys.modules["IPython"].get_ipython()
    return shell is not None and shell.__class__.__name__ == "ZMQInteractiveShell"


class _NotebookLineTqdm(_terminal_tqdm):
    """tqdm's text bar, shown in one display output that each redraw replaces (closing draws the final state)."""

    def __init__(self, *args, **kwargs):
        from IPython.display import display  # here: only a notebook's bar needs IPython, not the commands

        kwargs.setdefault("ncols", 100)
        kwargs.setdefault("ascii", False)
        self._handle = None if kwargs.get("disable") else display(_Line(""), display_id=True)
        super().__init__(*args, **kwargs)

    def display(self, msg=None, pos=None):
        if self._handle is not None:
            self._handle.update(_Line(msg if msg is not None else self.__str__()))
        return True


class _Line:
    """Plain text shown as is (IPython's text/plain, no quotes)."""

    def __init__(self, text: str):
        self.text = text

    def _repr_pretty_(self, printer, cycle):
        printer.text(self.text)


def tqdm(*args, **kwargs):
    """A progress bar: ``tqdm.tqdm``'s arguments, drawn as one updated line in Jupyter, on stderr elsewhere."""
    if _in_jupyter_kernel():
        # tqdm still writes its line ends to ``file``: they go nowhere, the display shows the bar.
        return _NotebookLineTqdm(*args, file=io.StringIO(), **kwargs)
    return _terminal_tqdm(*args, **kwargs)
