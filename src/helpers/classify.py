"""Classify images, a folder, a video or a camera with either model, the colour order handled for you.

    python -m helpers.classify INPUT [INPUT ...] [--model ir|keras] [--precision FP32|FP16|INT8]
                               [--device CPU] [--top 5] [--requests N] [--loop] [--limit N]
                               [--output FILE] [--show] [--quiet]

prints, for each image or frame in input order, the top-k class indices, names and probabilities,
then Open Model Zoo's closing report: FPS and the median time of each stage. The stream pipeline is
``helpers.stream``; this module holds the Classifier and the command.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from helpers.model_card import CONVERTED_COLOR_ORDER, NUM_CLASSES, ORIGINAL_COLOR_ORDER, class_names


@dataclass(frozen=True)
class Prediction:
    index: int
    name: str
    probability: float


def top_k(probabilities: np.ndarray, k: int = 5) -> list[Prediction]:
    """The ``k`` most probable classes of one 1000-way output (shape 1000 or 1x1000), best first."""
    probabilities = np.asarray(probabilities).reshape(-1)
    names = class_names()
    if probabilities.shape[0] != len(names):
        raise ValueError(f"expected {len(names)} class probabilities, got {probabilities.shape[0]}")
    best = np.argsort(-probabilities, kind="stable")[:k]
    return [Prediction(int(i), names[i], float(probabilities[i])) for i in best]


class Classifier:
    """The original Keras model or a converted IR behind one interface.

    Give it image files, or arrays with their colour order; it preprocesses them (Open Model
    Zoo's protocol unless told otherwise) into the colour order its model takes, runs the model
    and returns probabilities or named top-k classes.
    """

    def __init__(self, name: str, color_order: str, predict_batch, compiled_model=None, keras_model=None,
                 protocol: str | None = None):
        from helpers.preprocess import DEFAULT_PROTOCOL

        self.name = name
        self.color_order = color_order  # the order the model takes
        self._predict_batch = predict_batch
        self.compiled_model = compiled_model  # the OpenVINO CompiledModel, for IR classifiers
        self.keras_model = keras_model
        self.protocol = protocol or DEFAULT_PROTOCOL

    @classmethod
    def from_keras(cls, keras_model, protocol: str | None = None) -> Classifier:
        """The original model: takes RGB."""
        from helpers.keras_model import keras_predict

        return cls("Keras (TensorFlow)", ORIGINAL_COLOR_ORDER, lambda batch: keras_predict(keras_model, batch),
                   keras_model=keras_model, protocol=protocol)

    @classmethod
    def from_ir(cls, xml: Path, device: str = "CPU", precision: str | None = "f32", config: dict | None = None,
                protocol: str | None = None, name: str | None = None) -> Classifier:
        """A converted IR compiled for ``device``: takes BGR. ``precision`` is the inference
        precision hint ("f32" for results comparable with Keras; None for the device's default)."""
        from helpers.inference import infer_async
        from helpers.runtime import compile_model

        compiled = compile_model(xml, device, precision, config)
        label = name or f"OpenVINO {Path(xml).parent.name} on {device}" + (f" ({precision})" if precision else "")
        return cls(label, CONVERTED_COLOR_ORDER, lambda batch: infer_async(compiled, batch),
                   compiled_model=compiled, protocol=protocol)

    def prepare(self, images: list, image_order: str = "BGR") -> np.ndarray:
        """Images (paths, or H x W x 3 uint8 arrays in ``image_order``) to the model's
        N x 224 x 224 x 3 float32 input, in its colour order."""
        from helpers.color_order import convert_color_order
        from helpers.preprocess import load_and_crop_one, resize_and_crop, to_model_input

        crops = []
        for image in images:
            if isinstance(image, (str, Path)):
                crops.append(load_and_crop_one(image, self.protocol, self.color_order))
                continue
            array = np.asarray(image)
            if array.ndim != 3 or array.shape[2] != 3 or array.dtype != np.uint8:
                raise ValueError(f"an image array must be H x W x 3 uint8, got {array.shape} {array.dtype}")
            crops.append(convert_color_order(resize_and_crop(array, self.protocol), image_order, self.color_order))
        return to_model_input(np.stack(crops), self.color_order, self.color_order)

    def predict_batch(self, batch: np.ndarray) -> np.ndarray:
        """N x 1000 probabilities for a prepared N x 224 x 224 x 3 float32 batch (see ``prepare``)."""
        return self._predict_batch(batch)

    def predict(self, images: list, image_order: str = "BGR") -> np.ndarray:
        """N x 1000 probabilities for the images (see ``prepare``)."""
        return self._predict_batch(self.prepare(images, image_order))

    def classify(self, images: list, image_order: str = "BGR", k: int = 5) -> list[list[Prediction]]:
        """The top-``k`` named classes of each image, best first."""
        return [top_k(p, k) for p in self.predict(images, image_order)]


def format_predictions(image: str, predictions: list[Prediction]) -> str:
    """A few lines for a terminal: the image, then one ranked line per class."""
    lines = [str(image)]
    lines += [f"  {rank}. {p.index:4d} {p.name:<32} {100 * p.probability:6.2f} %"
              for rank, p in enumerate(predictions, 1)]
    return "\n".join(lines)


# The command line computes in f32 where the device supports the hint, so that its answers match
# the original model's; other devices (AUTO, NPU) keep their own default.
CLI_PRECISION_HINTS = {"CPU": "f32", "GPU": "f32"}


def build_parser():
    from helpers import cli
    from helpers.convert import CLI_PRECISIONS

    parser = cli.ArgumentParser(prog="python -m helpers.classify", description=__doc__.splitlines()[0])
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


def main(argv: list[str] | None = None) -> int:
    from helpers import cli

    args = build_parser().parse_args(argv)
    return cli.run(lambda: _classify(args))


def load_classifier(model: str = "ir", precision: str = "FP32", device: str = "CPU") -> tuple[Classifier, str]:
    """The command's classifier and a line naming the weights it was made from. The weights, the
    model (converted when missing) and compiling it each fail with their own TutorialError."""
    from helpers.prepare import ir_for_command, prepare_models

    if model == "keras":
        models = prepare_models(with_keras=True)
        return Classifier.from_keras(models.keras_model), models.weights.describe().splitlines()[-1]
    xml, weights = ir_for_command(precision)
    return Classifier.from_ir(xml, device, precision=CLI_PRECISION_HINTS.get(device)), weights.describe()


def _classify(args) -> int:
    """Open the input, the output and the window first (each failing with one line before the
    model loads), then the model, then the stream; a frame that fails is reported, not fatal."""
    from helpers.errors import StreamError
    from helpers.stream import FrameWriter, open_source, open_window, run_stream

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


if __name__ == "__main__":
    sys.exit(main())
