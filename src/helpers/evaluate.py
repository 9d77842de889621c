"""Accuracy as Open Model Zoo measures it, fast: decoding in threads overlapped with an
``AsyncInferQueue``, and the speed of each part measured in the same run.

    python -m helpers.evaluate DATA_DIR [--annotation FILE] [--model keras|ir] [--precision FP32|FP16|INT8]
                               [--inference-precision f32|default] [--device CPU] [--protocol omz]
                               [--limit N] [--json FILE]

Images that cannot be decoded count as wrong answers (they stay in the denominator) and are
listed. Both models get Open Model Zoo's preprocessing, each in its own colour order. The command line
is ``helpers.cli.evaluate``.
"""
from __future__ import annotations

import os
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path

import numpy as np
import openvino as ov

from helpers.datasets import LabeledImage, evenly_spaced
from helpers.errors import ImageLoadError
from helpers.ir_files import check_ir
from helpers.keras_model import keras_predict
from helpers.metrics import top_k_hits, wilson_interval
from helpers.model_card import CONVERTED_COLOR_ORDER, INPUT_SHAPE, NUM_CLASSES, ORIGINAL_COLOR_ORDER
from helpers.preprocess import DEFAULT_PROTOCOL, load_and_crop_one
from helpers.progress import tqdm
from helpers.runtime import compile_model, with_uint8_input

THREADS = os.cpu_count() or 1
# Decoded images waiting for inference: enough to keep every request fed, few enough to bound memory.
PREFETCH = 8 * THREADS
# D and I are measured on at most this many images (all of them for the 1000-image sample).
CALIBRATION_IMAGES = 1000


@dataclass(frozen=True)
class Rates:
    """Images per second: decoding + preprocessing alone (D), inference alone (I), both overlapped.

    When decoding and inference share the same cores, every core busy all the time gives at
    best 1 / (1/D + 1/I): that is ``limit``.
    """

    decode: float
    inference: float
    pipeline: float

    @property
    def limit(self) -> float:
        return 1 / (1 / self.decode + 1 / self.inference)

    @property
    def share_of_limit(self) -> float:
        return self.pipeline / self.limit


@dataclass(kw_only=True)
class Evaluation:
    """Accuracy of one model on one set of labelled images."""

    model: str
    inference_precision: str  # what the device computed in: "f32", "bf16", ... ("f32" for Keras)
    protocol: str
    labels: np.ndarray = field(repr=False)
    probabilities: np.ndarray = field(repr=False)  # N x 1000; NaN rows for images that failed
    failures: dict[str, str]  # path -> why it could not be used
    seconds: float
    rates: Rates | None = None

    @property
    def images(self) -> int:
        return len(self.labels)

    @property
    def loaded(self) -> np.ndarray:
        return ~np.isnan(self.probabilities[:, 0])

    def hits(self, k: int) -> np.ndarray:
        """True for each image whose label is in the top ``k``; failed images are misses."""
        hits = np.zeros(self.images, bool)
        hits[self.loaded] = top_k_hits(self.probabilities[self.loaded], self.labels[self.loaded], k)
        return hits

    def accuracy(self, k: int) -> float:
        return float(self.hits(k).mean()) if self.images else 0.0

    def interval(self, k: int) -> tuple[float, float]:
        return wilson_interval(int(self.hits(k).sum()), self.images)

    def summary(self) -> dict:
        """The numbers, as plain values (percent), for tables and JSON."""
        out = {"model": self.model, "inference_precision": self.inference_precision, "protocol": self.protocol,
               "images": self.images, "failed": len(self.failures), "seconds": round(self.seconds, 3)}
        for k in (1, 5):
            low, high = self.interval(k)
            out[f"top{k}"] = round(100 * self.accuracy(k), 2)
            out[f"top{k}_ci95"] = [round(100 * low, 2), round(100 * high, 2)]
        if self.rates:
            out["rates_images_per_second"] = {**{k: round(v, 1) for k, v in asdict(self.rates).items()},
                                              "limit": round(self.rates.limit, 1)}
            out["pipeline_share_of_limit"] = round(self.rates.share_of_limit, 3)
        return out

    def row(self, name: str | None = None, *, name_column: str = "model", details: bool = False) -> dict:
        """One table row of the accuracy, its cells formatted as the lessons show them: ``{name_column: name}``
        (``self.model`` when ``name`` is None), then with ``details`` the ``computes in`` precision, then
        ``images``, with ``details`` the ``failed`` count, then ``top-1 (%)``, ``top-1 95 % interval``
        ("73.5 to 78.7"), ``top-5 (%)``, ``top-5 95 % interval``. ``pd.DataFrame(rows).set_index(name_column)``
        makes the table."""
        s = self.summary()
        row = {name_column: self.model if name is None else name}
        if details:
            row["computes in"] = s["inference_precision"]
        row["images"] = s["images"]
        if details:
            row["failed"] = s["failed"]
        for k in (1, 5):
            low, high = s[f"top{k}_ci95"]
            row[f"top-{k} (%)"] = s[f"top{k}"]
            row[f"top-{k} 95 % interval"] = f"{low:.1f} to {high:.1f}"
        return row


@dataclass(frozen=True)
class Agreement:
    images: int  # images both models could use
    same_top1: float  # share 0..1
    max_abs_diff: float  # largest probability difference over those images
    disagreeing: list[int]  # indices of images whose top-1 differs


def agreement(a: Evaluation, b: Evaluation) -> Agreement:
    """How closely two evaluations of the same images agree."""
    both = a.loaded & b.loaded
    top_a, top_b = a.probabilities[both].argmax(1), b.probabilities[both].argmax(1)
    indices = np.flatnonzero(both)[top_a != top_b]
    diff = float(np.abs(a.probabilities[both] - b.probabilities[both]).max()) if both.any() else 0.0
    return Agreement(int(both.sum()), float(np.mean(top_a == top_b)) if both.any() else 0.0, diff,
                     [int(i) for i in indices])


# --- decoding ---------------------------------------------------------------------------------


def _decode_all(paths: list[Path], decode) -> tuple[list, float]:
    """Decode every path on all cores; (crops or errors, seconds)."""
    def safe(path):
        try:
            return decode(path)
        except ImageLoadError as error:
            return error
    start = time.perf_counter()
    with ThreadPoolExecutor(THREADS) as pool:
        crops = list(pool.map(safe, paths))
    return crops, time.perf_counter() - start


def _decoded_in_order(paths: list[Path], decode, pool: ThreadPoolExecutor):
    """Yield (index, crop or ImageLoadError) in order, decoding up to PREFETCH images ahead."""
    pending: deque = deque()
    upcoming = iter(enumerate(paths))

    def submit_next():
        for index, path in upcoming:
            pending.append((index, pool.submit(decode, path)))
            return

    for _ in range(PREFETCH):
        submit_next()
    while pending:
        index, future = pending.popleft()
        submit_next()
        try:
            yield index, future.result()
        except ImageLoadError as error:
            yield index, error


# --- OpenVINO ----------------------------------------------------------------------------------


def _infer_all(queue: ov.AsyncInferQueue, items, failures: dict, paths, bar) -> None:
    """Start one request per decoded crop (start_async waits for a free request: the back-pressure)."""
    for index, crop in items:
        if isinstance(crop, ImageLoadError):
            failures[str(paths[index])] = str(crop)
        else:
            queue.start_async({0: crop[None]}, userdata=index)
        bar.update()
    queue.wait_all()


def evaluate_ir(items: list[LabeledImage], xml: Path, *, device: str = "CPU", precision: str | None = "f32",
                protocol: str = DEFAULT_PROTOCOL, measure_rates: bool = True, progress: bool = True,
                name: str | None = None) -> Evaluation:
    """Evaluate an IR: decoding in threads overlapped with an AsyncInferQueue (THROUGHPUT hint).

    ``precision`` is the inference precision hint; None keeps the device's default (bf16 on
    CPUs that have it). With ``measure_rates`` it also times, on up to CALIBRATION_IMAGES images,
    decoding alone and inference alone, both on all cores.
    """
    compiled = compile_model(with_uint8_input(check_ir(xml)), device, precision,
                             {"PERFORMANCE_HINT": "THROUGHPUT"})
    used = (compiled.get_property("INFERENCE_PRECISION_HINT").get_type_name() if device == "CPU"
            else (precision or "default"))
    paths = [item.path for item in items]
    results = np.full((len(items), NUM_CLASSES), np.nan, np.float32)

    def store(request, index):
        results[index] = request.get_output_tensor(0).data[0]

    queue = ov.AsyncInferQueue(compiled)
    _warm_up(queue)
    queue.set_callback(store)
    decode = partial(load_and_crop_one, protocol=protocol, order=CONVERTED_COLOR_ORDER)
    failures: dict[str, str] = {}
    label = name or f"OpenVINO {Path(xml).parent.name} ({used})"
    with ThreadPoolExecutor(THREADS) as pool, tqdm(total=len(items), desc=label, unit="img",
                                                   disable=not progress) as bar:
        start = time.perf_counter()
        _infer_all(queue, _decoded_in_order(paths, decode, pool), failures, paths, bar)
        seconds = time.perf_counter() - start
    rates = None
    if measure_rates and items:
        rates = _measure_rates(evenly_spaced(paths, CALIBRATION_IMAGES), decode, queue, len(items) / seconds)
    return Evaluation(model=label, inference_precision=used, protocol=protocol,
                      labels=np.array([i.label for i in items]), probabilities=results, failures=failures,
                      seconds=seconds, rates=rates)


def _warm_up(queue: ov.AsyncInferQueue) -> None:
    """Run each request twice on a blank image: a request's first inference allocates its memory,
    which would otherwise be timed as part of the evaluation."""
    blank = np.zeros((1, *INPUT_SHAPE[1:]), np.uint8)
    queue.set_callback(lambda request, userdata: None)
    for _ in range(2 * len(queue)):
        queue.start_async({0: blank})
    queue.wait_all()


def _measure_rates(paths: list[Path], decode, queue: ov.AsyncInferQueue, pipeline_rate: float) -> Rates | None:
    """D and I on ``paths``; None when none of them can be decoded (there is nothing to time)."""
    crops, decode_seconds = _decode_all(paths, decode)
    usable = [c for c in crops if not isinstance(c, ImageLoadError)]
    if not usable:
        return None
    queue.set_callback(lambda request, userdata: None)
    start = time.perf_counter()
    for crop in usable:
        queue.start_async({0: crop[None]})
    queue.wait_all()
    inference_seconds = time.perf_counter() - start
    return Rates(len(paths) / decode_seconds, len(usable) / max(inference_seconds, 1e-9), pipeline_rate)


# --- Keras -------------------------------------------------------------------------------------


def evaluate_keras(items: list[LabeledImage], keras_model, *, protocol: str = DEFAULT_PROTOCOL,
                   batch_size: int = 50, progress: bool = True) -> Evaluation:
    """Evaluate the original Keras model: decoding in threads, inference in batches of ``batch_size``."""
    paths = [item.path for item in items]
    results = np.full((len(items), NUM_CLASSES), np.nan, np.float32)
    failures: dict[str, str] = {}
    decode = partial(load_and_crop_one, protocol=protocol, order=ORIGINAL_COLOR_ORDER)
    batch_indices, batch = [], []

    def flush():
        if batch:
            results[batch_indices] = keras_predict(keras_model, np.stack(batch).astype(np.float32), batch_size)
            batch_indices.clear()
            batch.clear()

    with ThreadPoolExecutor(THREADS) as pool, tqdm(total=len(items), desc="Keras original", unit="img",
                                                   disable=not progress) as bar:
        start = time.perf_counter()
        for index, crop in _decoded_in_order(paths, decode, pool):
            if isinstance(crop, ImageLoadError):
                failures[str(paths[index])] = str(crop)
            else:
                batch_indices.append(index)
                batch.append(crop)
                if len(batch) == batch_size:
                    flush()
            bar.update()
        flush()
        seconds = time.perf_counter() - start
    return Evaluation(model="Keras original", inference_precision="f32", protocol=protocol,
                      labels=np.array([i.label for i in items]), probabilities=results, failures=failures,
                      seconds=seconds)


if __name__ == "__main__":
    from helpers.cli.evaluate import main  # the command line lives in helpers.cli

    raise SystemExit(main())
