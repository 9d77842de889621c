"""Benchmarks a learner can trust: latency and throughput of the IR on any OpenVINO device, the
knobs that change them, compile time with and without the model cache, the original model in
TensorFlow, and a side-by-side check against OpenVINO's own ``benchmark_app``.

    python -m helpers.benchmark [--model PATH] [--device CPU] [--hint latency|throughput]
                                [--batch N] [--time SECONDS] [--json FILE]

Like benchmark_app, each request's input is set once, before timing (inference only), every
request is warmed up first, and a run lasts a fixed time.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import openvino as ov

from helpers.inference import compile_batched
from helpers.model_card import INPUT_SHAPE
from helpers.runtime import core

HINTS = {"latency": "LATENCY", "throughput": "THROUGHPUT", "cumulative_throughput": "CUMULATIVE_THROUGHPUT"}
BATCH_SIZES = (1, 2, 4, 8, 16, 32)


@dataclass(frozen=True)
class Result:
    """One benchmark run. Latencies in ms (per request, i.e. per batch), throughput in images/s."""

    label: str
    device: str
    hint: str
    batch: int
    streams: int
    requests: int
    inference_precision: str
    seconds: float
    iterations: int
    latency_median: float
    latency_p90: float
    latency_p99: float
    latency_min: float
    latency_max: float
    throughput: float

    def row(self) -> dict:
        return {"run": self.label, "device": self.device, "hint": self.hint, "batch": self.batch,
                "streams": self.streams, "requests": self.requests, "precision": self.inference_precision,
                "median latency (ms)": round(self.latency_median, 2), "p90 (ms)": round(self.latency_p90, 2),
                "p99 (ms)": round(self.latency_p99, 2), "throughput (img/s)": round(self.throughput, 1)}


def compile_for_benchmark(xml: Path, device: str = "CPU", hint: str = "throughput", batch: int = 1,
                          streams: int | None = None, precision: str | None = None,
                          extra: dict | None = None) -> ov.CompiledModel:
    """Compile the IR for a benchmark: performance hint, batch size (the IR reshaped), and
    optionally the number of streams and the inference precision (None: the device's default)."""
    config = {"PERFORMANCE_HINT": HINTS[hint], **(extra or {})}
    if streams is not None:
        config["NUM_STREAMS"] = str(streams)
    return compile_batched(xml, batch, device, precision, config)


def random_images(batch: int, seed: int = 0) -> np.ndarray:
    """A fixed batch x 224 x 224 x 3 float32 input with values in [0, 255] (speed does not
    depend on the picture; a fixed seed keeps runs comparable)."""
    return np.random.default_rng(seed).integers(0, 256, (batch, *INPUT_SHAPE[1:])).astype(np.float32)


def _random_input(compiled: ov.CompiledModel) -> ov.Tensor:
    return ov.Tensor(random_images(compiled.input().get_shape()[0]))


def _describe(compiled: ov.CompiledModel, device: str) -> tuple[int, str]:
    def get(name, default):
        try:
            return compiled.get_property(name)
        except RuntimeError:  # not every device reports every property
            return default
    streams = int(get("NUM_STREAMS", 0))
    precision = get("INFERENCE_PRECISION_HINT", None)
    return streams, precision.get_type_name() if hasattr(precision, "get_type_name") else str(precision or "default")


def _result(label, compiled, device, hint, latencies_ms, iterations, seconds, requests) -> Result:
    batch = compiled.input().get_shape()[0]
    streams, precision = _describe(compiled, device)
    lat = np.asarray(latencies_ms)
    return Result(label, device, hint, batch, streams, requests, precision, seconds, iterations,
                  float(np.median(lat)), float(np.percentile(lat, 90)), float(np.percentile(lat, 99)),
                  float(lat.min()), float(lat.max()), iterations * batch / seconds)


def measure_latency(compiled: ov.CompiledModel, seconds: float = 10.0, device: str = "CPU", warmup: int = 10,
                    label: str = "latency") -> Result:
    """Synchronous requests one after the other for ``seconds``, after ``warmup`` untimed ones.

    Each request's latency is OpenVINO's own measure (``InferRequest.latency``), without the
    Python around it; throughput is iterations x batch over the whole run.
    """
    request = compiled.create_infer_request()
    request.set_input_tensor(_random_input(compiled))
    for _ in range(warmup):
        request.infer()
    latencies = []
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        request.infer()
        latencies.append(request.latency)
    return _result(label, compiled, device, "latency", latencies, len(latencies), time.perf_counter() - start, 1)


def measure_throughput(compiled: ov.CompiledModel, seconds: float = 10.0, device: str = "CPU",
                       requests: int = 0, label: str = "throughput", hint: str = "throughput") -> Result:
    """Keep ``requests`` (0: the device's optimal number) requests busy for ``seconds``, after
    running each one twice untimed; images per second over the run.

    As benchmark_app does: no callback (a Python callback would hold Python's lock on OpenVINO's
    threads); the loop waits for an idle request, reads its latency and starts it again, with
    its input set once, before timing.
    """
    queue = ov.AsyncInferQueue(compiled, requests)
    tensor = _random_input(compiled)
    for index in range(len(queue)):
        queue[index].set_input_tensor(tensor)
    for _ in range(2 * len(queue)):
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
    return _result(label, compiled, device, hint, latencies, iterations, duration, len(queue))


def naive_loop(compiled: ov.CompiledModel, images: int = 200) -> float:
    """Images per second of the loop people write first: call the compiled model on a numpy
    array, one image after the other, timed around the loop with no warm-up."""
    data = random_images(compiled.input().get_shape()[0])
    start = time.perf_counter()
    for _ in range(images):
        compiled(data)
    return images * data.shape[0] / (time.perf_counter() - start)


def benchmark(xml: Path, device: str = "CPU", hint: str = "throughput", batch: int = 1, seconds: float = 10.0,
              streams: int | None = None, precision: str | None = None, label: str | None = None) -> Result:
    """One run as benchmark_app would do it with the same settings: the latency hint runs one
    synchronous request at a time, the throughput hints keep the optimal number of requests busy."""
    compiled = compile_for_benchmark(xml, device, hint, batch, streams, precision)
    label = label or f"{Path(xml).parent.name} {hint} b{batch}"
    if hint == "latency":
        return measure_latency(compiled, seconds, device, label=label)
    return measure_throughput(compiled, seconds, device, label=label, hint=hint)


# --- benchmark_app --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BenchmarkAppResult:
    throughput: float  # images/s ("FPS")
    latency_median: float  # ms
    latency_min: float
    latency_max: float
    command: str


def benchmark_app_path() -> str:
    """The benchmark_app that ships with the openvino package installed here."""
    candidate = Path(sys.executable).with_name("benchmark_app")
    found = str(candidate) if candidate.is_file() else shutil.which("benchmark_app")
    if not found:
        raise FileNotFoundError("benchmark_app not found: it ships with the openvino package; reinstall it")
    return found


def run_benchmark_app(xml: Path, device: str = "CPU", hint: str = "throughput", batch: int = 1,
                      seconds: float = 10.0, streams: int | None = None, precision: str | None = None) -> BenchmarkAppResult:
    """Run OpenVINO's benchmark_app with the same settings as ``benchmark`` and read its report."""
    command = [benchmark_app_path(), "-m", str(xml), "-d", device, "-hint", hint, "-t", str(max(1, round(seconds)))]
    if hint == "latency":
        command += ["-api", "sync"]  # as helpers.benchmark measures latency: one synchronous request at a time
    if batch != 1:
        command += ["-b", str(batch)]
    if streams is not None:
        command += ["-nstreams", str(streams)]
    if precision is not None:
        command += ["-infer_precision", precision]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120)
    if finished.returncode != 0:
        raise RuntimeError(f"benchmark_app failed (exit {finished.returncode}): "
                           f"{(finished.stderr or finished.stdout).strip()[-1500:]}")
    return parse_benchmark_app_report(finished.stdout, " ".join(command[1:]))


def parse_benchmark_app_report(output: str, command: str = "") -> BenchmarkAppResult:
    """Read throughput and latencies from benchmark_app's printed report."""
    def number(name: str) -> float:
        # benchmark_app prints latencies in ms, or in us when below a millisecond.
        match = re.search(rf"{name}:\s+([\d.]+)\s*(ms|us|FPS)", output)
        if not match:
            raise RuntimeError(f"benchmark_app's report has no {name!r}; it printed:\n{output[-2000:]}")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value

    return BenchmarkAppResult(number("Throughput"), number("Median"), number("Min"), number("Max"), command)


def side_by_side(ours: Result, theirs: BenchmarkAppResult) -> list[dict]:
    """Median latency and throughput from both, and how far ours is from benchmark_app's (%)."""
    rows = []
    for metric, mine, app in (("median latency (ms)", ours.latency_median, theirs.latency_median),
                              ("throughput (img/s)", ours.throughput, theirs.throughput)):
        rows.append({"metric": metric, "helpers.benchmark": round(mine, 2), "benchmark_app": round(app, 2),
                     "difference (%)": round(100 * (mine - app) / app, 1)})
    return rows


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
    return CompileTimes(cold, float(np.median(firsts)), float(np.median(cached)))


# --- the original model in TensorFlow ----------------------------------------------------------------


def benchmark_tensorflow(keras_model, batch: int = 1, seconds: float = 10.0, warmup: int = 5) -> Result:
    """The original model in TensorFlow, as a compiled ``tf.function`` (graph mode, not eager):
    calls one after the other for ``seconds``."""
    import tensorflow as tf

    predict = tf.function(lambda x: keras_model(x, training=False))
    data = tf.constant(random_images(batch))
    for _ in range(warmup):
        predict(data).numpy()
    latencies = []
    start = now = time.perf_counter()
    while now - start < seconds:
        predict(data).numpy()
        end = time.perf_counter()
        latencies.append(1000 * (end - now))
        now = end
    lat = np.asarray(latencies)
    return Result(f"TensorFlow b{batch}", "CPU", "-", batch, 0, 1, "f32", now - start, len(lat),
                  float(np.median(lat)), float(np.percentile(lat, 90)), float(np.percentile(lat, 99)),
                  float(lat.min()), float(lat.max()), len(lat) * batch / (now - start))


# --- command line -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    import pandas as pd

    from helpers.download import DownloadError
    from helpers.weights import WeightsFileError

    parser = argparse.ArgumentParser(prog="python -m helpers.benchmark", description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="an IR .xml (default: the FP32 IR, made if missing)")
    parser.add_argument("--device", default="CPU")
    parser.add_argument("--hint", choices=sorted(HINTS), default="throughput")
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--time", type=float, default=10.0, help="seconds per run (default 10)")
    parser.add_argument("--precision", help="inference precision hint, e.g. f32 or bf16 (default: the device's)")
    parser.add_argument("--no-benchmark-app", action="store_true", help="skip the run of benchmark_app")
    parser.add_argument("--json", type=Path, help="write the results to this file")
    args = parser.parse_args(argv)
    if args.batch < 1 or args.time <= 0:
        parser.error("--batch must be at least 1 and --time positive")
    try:
        xml = args.model
        if xml is None:
            from helpers.prepare import prepare_models
            xml = prepare_models(with_keras=False).irs["FP32"].xml
        elif not Path(xml).is_file():
            raise FileNotFoundError(f"no IR at {xml}; give the path of an .xml, or leave --model out")
        ours = benchmark(xml, args.device, args.hint, args.batch, args.time, precision=args.precision)
    except (DownloadError, WeightsFileError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except RuntimeError as error:  # OpenVINO refused the device or a setting
        print(f"error: OpenVINO could not run {args.device} with these settings ({str(error).strip()[-500:]}). "
              f"Devices here: {', '.join(core().available_devices)}, AUTO.", file=sys.stderr)
        return 1
    print(f"{xml} on {args.device}: {args.hint} hint, batch {args.batch}, {ours.streams} stream(s), "
          f"{ours.requests} request(s), {ours.inference_precision}, {ours.iterations} iterations in {ours.seconds:.1f} s")
    print(pd.DataFrame([ours.row()]).set_index("run").to_string())
    report = {"helpers.benchmark": asdict(ours)}
    if not args.no_benchmark_app:
        try:
            theirs = run_benchmark_app(xml, args.device, args.hint, args.batch, args.time, precision=args.precision)
        except (RuntimeError, subprocess.TimeoutExpired, FileNotFoundError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        print(f"\nbenchmark_app {theirs.command}")
        print(pd.DataFrame(side_by_side(ours, theirs)).set_index("metric").to_string())
        report["benchmark_app"] = asdict(theirs)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
