"""The measurements themselves: latency and throughput of an IR on any OpenVINO device, measured
the way OpenVINO's ``benchmark_app`` measures them, the knobs that change them, the same boundary for
TensorFlow, and compile times. The command line is ``helpers.cli.benchmark``.

What "the way benchmark_app measures" means here (its source: ``openvino/tools/benchmark/``):
- the model is fed **u8 pixels** by default, as benchmark_app feeds every image input: it adds a
  u8 -> f32 conversion in front of the IR with ``PrePostProcessor``. ``input_type="f32"`` feeds
  the IR's own f32 input instead (benchmark_app's ``-ip f32``); Lesson 05 measures the difference;
- each request's input is set once, before timing (``-inference_only``), and each request gets an
  image of its own;
- the latency hint runs one synchronous request at a time (``-api sync``); the throughput hints keep
  the device's optimal number of requests busy with an ``AsyncInferQueue`` and no Python callback;
- a run lasts a fixed time; throughput is iterations x batch / duration; latency is OpenVINO's own
  ``InferRequest.latency`` of each request.
"""
from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import openvino as ov

from helpers.benchmark.devices import device_problem
from helpers.errors import CompileError, DamagedIRError, NotAnIRError
from helpers.ir_files import check_ir
from helpers.runtime import core, read_model, with_uint8_input

__all__ = ["BATCH_SIZES", "DEFAULT_INPUT_TYPE", "HINTS", "INPUT_TYPES", "OV_TIMING", "WALL_TIMING", "CompileTimes",
           "Measured", "Result", "benchmark", "benchmark_openvino_calls", "benchmark_tensorflow",
           "compile_for_benchmark", "compile_times", "measure_latency", "measure_throughput", "random_inputs",
           "read_ir", "settings_dict", "summarise", "time_calls"]

HINTS = {"latency": "LATENCY", "throughput": "THROUGHPUT", "cumulative_throughput": "CUMULATIVE_THROUGHPUT"}
INPUT_TYPES = ("u8", "f32")
DEFAULT_INPUT_TYPE = "u8"  # what benchmark_app feeds an image input unless told otherwise (-ip)
BATCH_SIZES = (1, 2, 4, 8, 16, 32)
OV_TIMING = "InferRequest.latency"
WALL_TIMING = "wall clock: numpy in, numpy out"


@dataclass(frozen=True, kw_only=True)
class Measured:
    """What a run reports whichever tool ran it (this package or benchmark_app): latencies in ms per
    request (that is, per batch), throughput in images/s."""

    iterations: int
    requests: int  # run at the same time
    latency_median: float
    latency_min: float
    latency_max: float
    throughput: float


@dataclass(frozen=True, kw_only=True)
class Result(Measured):
    """One benchmark run of this package: every setting that changes the numbers, and the numbers
    (``Measured``'s, and the 90th and 99th percentile latencies, ms)."""

    label: str
    device: str
    hint: str
    batch: int
    streams: int
    threads: int
    inference_precision: str  # what the device computes in: f32, bf16, ...
    input_type: str  # what the model is fed: u8 pixels or the IR's f32
    seconds: float
    latency_p90: float
    latency_p99: float
    timing: str = OV_TIMING  # which clock gives the latencies

    @property
    def latency_per_image(self) -> float:
        """Median latency of a request divided by the images in it (ms)."""
        return self.latency_median / self.batch

    def row(self) -> dict:
        """The run as one table row: every setting that changes the numbers, then the numbers."""
        return {"run": self.label, "device": self.device, "hint": self.hint, "input": self.input_type,
                "precision": self.inference_precision, "batch": self.batch, "streams": self.streams,
                "threads": self.threads, "requests": self.requests,
                "median latency (ms)": round(self.latency_median, 3),
                "per image (ms)": round(self.latency_per_image, 3), "p90 (ms)": round(self.latency_p90, 3),
                "throughput (img/s)": round(self.throughput, 1)}


# --- reading and compiling ------------------------------------------------------------------------


def read_ir(xml: Path | str | ov.Model, *, copy: bool = False) -> ov.Model:
    """Read an OpenVINO IR; a missing file or a file that is not an IR raises with the fix. An ``ov.Model``
    is returned as it is (a clone with ``copy=True``), as ``helpers.runtime.read_model`` does."""
    if isinstance(xml, ov.Model):
        return read_model(xml, copy=copy)
    xml = Path(xml)
    fix = ("give the .xml of an OpenVINO IR (its .bin beside it), for example "
           "models/public/mobilenet-v3-small-1.0-224-tf/FP32/mobilenet-v3-small-1.0-224-tf.xml, "
           "or leave --model out; python -m helpers.prepare converts the Keras weights to IR")
    if not xml.is_file():
        raise NotAnIRError(f"no file at {xml}: {fix}")
    if xml.suffix.lower() != ".xml":
        raise NotAnIRError(f"{xml.name} is not an OpenVINO IR (an IR is an .xml file with a .bin beside it): {fix}")
    if not xml.with_suffix(".bin").is_file():
        raise NotAnIRError(f"{xml.name} has no {xml.with_suffix('.bin').name} beside it: {fix}")
    try:
        return check_ir(xml)
    except DamagedIRError as error:  # one line: the file, what is wrong, how to make it again
        raise NotAnIRError(str(error)) from error


def compile_for_benchmark(xml: Path | str | ov.Model, device: str = "CPU", hint: str = "throughput", batch: int = 1,
                          streams: int | None = None, threads: int | None = None, precision: str | None = None,
                          input_type: str = DEFAULT_INPUT_TYPE, extra: dict | None = None) -> ov.CompiledModel:
    """Compile the IR as benchmark_app would: the IR reshaped to ``batch``, fed ``input_type``
    ("u8": pixels, converted to f32 inside the model; "f32": the IR's own input), with the
    performance hint and, when given, ``NUM_STREAMS``, ``INFERENCE_NUM_THREADS`` and the
    inference precision (None: the device's default, bf16 on CPUs that have it).

    A device that cannot compile raises ``CompileError`` naming the missing piece.
    """
    if hint not in HINTS:
        raise ValueError(f"hint must be one of {sorted(HINTS)}, not {hint!r}")
    if input_type not in INPUT_TYPES:
        raise ValueError(f"input_type must be one of {INPUT_TYPES}, not {input_type!r}")
    model = read_ir(xml, copy=True)  # reshaped and given a u8 input below: the caller's model stays as it is
    if batch != 1:
        shape = model.input().get_partial_shape()
        shape[0] = batch
        model.reshape({model.input().get_any_name(): shape})
    if input_type == "u8":
        model = with_uint8_input(model)
    config = {"PERFORMANCE_HINT": HINTS[hint], **(extra or {})}
    if streams is not None:
        config["NUM_STREAMS"] = str(streams)
    if threads is not None:
        config["INFERENCE_NUM_THREADS"] = str(threads)
    if precision is not None:
        config["INFERENCE_PRECISION_HINT"] = precision
    try:
        return core().compile_model(model, device, config)
    except RuntimeError as error:
        raise CompileError(device_problem(device, error)) from error


def random_inputs(compiled: ov.CompiledModel, count: int, seed: int = 0) -> list[np.ndarray]:
    """``count`` different inputs for the compiled model, one per request: values 0..255 in the
    model's input type and shape (N x 224 x 224 x 3), as benchmark_app's random filling gives.
    Speed does not depend on the picture; distinct inputs keep caches as honest as real images."""
    port = compiled.input()
    dtype = np.uint8 if port.get_element_type() == ov.Type.u8 else np.float32
    rng = np.random.default_rng(seed)
    return [rng.integers(0, 256, tuple(port.get_shape())).astype(dtype) for _ in range(count)]


# --- the two measurement loops --------------------------------------------------------------------


def settings_dict(compiled: ov.CompiledModel) -> dict:
    """Streams, threads, requests, inference precision and input type the compiled model uses.

    A virtual device (AUTO) does not report streams, threads or precision itself; they are read
    from the hardware device it runs on."""
    def get(properties, name, default):
        try:
            return properties(name)
        except (RuntimeError, KeyError):  # not every device reports every property
            return default
    own = compiled.get_property
    devices = get(own, "EXECUTION_DEVICES", [])
    underneath = get(own, "DEVICE_PROPERTIES", {}).get(devices[0], {}) if len(devices) == 1 else {}
    def setting(name, default):
        value = get(own, name, None)
        return value if value is not None else underneath.get(name, default)
    precision = setting("INFERENCE_PRECISION_HINT", None)
    return {"streams": int(setting("NUM_STREAMS", 0)), "threads": int(setting("INFERENCE_NUM_THREADS", 0)),
            "requests": int(setting("OPTIMAL_NUMBER_OF_INFER_REQUESTS", 1)),
            "precision": (precision.get_type_name() if hasattr(precision, "get_type_name")
                          else str(precision or "default")),
            "input_type": compiled.input().get_element_type().get_type_name()}


def summarise(label: str, compiled: ov.CompiledModel, device: str, hint: str, latencies_ms, iterations: int,
              seconds: float, requests: int, timing: str = OV_TIMING) -> Result:
    """A Result from per-request latencies (ms) and the run's iterations and duration."""
    batch = compiled.input().get_shape()[0]
    setting = settings_dict(compiled)
    return _result(label=label, device=device, hint=hint, batch=batch, streams=setting["streams"],
                   threads=setting["threads"], requests=requests, inference_precision=setting["precision"],
                   input_type=setting["input_type"], latencies_ms=latencies_ms, iterations=iterations,
                   seconds=seconds, timing=timing)


def _result(*, latencies_ms, iterations: int, seconds: float, batch: int, **settings) -> Result:
    """A Result from the run's settings, per-request latencies (ms), iterations and duration (s)."""
    lat = np.asarray(latencies_ms, dtype=float)
    return Result(**settings, batch=batch, seconds=seconds, iterations=iterations,
                  latency_median=float(np.median(lat)), latency_p90=float(np.percentile(lat, 90)),
                  latency_p99=float(np.percentile(lat, 99)), latency_min=float(lat.min()),
                  latency_max=float(lat.max()), throughput=iterations * batch / seconds)


def measure_latency(compiled: ov.CompiledModel, seconds: float = 10.0, device: str = "CPU", warmup: int = 10,
                    label: str = "latency", hint: str = "latency") -> Result:
    """benchmark_app's synchronous loop: one request, its input set once, ``warmup`` untimed
    inferences, then ``request.infer()`` again and again for ``seconds``."""
    request = compiled.create_infer_request()
    request.set_input_tensor(ov.Tensor(random_inputs(compiled, 1)[0]))
    for _ in range(warmup):
        request.infer()
    latencies = []
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        request.infer()
        latencies.append(request.latency)
    return summarise(label, compiled, device, hint, latencies, len(latencies), time.perf_counter() - start, 1)


def measure_throughput(compiled: ov.CompiledModel, seconds: float = 10.0, device: str = "CPU", requests: int = 0,
                       label: str = "throughput", hint: str = "throughput") -> Result:
    """benchmark_app's asynchronous loop: keep ``requests`` (0: the device's optimal number)
    requests busy for ``seconds``, each with an input of its own set once, each run once untimed.

    No callback (a Python callback would take Python's lock on OpenVINO's threads): the loop
    waits for an idle request, reads its latency and starts it again; it stops on a whole
    round of requests, then waits for the last ones.
    """
    queue = ov.AsyncInferQueue(compiled, requests)
    for request, image in zip(queue, random_inputs(compiled, len(queue)), strict=True):
        request.set_input_tensor(ov.Tensor(image))
    for _ in range(len(queue)):
        queue.start_async()
    queue.wait_all()

    latencies, in_flight, iterations = [], set(), 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds or iterations % len(queue):
        idle = queue.get_idle_request_id()
        if idle in in_flight:
            latencies.append(queue[idle].latency)
        in_flight.add(idle)
        queue.start_async()
        iterations += 1
    queue.wait_all()
    duration = time.perf_counter() - start
    latencies += [queue[index].latency for index in in_flight]
    return summarise(label, compiled, device, hint, latencies, iterations, duration, len(queue))


def benchmark(xml: Path | str, device: str = "CPU", hint: str = "throughput", batch: int = 1, seconds: float = 10.0,
              streams: int | None = None, threads: int | None = None, precision: str | None = None,
              input_type: str = DEFAULT_INPUT_TYPE, label: str | None = None) -> Result:
    """One run as benchmark_app does it with the same settings: the latency hint runs one
    synchronous request at a time, the throughput hints keep the optimal number of requests busy."""
    compiled = compile_for_benchmark(xml, device, hint, batch, streams, threads, precision, input_type)
    label = label or f"{Path(xml).parent.name} {hint} b{batch}"
    if hint == "latency":
        return measure_latency(compiled, seconds, device, label=label)
    return measure_throughput(compiled, seconds, device, label=label, hint=hint)


# --- the same boundary for every framework ---------------------------------------------------------


def time_calls(call: Callable[[np.ndarray], np.ndarray], data: np.ndarray, seconds: float, warmup: int = 5
               ) -> tuple[list[float], float]:
    """Wall-clock time (ms) of each ``call(data)`` for ``seconds`` after ``warmup`` untimed calls,
    and the run's duration (s). ``call`` takes a numpy batch and returns numpy: the boundary
    includes moving data in and out of the framework."""
    for _ in range(warmup):
        call(data)
    latencies = []
    start = now = time.perf_counter()
    while now - start < seconds:
        call(data)
        end = time.perf_counter()
        latencies.append(1000 * (end - now))
        now = end
    return latencies, now - start


def _wall_result(label, device, batch, threads, precision, input_type, latencies, duration) -> Result:
    """A Result of ``time_calls``: one call at a time, no hint, timed by the wall clock."""
    return _result(label=label, device=device, hint="-", batch=batch, streams=1, threads=threads, requests=1,
                   inference_precision=precision, input_type=input_type, latencies_ms=latencies,
                   iterations=len(latencies), seconds=duration, timing=WALL_TIMING)


def benchmark_tensorflow(keras_model, batch: int = 1, seconds: float = 10.0, warmup: int = 5) -> Result:
    """The original model in TensorFlow: a compiled ``tf.function`` (graph mode) called on a numpy
    N x 224 x 224 x 3 float32 batch (RGB, 0..255) and its output turned back into numpy, one call
    after the other, timed by the wall clock around each call (the ``WALL_TIMING`` boundary)."""
    import tensorflow as tf  # seconds to import: only this function needs it

    predict = tf.function(lambda x: keras_model(x, training=False))
    data = np.random.default_rng(0).integers(0, 256, (batch, 224, 224, 3)).astype(np.float32)
    latencies, duration = time_calls(lambda x: predict(tf.constant(x)).numpy(), data, seconds, warmup)
    threads = tf.config.threading.get_intra_op_parallelism_threads() or os.cpu_count()
    return _wall_result(f"TensorFlow b{batch}", "CPU", batch, threads, "f32", "f32", latencies, duration)


def benchmark_openvino_calls(xml: Path | str, device: str = "CPU", batch: int = 1, seconds: float = 10.0,
                             precision: str | None = None, label: str | None = None, warmup: int = 5) -> Result:
    """The IR at TensorFlow's boundary: one synchronous request (latency hint) called on a numpy
    f32 batch, its output copied back to numpy, timed by the wall clock around each call."""
    compiled = compile_for_benchmark(xml, device, "latency", batch, precision=precision, input_type="f32")
    request = compiled.create_infer_request()
    data = random_inputs(compiled, 1)[0]
    latencies, duration = time_calls(lambda x: request.infer({0: x})[0], data, seconds, warmup)
    setting = settings_dict(compiled)
    return _wall_result(label or f"OpenVINO b{batch}", device, batch, setting["threads"], setting["precision"],
                        "f32", latencies, duration)


# --- compile time -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompileTimes:
    cold_ms: float  # read + compile, no cache
    first_with_cache_ms: float  # the same, while writing the cache
    cached_ms: float  # read + compile, from the cache

    @property
    def speedup(self) -> float:
        return self.cold_ms / self.cached_ms


def compile_times(xml: Path, device: str = "CPU", repeats: int = 3) -> CompileTimes:
    """Time read + compile without a cache, then with a fresh CACHE_DIR: the first compile writes
    the cache, later ones load the compiled blob from it. Medians over ``repeats``."""
    fresh = ov.Core()
    fresh.compile_model(fresh.read_model(Path(xml)), device)  # loads the device plugin, untimed

    def timed(cache_dir: str | None) -> float:
        config = {"CACHE_DIR": cache_dir} if cache_dir else {}
        start = time.perf_counter()
        fresh.compile_model(Path(xml), device, config)
        return 1000 * (time.perf_counter() - start)

    cold = float(np.median([timed(None) for _ in range(repeats)]))
    firsts, cached = [], []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory(prefix="ov-cache-") as cache_dir:
            firsts.append(timed(cache_dir))
            cached.append(timed(cache_dir))
    return CompileTimes(cold_ms=cold, first_with_cache_ms=float(np.median(firsts)), cached_ms=float(np.median(cached)))
