"""helpers.benchmark.app: benchmark_app's report file, the alternated pairs and their statistics."""
import json

import pytest

from helpers.benchmark import Result
from helpers.benchmark.app import (
    BenchmarkAppResult,
    Pair,
    benchmark_app_arguments,
    input_type_ratios,
    pairs_table,
    ratio_summary,
    ratios_by_metric,
    read_benchmark_app_report,
    run_benchmark_app,
)
from helpers.cli.benchmark import main
from helpers.errors import BenchmarkAppError

# What benchmark_app 2026.x writes with -report_type no_counters -report_folder DIR -json_stats.
RECORDED_REPORT = {
    "cmd_options": {"-m": "model.xml", "-hint": "throughput", "-t": "2", "-report_type": "no_counters",
                    "-report_folder": "out", "-json_stats": ""},
    "configuration_setup": {"topology": "Model1", "target device": "CPU", "API": "async", "inference_only": True,
                            "precision": "UNSPECIFIED", "batch size": "1", "number of iterations": "None",
                            "number of parallel infer requests": "2", "duration (ms)": "2000"},
    "execution_results": {"read model time (ms)": "7.76", "compile model time (ms)": "203.75",
                          "first inference time (ms)": "4.13", "total execution time (ms)": "2002.09",
                          "total number of iterations": "2166", "latency (ms)": "1.34", "avg latency": "1.74",
                          "min latency": "1.05", "max latency": "10.25", "throughput": "1081.87"},
}


def result(throughput: float, latency: float) -> Result:
    return Result(label="x", device="CPU", hint="throughput", batch=1, streams=2, threads=2, requests=2,
                  inference_precision="bf16", input_type="u8", seconds=1.0, iterations=100, latency_median=latency,
                  latency_p90=latency, latency_p99=latency, latency_min=latency, latency_max=latency,
                  throughput=throughput)


def app(throughput: float, latency: float) -> BenchmarkAppResult:
    return BenchmarkAppResult(throughput=throughput, latency_median=latency, latency_average=latency,
                              latency_min=latency, latency_max=latency, iterations=100, duration_ms=1000.0, requests=2,
                              api="async", command="-d CPU")


def test_recorded_report_is_read(tmp_path):
    (tmp_path / "benchmark_report.json").write_text(json.dumps(RECORDED_REPORT))
    report = read_benchmark_app_report(tmp_path)
    assert report.throughput == pytest.approx(1081.87) and report.latency_median == pytest.approx(1.34)
    assert (report.latency_min, report.latency_max, report.latency_average) == pytest.approx((1.05, 10.25, 1.74))
    assert (report.iterations, report.requests, report.api) == (2166, 2, "async")
    assert report.duration_ms == pytest.approx(2002.09)
    assert "-hint throughput" in report.command


def test_a_failed_or_incomplete_report_says_so(tmp_path):
    with pytest.raises(BenchmarkAppError, match="wrote no report"):
        read_benchmark_app_report(tmp_path)
    failed = {**RECORDED_REPORT, "execution_results": {"error": "Device with 'GPU' name is not registered"}}
    (tmp_path / "benchmark_report.json").write_text(json.dumps(failed))
    with pytest.raises(BenchmarkAppError, match="not registered"):
        read_benchmark_app_report(tmp_path)
    partial = {**RECORDED_REPORT, "execution_results": {"throughput": "10"}}
    (tmp_path / "benchmark_report.json").write_text(json.dumps(partial))
    with pytest.raises(BenchmarkAppError, match="has no 'latency \\(ms\\)'"):
        read_benchmark_app_report(tmp_path)


def test_benchmark_app_gets_the_helpers_settings():
    arguments = " ".join(benchmark_app_arguments("m.xml", "CPU", "latency", batch=2, seconds=2.6, precision="f32",
                                                 input_type="f32"))
    assert arguments == "-m m.xml -d CPU -hint latency -t 3 -b 2 -infer_precision f32 -ip f32"
    assert "-ip" not in benchmark_app_arguments("m.xml", input_type="u8")  # u8 is benchmark_app's own default


def test_a_real_benchmark_app_run_is_read_from_its_report(prepared_ir):
    report = run_benchmark_app(prepared_ir["FP32"].xml, hint="latency", batch=2, seconds=1, precision="f32",
                               input_type="f32")
    assert report.throughput > 0 and report.latency_min <= report.latency_median <= report.latency_max
    assert report.api == "sync" and report.requests == 1 and report.iterations > 0
    assert "-hint latency" in report.command and "-b 2" in report.command and "-ip f32" in report.command


def test_ratio_statistics():
    summary = ratio_summary([1.10, 0.90, 1.02, 1.30])
    assert summary == {"median": pytest.approx(1.06), "lowest": 0.90, "highest": 1.30, "pairs": 4}
    with pytest.raises(ValueError, match="positive finite"):
        ratio_summary([])
    with pytest.raises(ValueError, match="positive finite"):
        ratio_summary([1.0, float("nan")])


def test_pairs_and_ratios_by_metric():
    pairs = [Pair(result(110, 2.0), app(100, 2.0)), Pair(result(95, 1.8), app(100, 2.0)),
             Pair(result(100, 2.4), app(100, 2.0))]
    rows = pairs_table(pairs)
    assert [r["throughput ratio"] for r in rows] == [1.1, 0.95, 1.0]
    assert [r["latency ratio"] for r in rows] == [1.0, 0.9, 1.2]
    summary = {row["metric"]: row for row in ratios_by_metric(pairs)}
    assert summary["throughput"]["median ratio"] == 1.0 and summary["throughput"]["lowest"] == 0.95
    assert summary["median latency"]["median ratio"] == 1.0 and summary["median latency"]["highest"] == 1.2
    assert summary["fastest inference"]["median ratio"] == 1.0 and rows[1]["fastest ratio"] == 0.9


def test_input_type_ratios_pair_runs_by_repeat():
    runs = {1: ((110, 0.80), (100, 0.88), (120, 0.84), (100, 0.93)),
            2: ((105, 0.82), (100, 0.90), (90, 0.85), (100, 0.85))}
    rows = [{"repeat": r, "tool": tool, "input": kind, "throughput (img/s)": value, "median latency (ms)": 1.0,
             "fastest inference (ms)": fastest}
            for r, values in runs.items()
            for tool, kind, (value, fastest) in zip(("helpers.benchmark", "helpers.benchmark", "benchmark_app",
                                                     "benchmark_app"), ("f32", "u8", "f32", "u8"), values,
                                                    strict=True)]
    summary = {row["tool"]: row for row in input_type_ratios(rows)}
    assert summary["helpers.benchmark"]["f32 / u8 throughput, median"] == pytest.approx(1.075)
    fastest = summary["helpers.benchmark"]["u8 / f32 fastest inference, median"]
    assert fastest == pytest.approx((1.1 + 0.9 / 0.82) / 2, abs=1e-3)
    assert summary["benchmark_app"]["throughput spread"] == "0.900 to 1.200" and summary["benchmark_app"]["pairs"] == 2
    assert summary["benchmark_app"]["fastest spread"] == "1.000 to 1.107"


def test_command_line_alternates_both_tools(prepared_ir, tmp_path, capsys):
    report = tmp_path / "bench.json"
    assert main(["--model", str(prepared_ir["FP32"].xml), "--hint", "latency", "--time", "1", "--pairs", "2",
                 "--json", str(report)]) == 0
    out = capsys.readouterr().out
    assert "benchmark_app -d CPU -hint latency -t 1" in out and "median ratio" in out and "throughput ratio" in out
    data = json.loads(report.read_text())
    assert len(data["helpers.benchmark"]) == 2 and len(data["benchmark_app"]) == 2
    assert data["benchmark_app"][0]["api"] == "sync" and data["agreement"][0]["pairs"] == 2
