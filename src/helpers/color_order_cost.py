"""Measure what feeding the wrong colour order costs, for the original and the converted model."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from helpers.color_order import ColorOrder, convert_color_order
from helpers.inference import infer_sync
from helpers.keras_model import keras_predict
from helpers.metrics import top_k_accuracy
from helpers.model_card import CONVERTED_COLOR_ORDER, ORIGINAL_COLOR_ORDER
from helpers.preprocess import to_model_input

KERAS = "Keras original"
OPENVINO = "OpenVINO IR"
EXPECTED_ORDER = {KERAS: ORIGINAL_COLOR_ORDER, OPENVINO: CONVERTED_COLOR_ORDER}


@dataclass(frozen=True)
class OrderResult:
    model: str
    fed: str  # the colour order the model was given
    right_order: bool
    top1: float  # percent
    top5: float  # percent
    images: int


def other_order(order: str) -> ColorOrder:
    """The opposite colour order ("RGB" for "BGR" and the other way round)."""
    return ColorOrder.of(order).other


def predict_in_both_orders(crops_bgr: np.ndarray, keras_model, compiled_ir) -> dict[tuple[str, str], np.ndarray]:
    """Probabilities (N x 1000) of each model fed each colour order, keyed by (model, order).

    ``crops_bgr`` are N x 224 x 224 x 3 uint8 preprocessed images in BGR; ``compiled_ir`` is the
    converted model compiled for batch 1.
    """
    results = {}
    for order in (ColorOrder.RGB, ColorOrder.BGR):
        batch = to_model_input(crops_bgr, ColorOrder.BGR, order)
        results[(KERAS, order)] = keras_predict(keras_model, batch)
        results[(OPENVINO, order)] = infer_sync(compiled_ir, batch)
    return results


def order_table(probabilities: dict[tuple[str, str], np.ndarray], labels: np.ndarray) -> list[OrderResult]:
    """Top-1 and top-5 (%) of each (model, order) in ``probabilities``, each model's right order first."""
    rows = []
    for model, expected in EXPECTED_ORDER.items():
        for order in (expected, other_order(expected)):
            if (model, order) not in probabilities:
                continue
            probs = probabilities[(model, order)]
            rows.append(OrderResult(model, order, order == expected, 100 * top_k_accuracy(probs, labels, 1),
                                    100 * top_k_accuracy(probs, labels, 5), len(labels)))
    return rows


def swap_channels(image: np.ndarray) -> np.ndarray:
    """The picture a model sees when it is fed the other colour order."""
    return convert_color_order(image, ColorOrder.RGB, ColorOrder.BGR)
