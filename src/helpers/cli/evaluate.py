"""``python -m helpers.evaluate``: its arguments, and the report it prints (``helpers.evaluate`` computes)."""
from __future__ import annotations

import argparse
import json
import platform
import sys
from pathlib import Path

import cv2
import numpy as np
import openvino as ov

from helpers import cli, evaluate, prepare
from helpers.cli.images import add_images_arguments, labelled_items
from helpers.convert import CLI_PRECISIONS
from helpers.errors import TutorialError
from helpers.evaluate import THREADS, Evaluation, evaluate_ir, evaluate_keras
from helpers.preprocess import DEFAULT_PROTOCOL, PROTOCOLS
from helpers.runtime import core


def versions() -> dict[str, str]:
    """Versions of what produced the numbers."""
    out = {"python": platform.python_version(), "openvino": ov.get_version(), "numpy": np.__version__,
           "opencv": cv2.__version__, "cpu": core().get_property("CPU", "FULL_DEVICE_NAME"), "cores": str(THREADS)}
    # TensorFlow's versions only when it ran: importing it just to ask would cost seconds.
    if "keras" in sys.modules and "tensorflow" in sys.modules:
        out.update(tensorflow=sys.modules["tensorflow"].__version__, keras=sys.modules["keras"].__version__)
    return out


def format_report(evaluation: Evaluation) -> str:
    """Lines for a terminal: accuracy with intervals, failures, and the speed against its limit."""
    s = evaluation.summary()
    lines = [f"{s['model']} on {s['images']} images ({s['protocol']} preprocessing, {s['inference_precision']}):",
             f"  top-1 {s['top1']:.2f} %  (95 % interval {s['top1_ci95'][0]:.1f} to {s['top1_ci95'][1]:.1f})",
             f"  top-5 {s['top5']:.2f} %  (95 % interval {s['top5_ci95'][0]:.1f} to {s['top5_ci95'][1]:.1f})",
             f"  images that could not be used: {s['failed']} (counted as wrong)"]
    lines += [f"    {path}: {why}" for path, why in list(evaluation.failures.items())[:10]]
    if evaluation.rates:
        r = evaluation.rates
        lines += [f"  decode+preprocess alone D = {r.decode:.0f} img/s, inference alone I = {r.inference:.0f} img/s "
                  f"(each on all {THREADS} cores)",
                  f"  pipeline {r.pipeline:.0f} img/s = {100 * r.share_of_limit:.0f} % of the limit "
                  f"1/(1/D + 1/I) = {r.limit:.0f} img/s (decoding and inference share the cores)"]
    else:
        lines.append(f"  {s['images'] / max(s['seconds'], 1e-9):.0f} img/s")
    return "\n".join(lines)


def build_parser() -> cli.ArgumentParser:
    parser = cli.ArgumentParser(prog="python -m helpers.evaluate", description=evaluate.__doc__.splitlines()[0])
    add_images_arguments(parser, "to evaluate on")
    parser.add_argument("--model", choices=["ir", "keras"], default="ir")
    parser.add_argument("--precision", choices=CLI_PRECISIONS, default="FP32",
                        help="which IR (default FP32; INT8 needs Lesson 06 or python -m helpers.quantize first)")
    parser.add_argument("--inference-precision", choices=["f32", "default"], default="f32",
                        help="f32 (comparable with Keras, default) or the device's default (bf16 on CPUs that have it)")
    parser.add_argument("--device", default="CPU")
    parser.add_argument("--protocol", choices=sorted(PROTOCOLS), default=DEFAULT_PROTOCOL,
                        help="preprocessing protocol (default omz)")
    parser.add_argument("--limit", type=cli.positive_int, metavar="N",
                        help="evaluate only N images, evenly spread over the dataset")
    parser.add_argument("--json", type=Path, help="write the metrics, counts, rates and versions to this file")
    return parser


def run_evaluation(args: argparse.Namespace) -> int:
    """The command's steps, each failing with its own TutorialError: the images, the weights, the
    model (converted when missing), then compiling and evaluating."""
    if args.json and not args.json.parent.is_dir():  # found now, not after the evaluation
        raise TutorialError(f"Cannot write --json {args.json}: there is no folder {args.json.parent}. "
                            "Create it, or give a file in a folder that exists.")
    items, data_dir = labelled_items(args, args.limit)
    if args.model == "keras":
        models = prepare.prepare_models(with_keras=True)
        weights = prepare.IRWeights(file=models.weights.path.name, sha384=models.weights.sha384)
        evaluation = evaluate_keras(items, models.keras_model, protocol=args.protocol)
    else:
        xml, weights = prepare.ir_for_command(args.precision)
        evaluation = evaluate_ir(items, xml, device=args.device, protocol=args.protocol,
                                 precision=None if args.inference_precision == "default" else "f32")
    print(weights.describe())
    print(format_report(evaluation))
    if args.json:
        report = {**evaluation.summary(), "data_dir": str(data_dir), "failures": evaluation.failures,
                  "weights": weights.as_dict(), "versions": versions()}
        try:
            args.json.write_text(json.dumps(report, indent=2))
        except OSError as error:
            raise TutorialError(f"Could not write --json {args.json}: {error.strerror or error}. "
                                "Give a file in a folder that exists and is writable.") from error
        print(f"wrote {args.json}")
    return 0


main = cli.command(build_parser, run_evaluation)

if __name__ == "__main__":
    raise SystemExit(main())
