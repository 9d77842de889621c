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


def wilson_interval(successes: int, total: int, confidence_z: float = 1.959964) -> tuple[float, float]:
    """95 % confidence interval (0..1) of a proportion, by Wilson's score method (scipy's).

    With ``total`` images and ``successes`` correct, the true accuracy on the population the
    images were drawn from lies in this interval with 95 % confidence. Unlike "p +- 1.96 SE"
    it stays within 0..1 and works for accuracies near 0 or 1. ``confidence_z`` is the normal
    quantile of the confidence level (1.96 for 95 %). With no images it is (0, 1): nothing is known.
    """
    from scipy.stats import binomtest, norm  # imported here: scipy.stats takes a second to import

    if total <= 0:
        return (0.0, 1.0)
    interval = binomtest(int(successes), int(total)).proportion_ci(
        confidence_level=2 * float(norm.cdf(confidence_z)) - 1, method="wilson"
    )
    return (float(interval.low), float(interval.high))
