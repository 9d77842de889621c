"""Running a model on images and reading its answer."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from helpers.model_card import class_names


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
