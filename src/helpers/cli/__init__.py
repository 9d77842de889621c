"""The ``python -m helpers.X`` commands: what they share here (argument parser, error handling), each command's
argument parser and printing in a module of its own (``helpers.cli.evaluate``, ``.quantize``, ``.classify``,
``.prepare``, ``.mirror``, ``.benchmark``, ``.bundle``, ``.hub``; ``.images`` is the DATA_DIR argument two of them
share), thin over the functions the lessons and tests call. ``python -m helpers.X`` runs ``helpers.cli.X.main``.

Exit status: 0 when the command did its work, 1 when it failed (a missing file, a download, a
device that cannot compile: a ``TutorialError``, printed as ``error: <message>``), 2 for a mistake
in the arguments, found by argparse before anything slow starts. Anything else is a bug in the
helpers and keeps its traceback.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from helpers.errors import TutorialError

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # the shell's convention for Ctrl+C


class ArgumentParser(argparse.ArgumentParser):
    """argparse's parser with its error on one line: ``prog: error: what is wrong (see prog --help)``."""

    def error(self, message: str):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def whole_number(minimum: int = 1, maximum: int | None = None) -> Callable[[str], int]:
    """An argparse ``type``: a whole number from ``minimum`` to ``maximum`` (no upper bound if None)."""
    bounds = f"of at least {minimum}" if maximum is None else f"from {minimum} to {maximum}"

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < minimum or (maximum is not None and value > maximum):
            raise argparse.ArgumentTypeError(f"must be a whole number {bounds}, not {text!r}")
        return value

    return parse


positive_int = whole_number(1)  # counts: --limit, --batch, ...


def run(command: Callable[[], int | None]) -> int:
    """Run a command's work; print a TutorialError as one ``error:`` line and return the exit status."""
    try:
        return command() or 0
    except TutorialError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def command(build_parser: Callable[[], argparse.ArgumentParser],
            work: Callable[[argparse.Namespace], int | None]) -> Callable[[list[str] | None], int]:
    """A command's ``main(argv=None)``: parse ``argv`` (exit status 2 on a mistake, before anything slow), then
    ``run`` the work on the parsed arguments and return its exit status."""
    def main(argv: list[str] | None = None) -> int:
        args = build_parser().parse_args(argv)
        return run(lambda: work(args))

    return main


def shown(path: Path | str) -> str:
    """A path as a command prints it: relative to the current folder when below it (no machine paths in
    outputs), else as given."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
