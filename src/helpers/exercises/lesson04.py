"""Lesson 04's checkers: 04.1 (top-5 accuracy by hand) and 04.2 (how many images a +-1 point interval needs)."""
from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from helpers.errors import LearnerError, Placeholder
from helpers.exercises.answers import _number_answer
from helpers.exercises.learner_code import as_array, as_number, call
from helpers.exercises.material import _distinct_probabilities
from helpers.exercises.verdicts import Check, _not_attempted, _right, _sentence, _wrong, exercise
from helpers.metrics import top_k_accuracy, wilson_interval

exercise("04.1", "Top-5 accuracy by hand", "Counting top-1 and top-5")
exercise("04.2", "How many images for a +-1 point interval?", "Counting top-1 and top-5")


def _top5_test_case() -> tuple[np.ndarray, np.ndarray]:
    """Probabilities and labels where each mistake gives another share: labels at rank 1, 4, 5, 6, 1000 ..."""
    rng = np.random.default_rng(4)
    n = 40
    probabilities = _distinct_probabilities(rng, n)
    ranks = np.array([1] * 14 + [2, 3, 4] * 2 + [5] * 7 + [6] * 5 + [7, 50, 999, 1000] * 2)
    order = np.argsort(-probabilities, axis=1)
    labels = order[np.arange(n), ranks - 1]
    return probabilities, labels


def check_top5_accuracy(top5_accuracy: Callable) -> Check:
    """04.1: ``top5_accuracy(probabilities, labels)`` takes N x 1000 probabilities and N labels and must
    return the share (0..1) of images whose label is among their five most probable classes."""
    number = "04.1"
    probabilities, labels = _top5_test_case()
    try:
        raw = call(top5_accuracy, probabilities.copy(), labels.copy())
        per_image = _per_image_values(raw, len(labels))
        if per_image:
            return _wrong(number, f"top5_accuracy returned {per_image}, one per image; return one number, the share "
                          "of images.", "how top-5 accuracy is defined.")
        answer = as_number(raw)
    except Placeholder:
        return _not_attempted(number, "NotImplementedError in top5_accuracy")
    except LearnerError as error:
        return _wrong(number, _sentence(str(error)))
    # The test set has 40 images, so shares differ by at least 1/40; a float32 mean is off by about 1e-8.
    def same(x: float, y: float) -> bool:
        return math.isclose(x, y, rel_tol=1e-5, abs_tol=1e-6)

    expected = top_k_accuracy(probabilities, labels, 5)
    if same(answer, expected):
        return _right(number, "Your top-5 accuracy matches on a test set built to catch the usual slips.")
    if same(answer, 100 * expected):
        return _wrong(number, "that is a percentage; return a share between 0 and 1.")
    if same(answer, expected * len(labels)):
        return _wrong(number, "that is a count of images; return a share between 0 and 1.")
    if same(answer, 1 - expected):
        return _wrong(number, "that is the share of images whose label is NOT among the top five (the top-5 error).",
                      "how top-5 is defined.")
    for k, slip in ((4, "one class too few"), (6, "one class too many"), (1, "only the first class")):
        if same(answer, top_k_accuracy(probabilities, labels, k)):
            return _wrong(number, f"your answer counts {slip} (top-{k}); check which classes are the top five.",
                          "how top-5 is defined.")
    if same(answer, top_k_accuracy(-probabilities, labels, 5)):
        return _wrong(number, "your answer takes the five least probable classes.", "the sort direction.")
    if not 0 <= answer <= 1:
        return _wrong(number, f"a share lies between 0 and 1; yours is {answer:g}.", "how top-5 is defined.")
    return _wrong(number, "the share is not right on the test set.",
                  "how top-5 is defined: is the label among the five most probable classes of its own image?")


def _per_image_values(answer, images: int) -> str:
    """"40 values" (or "40 truth values") when ``answer`` holds one value per image, as Keras'
    sparse_top_k_categorical_accuracy and tf.math.in_top_k return; "" otherwise."""
    try:
        array = as_array(answer, numeric=False)
    except LearnerError:
        return ""
    if array.size != images or array.size == 1:
        return ""
    return f"{images} truth values" if array.dtype == bool else f"{images} values"


def check_images_needed(images: int | float | None, accuracy: float = 0.67, half_width_points: float = 1.0) -> Check:
    """04.2: how many images does a 95 % interval of +-``half_width_points`` need at ``accuracy``? Right
    from 85 % to 125 % of the normal approximation's answer: the worst case p = 0.5 and round numbers
    such as 10,000 count too; forgetting the square of 1.96, or a 90 % interval, do not."""
    number = "04.2"
    n = _number_answer(number, images, "... after my_images")
    if isinstance(n, Check):
        return n
    needed = 1.959964 ** 2 * accuracy * (1 - accuracy) / (half_width_points / 100) ** 2
    if 0.85 * needed <= n <= 1.25 * needed:
        return _right(number, "With that many images the 95 % interval is about +-1 point.")
    if n < 0:
        return _wrong(number, "a number of images cannot be negative.")
    if n < 2:
        return _wrong(number, "fewer than two images: is 1 point 1, or 0.01 as a share?")
    direction = "too few" if n < needed else "more than needed"
    count = f"{n:,.0f}" if n < 1e12 else f"{n:.3g}"
    return _wrong(number, f"{direction}: with {count} images the 95 % interval is about "
                  f"+-{_half_width(n, accuracy):.2g} points.",
                  "the formula of the interval's half-width: solve it for the number of images.")


def _half_width(images: float, accuracy: float) -> float:
    """Half the width of the 95 % interval, in points, for ``images`` images at ``accuracy``: Wilson's (as the
    lesson computes it) up to ten million images, the normal approximation beyond (the two agree there)."""
    if images > 1e7:
        return 100 * 1.959964 * math.sqrt(accuracy * (1 - accuracy) / images)
    low, high = wilson_interval(round(accuracy * images), round(images))
    return 100 * (high - low) / 2
