"""What the exercise checkers run and measure on: the FP32 IR of Lesson 01, a photo, labelled images (those of
``TUTORIAL_DATA``, else the ImageNet sample, as the lessons get them), and test probabilities without ties."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from helpers.config import quick_mode
from helpers.convert import existing_ir
from helpers.images import demo_image_path
from helpers.runtime import compile_model
from helpers.sample import labelled_images


def _fp32_ir() -> Path:
    return existing_ir("FP32")


def _compiled_fp32():
    return compile_model(_fp32_ir(), precision="f32")


def _photo_path() -> Path:
    return demo_image_path()


def _labelled_images(count: int) -> list:
    """``count`` labelled images evenly spread, as the lessons get them (``TUTORIAL_DATA``, else the sample)."""
    return labelled_images(count, progress=False).items


def _measure_count(quick: int, full: int) -> int:
    return quick if quick_mode() else full


def _distinct_probabilities(rng: np.random.Generator, rows: int) -> np.ndarray:
    """``rows`` x 1000 float32 probabilities without ties (a tie would make "the top k" ambiguous)."""
    base = np.linspace(1.0, 2.0, 1000) ** 8
    return np.stack([rng.permutation(base / base.sum()) for _ in range(rows)]).astype(np.float32)
