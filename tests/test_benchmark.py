"""The benchmark helper's mechanics (timing goals live in Lesson 05 and the command line, not here)."""
import json

import pytest

from helpers.benchmark import (
    BenchmarkAppResult, Result, benchmark, benchmark_tensorflow, compile_for_benchmark, compile_times, main,
    measure_latency, measure_throughput, naive_loop, parse_benchmark_app_report, run_benchmark_app, side_by_side,
)

SHORT = 0.3  # seconds per run: enough to exercise every path


def check_consistent(result: Result):
    assert result.iterations > 0 and result.seconds > 0
    assert result.latency_min <= result.latency_median <= result.latency_p90 <= result.latency_p99 <= result.latency_max
    assert result.throughput == pytest.approx(result.iterations * result.batch / result.seconds)


def test_latency_runs_one_synchronous_request(prepared_ir):
    compiled = compile_for_benchmark(prepared_ir["FP32"].xml, hint="latency", precision="f32")
    result = measure_latency(compiled, SHORT)
    check_consistent(result)
    assert (result.requests, result.batch, result.hint, result.inference_precision) == (1, 1, "latency", "f32")


def test_throughput_keeps_the_optimal_number_of_requests_busy(prepared_ir):
    compiled = compile_for_benchmark(prepared_ir["FP32"].xml, hint="throughput", batch=2, streams=2)
    result = measure_throughput(compiled, SHORT)
    check_consistent(result)
    assert result.batch == 2 and result.streams == 2
    assert result.requests == compiled.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS")
    assert result.iterations % result.requests == 0


def test_auto_device_with_cumulative_throughput(prepared_ir):
    result = benchmark(prepared_ir["FP16"].xml, device="AUTO", hint="cumulative_throughput", seconds=SHORT)
    check_consistent(result)
    assert result.device == "AUTO" and result.hint == "cumulative_throughput"


def test_naive_loop_and_tensorflow_give_rates(prepared_ir, keras_model):
    assert naive_loop(compile_for_benchmark(prepared_ir["FP32"].xml, hint="latency"), images=5) > 0
    check_consistent(benchmark_tensorflow(keras_model, batch=2, seconds=SHORT, warmup=1))


def test_benchmark_app_runs_with_the_same_settings_and_is_read(prepared_ir):
    app = run_benchmark_app(prepared_ir["FP32"].xml, hint="latency", batch=2, seconds=1, precision="f32")
    assert app.throughput > 0 and app.latency_min <= app.latency_median <= app.latency_max
    assert "-hint latency" in app.command and "-b 2" in app.command and "-api sync" in app.command
    assert "-infer_precision f32" in app.command


def test_side_by_side_reports_the_difference():
    ours = Result("x", "CPU", "latency", 1, 1, 1, "f32", 1.0, 100, 2.2, 3, 4, 1, 5, 110.0)
    rows = side_by_side(ours, BenchmarkAppResult(100.0, 2.0, 1.0, 5.0, "benchmark_app ..."))
    assert rows[0]["difference (%)"] == pytest.approx(10.0) and rows[1]["difference (%)"] == pytest.approx(10.0)


def test_compile_times_cold_and_cached(prepared_ir):
    times = compile_times(prepared_ir["FP32"].xml, repeats=1)
    assert times.cold_ms > 0 and times.first_with_cache_ms > 0 and times.cached_ms > 0
    assert times.speedup == pytest.approx(times.cold_ms / times.cached_ms)


def test_command_line_shows_both_side_by_side(prepared_ir, tmp_path, capsys):
    report = tmp_path / "bench.json"
    assert main(["--hint", "latency", "--time", "1", "--json", str(report)]) == 0
    out = capsys.readouterr().out
    assert "helpers.benchmark" in out and "benchmark_app" in out and "difference (%)" in out
    assert "median latency (ms)" in out and "throughput (img/s)" in out
    data = json.loads(report.read_text())
    assert data["helpers.benchmark"]["hint"] == "latency" and data["benchmark_app"]["throughput"] > 0


def test_command_line_errors(tmp_path, capsys):
    assert main(["--model", str(tmp_path / "missing.xml"), "--time", "1"]) == 1
    assert "no IR at" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--batch", "0"])


def test_benchmark_app_report_in_ms_or_us():
    report = """[ INFO ] Latency:
[ INFO ]    Median:        981.43 us
[ INFO ]    Average:       995.83 us
[ INFO ]    Min:           872.37 us
[ INFO ]    Max:           4.50 ms
[ INFO ] Throughput:   962.68 FPS"""
    app = parse_benchmark_app_report(report)
    assert app.latency_median == pytest.approx(0.98143) and app.latency_max == pytest.approx(4.5)
    assert app.throughput == pytest.approx(962.68)
    with pytest.raises(RuntimeError, match="no 'Throughput'"):
        parse_benchmark_app_report("[ ERROR ] Model not found")
