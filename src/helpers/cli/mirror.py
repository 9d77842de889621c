"""``python -m helpers.mirror DIR``: write a room mirror and print how to serve it (``helpers.mirror`` does the
work)."""
from __future__ import annotations

import argparse
from pathlib import Path

from helpers import cli, mirror


def build_parser() -> cli.ArgumentParser:
    parser = cli.ArgumentParser(prog="python -m helpers.mirror", description=mirror.__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, metavar="DIR", help="the folder to write the mirror into")
    parser.add_argument("--no-sample", action="store_true", help="only the weights, not the ImageNet sample")
    return parser


def run_mirror(args: argparse.Namespace) -> None:
    print(mirror.write_mirror(args.folder, with_sample=not args.no_sample).describe())


main = cli.command(build_parser, run_mirror)

if __name__ == "__main__":
    raise SystemExit(main())
