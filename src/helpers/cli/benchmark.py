"""python -m helpers.benchmark: latency and throughput of an IR, measured as benchmark_app measures them.

Then (unless ``--no-benchmark-app``) alternated with benchmark_app itself, the pairs and their median ratios
printed. ``helpers.benchmark`` gives the usage and what "as benchmark_app measures" means.
"""
from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from helpers import cli
from helpers.benchmark import app
from helpers.benchmark.measure import DEFAULT_INPUT_TYPE, HINTS, INPUT_TYPES, benchmark, read_ir
from helpers.prepare import ir_for_command


def default_ir() -> tuple[Path, str]:
    """The FP32 IR to benchmark when ``--model`` is not given, and a line saying which weights it was made from.

    Speed does not depend on the weights: an IR already in the models folder is used offline
    (``helpers.prepare.ir_for_command``), and only a missing one is converted, downloading the weights if need be.
    """
    xml, weights = ir_for_command("FP32")
    return xml, weights.describe()


def build_parser() -> cli.ArgumentParser:
    parser = cli.ArgumentParser(prog="python -m helpers.benchmark",
                                description=__doc__.splitlines()[0].split(": ", 1)[1])
    parser.add_argument("--model", type=Path, help="an IR .xml, e.g. an FP16 or INT8 one (default: the FP32 IR)")
    parser.add_argument("--device", default="CPU", help="CPU, GPU, NPU, AUTO, ... (default CPU)")
    parser.add_argument("--hint", choices=sorted(HINTS), default="throughput")
    parser.add_argument("--batch", type=cli.positive_int, default=1)
    parser.add_argument("--time", type=cli.positive_int, default=10, help="seconds per run, whole (default 10)")
    parser.add_argument("--precision", help="inference precision hint, e.g. f32 or bf16 (default: the device's)")
    parser.add_argument("--input", choices=INPUT_TYPES, default=DEFAULT_INPUT_TYPE,
                        help="feed u8 pixels (benchmark_app's default) or the IR's f32 input (benchmark_app -ip f32)")
    parser.add_argument("--pairs", type=cli.positive_int, default=1,
                        help="alternate helper and benchmark_app this many times; print the median ratios")
    parser.add_argument("--no-benchmark-app", action="store_true", help="skip the run of benchmark_app")
    parser.add_argument("--json", type=Path, help="write the results to this file")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return cli.run(lambda: _command(args))


def _command(args) -> int:
    if args.model is None:
        xml, origin = default_ir()
    else:
        read_ir(args.model)  # a clear error for a file that is not an IR, before anything slow
        xml, origin = args.model, "given with --model"
    print(f"model: {cli.shown(xml)} ({origin})")
    settings = dict(device=args.device, hint=args.hint, batch=args.batch, seconds=args.time,
                    precision=args.precision, input_type=args.input)
    if args.no_benchmark_app:
        ours = benchmark(xml, label="helpers.benchmark", **settings)
        print(pd.DataFrame([ours.row()]).set_index("run").to_string())
        report = {"helpers.benchmark": [asdict(ours)]}
    else:
        pairs = app.compare_with_benchmark_app(xml, pairs=args.pairs, **settings)
        print(f"benchmark_app {pairs[0].app.command}")
        print(pd.DataFrame(app.pairs_table(pairs)).to_string(index=False))
        print()
        print(pd.DataFrame(app.ratios_by_metric(pairs)).to_string(index=False))
        report = {"helpers.benchmark": [asdict(p.ours) for p in pairs],
                  "benchmark_app": [asdict(p.app) for p in pairs], "agreement": app.ratios_by_metric(pairs)}
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
        print(f"wrote {cli.shown(args.json)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
