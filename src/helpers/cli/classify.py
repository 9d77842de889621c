"""``python -m helpers.classify``: its arguments, and what it prints for each frame (``helpers.classify`` holds the
Classifier, ``helpers.stream`` the pipeline)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from helpers import classify, cli, prepare
from helpers.classify import Classifier, Prediction
from helpers.convert import CLI_PRECISIONS
from helpers.errors import StreamError
from helpers.model_card import NUM_CLASSES
from helpers.stream import FrameWriter, open_source, open_window, run_stream


def format_predictions(image: str, predictions: list[Prediction]) -> str:
    """A few lines for a terminal: the image, then one ranked line per class."""
    lines = [str(image)]
    lines += [f"  {rank}. {p.index:4d} {p.name:<32} {100 * p.probability:6.2f} %"
              for rank, p in enumerate(predictions, 1)]
    return "\n".join(lines)


# The command line computes in f32 where the device supports the hint, so that its answers match
# the original model's; other devices (AUTO, NPU) keep their own default.
CLI_PRECISION_HINTS = {"CPU": "f32", "GPU": "f32"}


def build_parser() -> cli.ArgumentParser:
    parser = cli.ArgumentParser(prog="python -m helpers.classify", description=classify.__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="+", metavar="INPUT",
                        help="image files (JPEG, PNG, BMP, WebP), a folder of images (sorted by name), "
                             "a video file (.mp4, .avi, ...) or a camera index (0)")
    parser.add_argument("--model", choices=["ir", "keras"], default="ir",
                        help="converted IR (default) or the Keras original")
    parser.add_argument("--precision", choices=CLI_PRECISIONS, default="FP32",
                        help="which IR (default FP32; INT8 needs Lesson 06 or python -m helpers.quantize first)")
    parser.add_argument("--device", default="CPU", help="OpenVINO device: CPU, GPU, NPU, AUTO (default CPU)")
    parser.add_argument("--top", type=cli.whole_number(1, NUM_CLASSES), default=5, metavar="K",
                        help=f"how many classes to print, 1 to {NUM_CLASSES} (default 5)")
    parser.add_argument("--requests", type=cli.whole_number(0), default=None, metavar="N",
                        help="an AsyncInferQueue of N requests, the next frame decoded while one is inferred "
                             "(default 1 for the IR); 0: one synchronous request (the only choice for Keras)")
    parser.add_argument("--loop", action="store_true", help="start the images or the video again at the end")
    parser.add_argument("--limit", type=cli.positive_int, default=None, metavar="N",
                        help="stop after N frames (with --loop, the way to end)")
    parser.add_argument("--output", type=Path, default=None, metavar="FILE",
                        help="write the annotated frames (top-k and FPS drawn): a .mp4 or .avi video, "
                             "or a folder of JPEG files")
    parser.add_argument("--show", action="store_true",
                        help="show the annotated frames in a window (needs a display and OpenCV with GUI support)")
    parser.add_argument("--quiet", action="store_true", help="print only the closing report, not each frame's top-k")
    return parser


def load_classifier(model: str = "ir", precision: str = "FP32", device: str = "CPU") -> tuple[Classifier, str]:
    """The command's classifier and a line naming the weights it was made from. The weights, the
    model (converted when missing) and compiling it each fail with their own TutorialError."""
    if model == "keras":
        models = prepare.prepare_models(with_keras=True)
        return Classifier.from_keras(models.keras_model), models.weights.describe().splitlines()[-1]
    xml, weights = prepare.ir_for_command(precision)
    return Classifier.from_ir(xml, device, precision=CLI_PRECISION_HINTS.get(device)), weights.describe()


def run_classification(args: argparse.Namespace) -> int:
    """Open the input, the output and the window first (each failing with one line before the
    model loads), then the model, then the stream; a frame that fails is reported, not fatal."""
    requests = args.requests if args.requests is not None else (1 if args.model == "ir" else 0)
    if requests and args.model == "keras":
        raise StreamError(f"--requests {requests}: an AsyncInferQueue runs OpenVINO models only; "
                          f"use --model ir, or --requests 0 with Keras.")
    source = open_source(args.inputs, loop=args.loop)
    show = open_window() if args.show else None
    writer = FrameWriter(args.output, getattr(source, "fps", 0.0)) if args.output else None
    classifier, weights_line = load_classifier(args.model, args.precision, args.device)
    print(f"model: {classifier.name}; {weights_line}")
    print(f"input: {source.describe()}")
    failed = 0

    def on_result(result) -> bool:
        nonlocal failed
        if result.error is not None:
            print(f"error: {result.error}" if source.kind == "images" else f"error: {result.name}: {result.error}",
                  file=sys.stderr)
            failed += 1
            return True
        if not args.quiet:
            print(format_predictions(result.name, result.predictions))
        if writer is not None:
            writer.write(result.annotated)
        return show(result.annotated) if show is not None else True

    try:
        report = run_stream(source, classifier, requests=requests, k=args.top, limit=args.limit,
                            on_result=on_result, draw=writer is not None or show is not None)
    finally:
        if writer is not None:
            writer.close()
    print(report.describe())
    if writer is not None:
        print(f"wrote {writer.frames} annotated frame(s) to {args.output}")
    return 1 if failed else 0


main = cli.command(build_parser, run_classification)

if __name__ == "__main__":
    raise SystemExit(main())
