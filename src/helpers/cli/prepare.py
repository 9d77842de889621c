"""``python -m helpers.prepare``: get the weights and convert the model, saying what it used and wrote
(``helpers.prepare.prepare_models`` does the work)."""
from __future__ import annotations

import argparse

from helpers import cli, prepare


def build_parser() -> cli.ArgumentParser:
    parser = cli.ArgumentParser(prog="python -m helpers.prepare", description=prepare.__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="convert again even if the IR is there")
    return parser


def run_preparation(args: argparse.Namespace) -> int:
    prepared = prepare.prepare_models(with_keras=False, rebuild=args.rebuild)
    print(prepared.weights.describe())
    for ir in prepared.irs.values():
        print(f"{ir.precision}: {ir.xml} ({'reused' if ir.reused else 'written'})")
    return 0


main = cli.command(build_parser, run_preparation)

if __name__ == "__main__":
    raise SystemExit(main())
