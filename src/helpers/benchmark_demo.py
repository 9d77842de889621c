"""Open Model Zoo's Classification Benchmark Demo in notebook form: labelled images classified
asynchronously, shown as a grid that fills as results arrive, each tile marked right or wrong, with
the running top-1 accuracy and images per second.

The work is split the usual way: ``run_classification_demo`` decodes, infers and counts (tested
without a display); it calls ``show(state)`` from the main thread every ``refresh`` seconds and
once at the end, and ``helpers.plots.plot_classification_grid`` draws a state.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import openvino as ov

from helpers.benchmark import compile_for_benchmark
from helpers.datasets import LabeledImage
from helpers.preprocess import load_and_crop_one

TILE = 72  # pixels per tile side in the grid (a 224 x 224 crop, shrunk)


@dataclass
class DemoState:
    """What the demo has seen so far. ``tiles`` are the latest results, newest last: (thumbnail
    RGB uint8 TILE x TILE x 3, right or wrong)."""

    total: int
    done: int = 0
    correct: int = 0
    seconds: float = 0.0
    tiles: list[tuple[np.ndarray, bool]] = field(default_factory=list)

    @property
    def top1(self) -> float:
        """Running top-1 accuracy (%) of the images classified so far."""
        return 100 * self.correct / self.done if self.done else 0.0

    @property
    def images_per_second(self) -> float:
        """Images classified per second so far, decoding included (the whole pipeline)."""
        return self.done / self.seconds if self.seconds else 0.0


def _thumbnail(crop_bgr: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.resize(crop_bgr, (TILE, TILE), interpolation=cv2.INTER_AREA)[..., ::-1].copy()


def run_classification_demo(xml: Path | str, images: list[LabeledImage], device: str = "CPU", grid_tiles: int = 32,
                            refresh: float = 0.5, show: Callable[[DemoState], None] | None = None,
                            requests: int = 0) -> DemoState:
    """Classify ``images`` with an ``AsyncInferQueue`` on ``device`` (throughput hint, u8 BGR
    input: the 224 x 224 crop as decoded), and keep the last ``grid_tiles`` results.

    Each image is decoded and cropped by Open Model Zoo's protocol (BGR, resize 256, centre crop
    224) on the main thread while earlier ones are inferred; the queue's callback records each
    result on OpenVINO's thread, and the main thread turns results into tiles and calls ``show``.
    """
    compiled = compile_for_benchmark(xml, device, "throughput", input_type="u8")
    queue = ov.AsyncInferQueue(compiled, requests)
    finished: list[tuple[int, int]] = []  # (image index, predicted class), appended by the callback
    lock = threading.Lock()

    def record(request: ov.InferRequest, index: int) -> None:
        predicted = int(np.argmax(request.get_output_tensor(0).data[0]))
        with lock:
            finished.append((index, predicted))

    queue.set_callback(record)
    state = DemoState(total=len(images))
    thumbnails: dict[int, np.ndarray] = {}
    taken = 0
    start = last_shown = time.perf_counter()

    def collect() -> None:
        nonlocal taken
        with lock:
            new, taken = finished[taken:], len(finished)
        for index, predicted in new:
            right = predicted == images[index].label
            state.done += 1
            state.correct += right
            state.tiles = (state.tiles + [(thumbnails.pop(index), right)])[-grid_tiles:]
        state.seconds = time.perf_counter() - start

    for index, item in enumerate(images):
        crop = load_and_crop_one(item.path)
        thumbnails[index] = _thumbnail(crop)
        queue.start_async({0: crop[None]}, userdata=index)
        if show is not None and time.perf_counter() - last_shown >= refresh:
            collect()
            show(state)
            last_shown = time.perf_counter()
    queue.wait_all()
    collect()
    if show is not None:
        show(state)
    return state
