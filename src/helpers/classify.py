"""Classify images, a folder, a video or a camera with either model, the colour order handled for you.

    python -m helpers.classify INPUT [INPUT ...] [--model ir|keras] [--precision FP32|FP16|INT8]
                               [--device CPU] [--top 5] [--requests N] [--loop] [--limit N]
                               [--output FILE] [--show] [--quiet]

prints, for each image or frame in input order, the top-k class indices, names and probabilities,
then Open Model Zoo's closing report: FPS and the median time of each stage. The stream pipeline is
``helpers.stream``; this module holds the Classifier, and ``helpers.cli.classify`` the command.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from helpers.color_order import convert_color_order
from helpers.inference import infer_async
from helpers.keras_model import keras_predict
from helpers.model_card import CONVERTED_COLOR_ORDER, ORIGINAL_COLOR_ORDER, class_names
from helpers.preprocess import DEFAULT_PROTOCOL, load_and_crop_one, resize_and_crop, to_model_input
from helpers.runtime import compile_model


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
        self.name = name
        self.color_order = color_order  # the order the model takes
        self._predict_batch = predict_batch
        self.compiled_model = compiled_model  # the OpenVINO CompiledModel, for IR classifiers
        self.keras_model = keras_model
        self.protocol = protocol or DEFAULT_PROTOCOL

    @classmethod
    def from_keras(cls, keras_model, protocol: str | None = None) -> Classifier:
        """The original model: takes RGB."""
        return cls("Keras (TensorFlow)", ORIGINAL_COLOR_ORDER, lambda batch: keras_predict(keras_model, batch),
                   keras_model=keras_model, protocol=protocol)

    @classmethod
    def from_ir(cls, xml: Path, device: str = "CPU", precision: str | None = "f32", config: dict | None = None,
                protocol: str | None = None, name: str | None = None) -> Classifier:
        """A converted IR compiled for ``device``: takes BGR. ``precision`` is the inference
        precision hint ("f32" for results comparable with Keras; None for the device's default)."""
        compiled = compile_model(xml, device, precision, config)
        label = name or f"OpenVINO {Path(xml).parent.name} on {device}" + (f" ({precision})" if precision else "")
        return cls(label, CONVERTED_COLOR_ORDER, lambda batch: infer_async(compiled, batch),
                   compiled_model=compiled, protocol=protocol)

    def prepare(self, images: list, image_order: str = "BGR") -> np.ndarray:
        """Images (paths, or H x W x 3 uint8 arrays in ``image_order``) to the model's
        N x 224 x 224 x 3 float32 input, in its colour order."""
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


if __name__ == "__main__":
    from helpers.cli.classify import main  # the command line lives in helpers.cli

    raise SystemExit(main())
