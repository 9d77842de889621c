"""Classify images with either model, the colour order handled for you.

    python -m helpers.classify IMAGE [IMAGE ...] [--model ir|keras] [--precision FP32|FP16|INT8]
                               [--device CPU] [--top 5]

prints, for each image, the top-k class indices, names and probabilities.
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
    parser.add_argument("images", nargs="+", metavar="IMAGE", help="image files (JPEG, PNG, BMP, WebP)")
    parser.add_argument("--model", choices=["ir", "keras"], default="ir",
                        help="converted IR (default) or the Keras original")
    parser.add_argument("--precision", choices=CLI_PRECISIONS, default="FP32",
                        help="which IR (default FP32; INT8 needs Lesson 06 or python -m helpers.quantize first)")
    parser.add_argument("--device", default="CPU", help="OpenVINO device: CPU, GPU, NPU, AUTO (default CPU)")
    parser.add_argument("--top", type=cli.whole_number(1, NUM_CLASSES), default=5, metavar="K",
                        help=f"how many classes to print, 1 to {NUM_CLASSES} (default 5)")
    return parser


def main(argv: list[str] | None = None) -> int:
    from helpers import cli

    args = build_parser().parse_args(argv)
    return cli.run(lambda: _classify(args))


def _classify(args) -> int:
    """The command's steps, each failing with its own TutorialError: the weights, the model
    (converted when missing), compiling it for the device, then each image."""
    from helpers.images import ImageLoadError
    from helpers.prepare import ir_for_command, prepare_models

    if args.model == "keras":
        models = prepare_models(with_keras=True)
        classifier = Classifier.from_keras(models.keras_model)
        weights_line = models.weights.describe().splitlines()[-1]  # the original model: the file in use
    else:
        xml, weights = ir_for_command(args.precision)
        weights_line = weights.describe()
        classifier = Classifier.from_ir(xml, args.device, precision=CLI_PRECISION_HINTS.get(args.device))
    print(f"model: {classifier.name}; {weights_line}")
    failed = 0
    for image in args.images:
        try:
            print(format_predictions(image, classifier.classify([image], k=args.top)[0]))
        except ImageLoadError as error:
            print(f"error: {error}", file=sys.stderr)
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
