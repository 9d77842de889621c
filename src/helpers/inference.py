"""Three ways to run the converted model with OpenVINO's own API, and the record of a timing (``Timing``).

- ``infer_sync``: one image at a time, each request waited for (simplest, lowest latency);
- ``infer_batched``: the IR reshaped to take N images in one request (``compile_batched``);
- ``infer_async``: an ``AsyncInferQueue`` keeping several requests in flight, results put back
  in input order by their index (the way to full throughput).
All take an N x 224 x 224 x 3 float32 batch in the model's colour order and return N x 1000.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import openvino as ov

from helpers.model_card import INPUT_SHAPE
from helpers.runtime import compile_model, read_model


def infer_sync(compiled: ov.CompiledModel, batch: np.ndarray) -> np.ndarray:
    """One synchronous request per image, with a batch-1 compiled model."""
    request = compiled.create_infer_request()
    return np.concatenate([request.infer({0: image[None]})[0] for image in batch])


def compile_batched(ir: Path | ov.Model, batch_size: int, device: str = "CPU", precision: str | None = "f32",
                    config: dict | None = None) -> ov.CompiledModel:
    """Compile the IR reshaped to take ``batch_size`` images per request."""
    model = read_model(ir, copy=True)
    model.reshape({model.input().get_any_name(): [batch_size, *INPUT_SHAPE[1:]]})
    return compile_model(model, device, precision, config)


def infer_batched(compiled: ov.CompiledModel, batch: np.ndarray) -> np.ndarray:
    """Run a model compiled with ``compile_batched`` over the batch, N images per request.

    A last, shorter chunk is padded with zeros, whose outputs are dropped.
    """
    size = compiled.input().get_shape()[0]
    request = compiled.create_infer_request()
    outputs = []
    for start in range(0, len(batch), size):
        chunk = batch[start:start + size]
        if len(chunk) < size:
            chunk = np.concatenate([chunk, np.zeros((size - len(chunk), *chunk.shape[1:]), chunk.dtype)])
        outputs.append(request.infer({0: chunk})[0][:len(batch) - start])
    return np.concatenate(outputs)


def infer_async(compiled: ov.CompiledModel, batch: np.ndarray, jobs: int = 0) -> np.ndarray:
    """Keep ``jobs`` requests in flight (0: the device's optimal number) with an AsyncInferQueue.

    Requests finish in any order; the callback writes each result at its image's index, so the
    output is in input order.
    """
    results = np.empty((len(batch), *compiled.output().get_shape()[1:]), np.float32)

    def store(request: ov.InferRequest, index: int) -> None:
        results[index] = request.get_output_tensor(0).data[0]

    queue = ov.AsyncInferQueue(compiled, jobs)
    queue.set_callback(store)
    for index, image in enumerate(batch):
        queue.start_async({0: image[None]}, userdata=index)
    queue.wait_all()
    return results


@dataclass(frozen=True)
class Timing:
    """Time per image over repeated runs of the same batch, after warm-up."""

    median_ms: float
    min_ms: float
    max_ms: float
    repeats: int
    images: int

    @property
    def images_per_second(self) -> float:
        return 1000 / self.median_ms
