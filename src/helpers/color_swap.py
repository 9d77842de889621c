"""The cost of swapped colour channels: the converted model's top-5 loss when fed RGB instead of the BGR it takes.

Lesson 02 has the learner predict this cost (exercise 02.2); ``helpers.exercises`` checks the prediction
against ``measure_swap_cost``, measured on labelled images with the FP32 IR of Lesson 01. The two inputs are
the same centre crops, once in BGR (what the IR takes, ``helpers.model_card``) and once with the channels
swapped, so the loss is a paired difference with its 95 % interval (``helpers.paired``).
"""
from __future__ import annotations

import numpy as np

from helpers.config import quick_mode
from helpers.convert import existing_ir
from helpers.metrics import top_k_hits
from helpers.paired import compare_paired
from helpers.preprocess import load_and_crop
from helpers.runtime import compile_model
from helpers.sample import labelled_images


def measure_swap_cost(count: int | None = None) -> tuple[int, float, float]:
    """The converted model's loss of top-5 (points) when fed RGB instead of BGR, on ``count`` images
    of TUTORIAL_DATA (default: 100 in quick mode, 300 in full): (images, interval low, interval high),
    the 95 % interval of the paired difference."""
    items = labelled_images(count or (100 if quick_mode() else 300), progress=False).items
    crops = load_and_crop([item.path for item in items], order="BGR", progress=False)
    labels = np.array([item.label for item in items])
    request = compile_model(existing_ir("FP32"), precision="f32").create_infer_request()
    right = np.concatenate([request.infer({0: c[None].astype(np.float32)})[0] for c in crops])
    swapped = np.concatenate([request.infer({0: c[None, ..., ::-1].astype(np.float32)})[0] for c in crops])
    comparison = compare_paired(top_k_hits(swapped, labels, 5), top_k_hits(right, labels, 5))
    return len(items), 100 * comparison.ci_low, 100 * comparison.ci_high
