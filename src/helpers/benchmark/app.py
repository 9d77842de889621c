"""``helpers.benchmark``'s measurements checked against OpenVINO's ``benchmark_app``: run it, read its report file,
alternate the two tools, and summarise how far apart they are.

benchmark_app's numbers are read from the report it writes (``-report_type no_counters
-report_folder DIR -json_stats`` gives ``DIR/benchmark_report.json``), never from its log.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from helpers.benchmark.measure import DEFAULT_INPUT_TYPE, Measured, Result, benchmark
from helpers.errors import BenchmarkAppError

REPORT_FILE = "benchmark_report.json"


@dataclass(frozen=True, kw_only=True)
class BenchmarkAppResult(Measured):
    """What benchmark_app's report says: ``Measured``'s numbers (its throughput is "FPS"), and its
    mean latency (ms), duration, API (sync or async) and command line."""

    latency_average: float
    duration_ms: float
    api: str
    command: str


def benchmark_app_path() -> str:
    """The benchmark_app that ships with the openvino package installed here."""
    # Beside this Python first (bin/benchmark_app, or Scripts\\benchmark_app.exe: which() adds .exe on Windows).
    found = shutil.which("benchmark_app", path=str(Path(sys.executable).parent)) or shutil.which("benchmark_app")
    if not found:
        raise BenchmarkAppError("benchmark_app not found: it ships with the openvino package; reinstall it "
                                "(pip install openvino) in this environment")
    return found


def benchmark_app_arguments(xml: Path | str, device: str = "CPU", hint: str = "throughput", batch: int = 1,
                            seconds: float = 10.0, precision: str | None = None,
                            input_type: str = DEFAULT_INPUT_TYPE) -> list[str]:
    """benchmark_app's arguments for the settings ``helpers.benchmark.benchmark`` takes.

    benchmark_app picks the synchronous API for the latency hint and feeds image inputs u8 by
    itself; ``-ip f32`` is added only when the helper feeds f32.
    """
    arguments = ["-m", str(xml), "-d", device, "-hint", hint, "-t", str(max(1, round(seconds)))]
    if batch != 1:
        arguments += ["-b", str(batch)]
    if precision is not None:
        arguments += ["-infer_precision", precision]
    if input_type != "u8":
        arguments += ["-ip", input_type]
    return arguments


def read_benchmark_app_report(path: Path | str, command: str = "") -> BenchmarkAppResult:
    """Read benchmark_app's JSON report (``benchmark_report.json``, or the folder holding it)."""
    path = Path(path)
    path = path / REPORT_FILE if path.is_dir() or not path.suffix else path
    if not path.is_file():
        raise BenchmarkAppError(f"benchmark_app wrote no report at {path}: create the folder {path.parent}, then run "
                                f"benchmark_app with -report_type no_counters -report_folder {path.parent} -json_stats")
    report = json.loads(path.read_text())
    results, setup = report.get("execution_results", {}), report.get("configuration_setup", {})
    if "error" in results:
        raise BenchmarkAppError(f"benchmark_app failed: {results['error']}")
    try:
        return BenchmarkAppResult(
            throughput=float(results["throughput"]), latency_median=float(results["latency (ms)"]),
            latency_average=float(results["avg latency"]), latency_min=float(results["min latency"]),
            latency_max=float(results["max latency"]), iterations=int(results["total number of iterations"]),
            duration_ms=float(results["total execution time (ms)"]),
            requests=int(setup["number of parallel infer requests"]), api=str(setup["API"]),
            command=command or " ".join(f"{k} {v}".strip() for k, v in report.get("cmd_options", {}).items()))
    except KeyError as missing:
        raise BenchmarkAppError(f"benchmark_app's report {path.name} has no {missing}; it holds "
                                f"{sorted(results)} and {sorted(setup)}") from missing


def run_benchmark_app(xml: Path | str, device: str = "CPU", hint: str = "throughput", batch: int = 1,
                      seconds: float = 10.0, precision: str | None = None,
                      input_type: str = DEFAULT_INPUT_TYPE) -> BenchmarkAppResult:
    """Run benchmark_app with the same settings as ``helpers.benchmark.benchmark`` and read its report."""
    arguments = benchmark_app_arguments(xml, device, hint, batch, seconds, precision, input_type)
    with tempfile.TemporaryDirectory(prefix="benchmark_app-") as folder:
        finished = subprocess.run([benchmark_app_path(), *arguments, "-report_type", "no_counters",
                                   "-report_folder", folder, "-json_stats"],
                                  capture_output=True, text=True, timeout=seconds + 180)
        shown = " ".join(arguments[2:])  # without the model path, which is printed elsewhere
        if finished.returncode != 0 and not (Path(folder) / REPORT_FILE).is_file():
            raise BenchmarkAppError(f"benchmark_app failed (exit {finished.returncode}): "
                                    f"{(finished.stderr or finished.stdout).strip()[-1500:]}")
        return read_benchmark_app_report(folder, shown)


# --- alternated pairs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    """One helper run followed by one benchmark_app run with the same settings."""

    ours: Result
    app: BenchmarkAppResult

    @property
    def throughput_ratio(self) -> float:
        return self.ours.throughput / self.app.throughput

    @property
    def latency_ratio(self) -> float:
        return self.ours.latency_median / self.app.latency_median

    @property
    def fastest_ratio(self) -> float:
        """Ratio of the fastest inferences: the least disturbed by other programs on a shared machine."""
        return self.ours.latency_min / self.app.latency_min


def ratio_summary(ratios) -> dict:
    """Median of paired ratios and their spread (lowest, highest), with the count."""
    values = np.asarray(list(ratios), dtype=float)
    if values.size == 0 or not np.all(np.isfinite(values)) or np.any(values <= 0):
        raise ValueError(f"ratios must be positive finite numbers, got {values.tolist()}")
    return {"median": float(np.median(values)), "lowest": float(values.min()), "highest": float(values.max()),
            "pairs": int(values.size)}


def compare_with_benchmark_app(xml: Path | str, device: str = "CPU", hint: str = "throughput", batch: int = 1,
                               seconds: float = 10.0, pairs: int = 3, precision: str | None = None,
                               input_type: str = DEFAULT_INPUT_TYPE) -> list[Pair]:
    """Alternate the helper and benchmark_app (A B A B ...) ``pairs`` times with the same IR,
    device, hint, batch, precision, input type and duration: a disturbance on a shared machine
    then hits one pair, not one tool."""
    seconds = max(1, round(seconds))  # benchmark_app takes whole seconds
    return [Pair(benchmark(xml, device, hint, batch, seconds, precision=precision, input_type=input_type,
                           label=f"pair {index + 1}"),
                 run_benchmark_app(xml, device, hint, batch, seconds, precision, input_type))
            for index in range(pairs)]


def pairs_table(pairs: list[Pair]) -> list[dict]:
    """One row per pair: both tools' throughput and median latency, and their ratios."""
    return [{"pair": index + 1, "helper (img/s)": round(p.ours.throughput, 1),
             "benchmark_app (img/s)": round(p.app.throughput, 1), "throughput ratio": round(p.throughput_ratio, 3),
             "helper latency (ms)": round(p.ours.latency_median, 3),
             "benchmark_app latency (ms)": round(p.app.latency_median, 3), "latency ratio": round(p.latency_ratio, 3),
             "fastest ratio": round(p.fastest_ratio, 3)}
            for index, p in enumerate(pairs)]


def ratios_by_metric(pairs: list[Pair]) -> list[dict]:
    """Median helper / benchmark_app ratio and its spread over the pairs, for throughput, median
    latency and the fastest inference."""
    rows = []
    for metric, ratios in (("throughput", [p.throughput_ratio for p in pairs]),
                           ("median latency", [p.latency_ratio for p in pairs]),
                           ("fastest inference", [p.fastest_ratio for p in pairs])):
        summary = ratio_summary(ratios)
        rows.append({"metric": metric, "median ratio": round(summary["median"], 3),
                     "lowest": round(summary["lowest"], 3), "highest": round(summary["highest"], 3),
                     "pairs": summary["pairs"]})
    return rows


# --- why they disagreed: the input type -------------------------------------------------------------


def input_type_experiment(xml: Path | str, device: str = "CPU", hint: str = "throughput", seconds: float = 2.0,
                          pairs: int = 3, precision: str | None = None) -> list[dict]:
    """One change at a time: each tool fed f32 (the IR's input) and u8 (benchmark_app's default),
    alternated in the order helper f32, benchmark_app u8, helper u8, benchmark_app f32, ``pairs``
    times. One row per run: tool, input, throughput, median and fastest inference (ms), and the
    repeat it belongs to. On a shared machine the fastest inference of a run is the least disturbed
    one, so it shows the extra work most steadily."""
    rows = []
    for repeat in range(pairs):
        for tool, input_type in (("helpers.benchmark", "f32"), ("benchmark_app", "u8"),
                                 ("helpers.benchmark", "u8"), ("benchmark_app", "f32")):
            if tool == "benchmark_app":
                run = run_benchmark_app(xml, device, hint, 1, seconds, precision, input_type)
            else:
                run = benchmark(xml, device, hint, 1, max(1, round(seconds)), precision=precision,
                                input_type=input_type)
            rows.append({"repeat": repeat + 1, "tool": tool, "input": input_type,
                         "throughput (img/s)": run.throughput, "median latency (ms)": run.latency_median,
                         "fastest inference (ms)": run.latency_min})
    return rows


def input_type_ratios(rows: list[dict]) -> list[dict]:
    """From ``input_type_experiment``'s rows, for each tool: the repeat-by-repeat ratios f32 / u8 of
    throughput and u8 / f32 of the fastest inference (both above 1 when u8 input costs extra work),
    summarised by their median and spread."""
    summary = []
    for tool in ("helpers.benchmark", "benchmark_app"):
        by_repeat: dict[int, dict[str, dict]] = {}
        for row in rows:
            if row["tool"] == tool:
                by_repeat.setdefault(row["repeat"], {})[row["input"]] = row
        throughput = ratio_summary(r["f32"]["throughput (img/s)"] / r["u8"]["throughput (img/s)"]
                                   for r in by_repeat.values())
        fastest = ratio_summary(r["u8"]["fastest inference (ms)"] / r["f32"]["fastest inference (ms)"]
                                for r in by_repeat.values())
        summary.append({"tool": tool, "f32 / u8 throughput, median": round(throughput["median"], 3),
                        "throughput spread": f"{throughput['lowest']:.3f} to {throughput['highest']:.3f}",
                        "u8 / f32 fastest inference, median": round(fastest["median"], 3),
                        "fastest spread": f"{fastest['lowest']:.3f} to {fastest['highest']:.3f}",
                        "pairs": throughput["pairs"]})
    return summary
