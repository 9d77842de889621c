"""Get the weights and convert the model, like ``omz_downloader`` + ``omz_converter``.

    python -m helpers.prepare [--rebuild]

prints the weights used and the IR paths it wrote or found.
"""
from __future__ import annotations

import argparse
import sys

from helpers.convert import convert_to_ir
from helpers.download import DownloadError
from helpers.weights import WeightsFileError, resolve_weights


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.prepare", description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="convert again even if the IR is there")
    args = parser.parse_args(argv)
    try:
        weights = resolve_weights()
        print(weights.describe())
        prepared = convert_to_ir(weights, rebuild=args.rebuild)
    except (DownloadError, WeightsFileError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for ir in prepared.values():
        print(f"{ir.precision}: {ir.xml} ({'reused' if ir.reused else 'written'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
