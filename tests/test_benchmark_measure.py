"""helpers.benchmark.measure's mechanics and the command line over it (timing goals live in Lesson 05, not here)."""
import json
import shutil
import socket

import numpy as np
import pytest

from helpers.benchmark.measure import (
    OV_TIMING,
    WALL_TIMING,
    Result,
    benchmark,
    benchmark_openvino_calls,
    benchmark_tensorflow,
    compile_for_benchmark,
    compile_times,
    measure_latency,
    measure_throughput,
    random_inputs,
)
from helpers.cli.benchmark import main
from helpers.errors import CompileError, NotAnIRError

SHORT = 0.3  # seconds per run: enough to exercise every path


def check_consistent(result: Result):
    assert result.iterations > 0 and result.seconds > 0
    assert result.latency_min <= result.latency_median <= result.latency_p90 <= result.latency_p99 <= result.latency_max
    assert result.throughput == pytest.approx(result.iterations * result.batch / result.seconds)
    assert result.latency_per_image == pytest.approx(result.latency_median / result.batch)


def test_latency_runs_one_synchronous_request(prepared_ir):
    compiled = compile_for_benchmark(prepared_ir["FP32"].xml, hint="latency", precision="f32", input_type="f32")
    result = measure_latency(compiled, SHORT)
    check_consistent(result)
    assert (result.requests, result.batch, result.hint, result.inference_precision, result.input_type) == (
        1, 1, "latency", "f32", "f32")
    assert result.timing == OV_TIMING and result.threads >= 1


def test_throughput_keeps_the_optimal_number_of_requests_busy(prepared_ir):
    compiled = compile_for_benchmark(prepared_ir["FP32"].xml, hint="throughput", batch=2, streams=2, threads=2)
    result = measure_throughput(compiled, SHORT)
    check_consistent(result)
    assert result.batch == 2 and result.streams == 2 and result.threads == 2
    assert result.input_type == "u8"  # benchmark_app's default for an image input
    assert result.requests == compiled.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS")
    assert result.iterations % result.requests == 0


def test_u8_input_is_converted_inside_the_model_and_gives_the_same_answer(prepared_ir):
    xml = prepared_ir["FP32"].xml
    as_u8 = compile_for_benchmark(xml, hint="latency", precision="f32", input_type="u8")
    as_f32 = compile_for_benchmark(xml, hint="latency", precision="f32", input_type="f32")
    pixels = random_inputs(as_u8, 1)[0]
    assert pixels.dtype == np.uint8 and pixels.shape == (1, 224, 224, 3)
    np.testing.assert_allclose(as_u8(pixels)[0], as_f32(pixels.astype(np.float32))[0], atol=1e-5)


def test_each_request_gets_its_own_input(prepared_ir):
    compiled = compile_for_benchmark(prepared_ir["FP32"].xml, hint="throughput")
    first, second = random_inputs(compiled, 2)
    assert not np.array_equal(first, second)
    assert first.min() >= 0 and first.max() <= 255


def test_auto_device_with_cumulative_throughput(prepared_ir):
    result = benchmark(prepared_ir["FP16"].xml, device="AUTO", hint="cumulative_throughput", seconds=SHORT)
    check_consistent(result)
    assert result.device == "AUTO" and result.hint == "cumulative_throughput"


def test_tensorflow_and_openvino_timed_at_the_same_boundary(prepared_ir, keras_model):
    tf_run = benchmark_tensorflow(keras_model, batch=2, seconds=SHORT, warmup=1)
    ov_run = benchmark_openvino_calls(prepared_ir["FP32"].xml, batch=2, seconds=SHORT, precision="f32")
    for run in (tf_run, ov_run):
        check_consistent(run)
        assert run.timing == WALL_TIMING and run.batch == 2 and run.input_type == "f32"
    assert ov_run.inference_precision == "f32" and tf_run.inference_precision == "f32"


def test_compile_times_cold_and_cached(prepared_ir):
    times = compile_times(prepared_ir["FP32"].xml, repeats=1)
    assert times.cold_ms > 0 and times.first_with_cache_ms > 0 and times.cached_ms > 0
    assert times.speedup == pytest.approx(times.cold_ms / times.cached_ms)


def test_a_file_that_is_not_an_ir_is_named(tmp_path, weights, capsys):
    keras_file = tmp_path / "model.h5"
    keras_file.write_bytes(b"not an IR")
    with pytest.raises(NotAnIRError, match="model.h5 is not an OpenVINO IR"):
        compile_for_benchmark(keras_file)
    assert main(["--model", str(keras_file), "--time", "1", "--no-benchmark-app"]) == 1
    err = capsys.readouterr().err
    assert "is not an OpenVINO IR" in err and "could not run" not in err
    broken = tmp_path / "broken.xml"
    broken.write_text("<net>")
    broken.with_suffix(".bin").write_bytes(b"")
    with pytest.raises(NotAnIRError, match="cannot be read as an OpenVINO IR"):
        compile_for_benchmark(broken)
    assert main(["--model", str(tmp_path / "missing.xml"), "--time", "1"]) == 1
    assert "no file at" in capsys.readouterr().err


def test_a_device_that_cannot_load_names_the_missing_piece(prepared_ir, capsys):
    with pytest.raises(CompileError, match="NOSUCHDEVICE"):
        compile_for_benchmark(prepared_ir["FP32"].xml, device="NOSUCHDEVICE")
    assert main(["--model", str(prepared_ir["FP32"].xml), "--device", "NOSUCHDEVICE", "--time", "1",
                 "--no-benchmark-app"]) == 1
    assert "no device of that name" in capsys.readouterr().err


def test_command_line_uses_the_ir_already_there_offline(prepared_ir, tmp_path, monkeypatch, capsys):
    """MOBILENET_WEIGHTS unset, no network, an IR in the models folder: the IR is used as it is and
    its provenance says which weights it was made from."""
    target = tmp_path / "public" / prepared_ir["FP32"].xml.parent.parent.name / "FP32"
    target.mkdir(parents=True)
    for source in (prepared_ir["FP32"].xml, prepared_ir["FP32"].bin):
        shutil.copy(source, target / source.name)
    monkeypatch.setenv("TUTORIAL_MODELS", str(tmp_path))
    monkeypatch.delenv("MOBILENET_WEIGHTS", raising=False)

    def no_network(*args, **kwargs):
        raise AssertionError("the benchmark tried to reach the network with the IR already there")
    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr("helpers.prepare.prepare_models", no_network)
    report = tmp_path / "bench.json"
    assert main(["--time", "1", "--no-benchmark-app", "--json", str(report)]) == 0
    out = capsys.readouterr().out
    assert "already in the models folder" in out and prepared_ir["FP32"].xml.name in out
    from helpers.convert import ir_provenance
    assert ir_provenance(target / prepared_ir["FP32"].xml.name)["weights_file"] in out
    run = json.loads(report.read_text())["helpers.benchmark"][0]
    assert run["hint"] == "throughput" and run["input_type"] == "u8" and run["throughput"] > 0
