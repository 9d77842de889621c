"""``python -m helpers.quantize``: its arguments, and what it prints (``helpers.quantize`` does the work)."""
from __future__ import annotations

import argparse
from dataclasses import replace

from helpers import cli, prepare, quantize
from helpers.cli.images import add_images_arguments, labelled_items
from helpers.quantize import (
    MIN_CALIBRATION_IMAGES,
    PLAIN,
    RECOMMENDED,
    quantize_ir,
    quantized_op_counts,
    split_calibration,
)


def build_parser() -> cli.ArgumentParser:
    parser = cli.ArgumentParser(prog="python -m helpers.quantize", description=quantize.__doc__.splitlines()[0])
    add_images_arguments(parser, "to calibrate on")
    parser.add_argument("--calibration", type=cli.whole_number(MIN_CALIBRATION_IMAGES), metavar="N",
                        default=RECOMMENDED.calibration_images,
                        help=f"calibration images (default {RECOMMENDED.calibration_images})")
    parser.add_argument("--seed", type=cli.whole_number(0), default=RECOMMENDED.seed,
                        help="which images calibrate (default 0)")
    parser.add_argument("--plain", action="store_true",
                        help="nncf.quantize's defaults instead of the settings Lesson 06 recommends")
    parser.add_argument("--rebuild", action="store_true", help="quantize even when a matching INT8 IR is there")
    return parser


def run_quantization(args: argparse.Namespace) -> int:
    """The images (too few fail before anything is converted), the FP32 IR, then the INT8 IR made or reused."""
    items, _ = labelled_items(args)
    settings = replace(PLAIN if args.plain else RECOMMENDED, calibration_images=args.calibration, seed=args.seed)
    split_calibration(items, settings.calibration_images, settings.seed)  # too few images: fail before converting
    fp32 = prepare.prepare_models(with_keras=False).irs["FP32"].xml
    result = quantize_ir(items, settings, fp32_xml=fp32, rebuild=args.rebuild)
    print(f"{'reused' if result.reused else 'wrote'} {cli.shown(result.xml)}: INT8 from {cli.shown(fp32)}, "
          f"calibrated on {len(result.calibration)} images (seed {settings.seed}), {len(result.held_out)} held out")
    print(f"settings: {settings.as_rt_info()}")
    print(f"quantized ops: {quantized_op_counts(result.xml)}")
    print(f"evaluate it: python -m helpers.evaluate --precision INT8; "
          f"benchmark it: python -m helpers.benchmark --model {cli.shown(result.xml)}")
    return 0


main = cli.command(build_parser, run_quantization)

if __name__ == "__main__":
    raise SystemExit(main())
