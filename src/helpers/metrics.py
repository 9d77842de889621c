"""Accuracy measures computed from probabilities and labels."""
from __future__ import annotations

import numpy as np


def top_k_hits(probabilities: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """For N x C probabilities and N labels: a boolean array, True where the label is among the top ``k``."""
    probabilities = np.asarray(probabilities)
    labels = np.asarray(labels)
    if probabilities.ndim != 2 or probabilities.shape[0] != labels.shape[0]:
        raise ValueError(f"expected N x C probabilities and N labels, got {probabilities.shape} and {labels.shape}")
    top = np.argsort(-probabilities, axis=1, kind="stable")[:, :k]
    return (top == labels[:, None]).any(axis=1)


def top_k_accuracy(probabilities: np.ndarray, labels: np.ndarray, k: int) -> float:
    """Share of images (0..1) whose label is among the ``k`` most probable classes."""
    return float(top_k_hits(probabilities, labels, k).mean())
