"""helpers.quantize: INT8 with NNCF on a small calibration subset, reuse by provenance, clear errors, the command's
default recipe, and the recipe's held-out accuracy against FP32's, paired on the same 700 images."""
from dataclasses import replace

import numpy as np
import pytest

from helpers import config
from helpers.cli.quantize import main
from helpers.datasets import read_dataset
from helpers.errors import DatasetError, ModelNotFoundError
from helpers.ir_files import publish_ir, reusable_ir
from helpers.quantize import (
    INT8_RT_INFO_KEY,
    PLAIN,
    RECOMMENDED,
    QuantizationSettings,
    float_weights,
    int8_weights,
    quantization_provenance,
    quantize_ir,
    quantized_op_counts,
    quantized_ops,
    split_calibration,
)
from helpers.runtime import read_model

SMALL = replace(RECOMMENDED, calibration_images=16)


@pytest.fixture(scope="module")
def items():
    folder = config.data_dir(required=False)
    if folder is None:
        pytest.skip("TUTORIAL_DATA is not set: quantization calibrates on real labelled images")
    return read_dataset(folder)


@pytest.fixture(scope="module")
def fp32_xml(prepared_ir):
    return prepared_ir["FP32"].xml


@pytest.fixture(scope="module")
def small_int8(items, fp32_xml, tmp_path_factory):
    """An INT8 IR calibrated on 16 images, in a temporary folder."""
    return quantize_ir(items, SMALL, fp32_xml=fp32_xml, int8_xml=tmp_path_factory.mktemp("int8") / "model.xml")


def test_split_is_fixed_disjoint_and_stated(items):
    calibration, held_out = split_calibration(items, 20, seed=0, evaluation=30)
    again, _ = split_calibration(items, 20, seed=0, evaluation=30)
    other, _ = split_calibration(items, 20, seed=1, evaluation=30)
    assert (len(calibration), len(held_out)) == (20, 30)
    assert calibration == again and calibration != other
    assert not {i.path for i in calibration} & {i.path for i in held_out}


def test_quantized_ir_has_int8_layers_and_provenance(small_int8, fp32_xml):
    assert not small_int8.reused and small_int8.xml.is_file() and small_int8.bin.is_file()
    counts = quantized_op_counts(small_int8.xml)
    assert counts["FakeQuantize"] > 40 and counts["Convolution"] > 10 and counts["GroupConvolution"] > 5
    assert quantized_op_counts(fp32_xml) == {}
    provenance = quantization_provenance(small_int8.xml)
    assert provenance["calibration_images"] == "16" and provenance["activation_ranges"] == "histogram"
    assert len(provenance["fp32_ir_sha256"]) == 64 and len(provenance["calibration_sha256"]) == 64
    assert small_int8.bin.stat().st_size < 0.45 * fp32_xml.with_suffix(".bin").stat().st_size
    # Every quantized weight stays within half a step of its float value.
    before, after = float_weights(fp32_xml), int8_weights(small_int8.xml)
    assert after and set(after) <= set(before)
    for name, values in after.items():
        channels = values.reshape(len(values), -1)
        steps = np.array([np.diff(np.unique(c)).min() if len(np.unique(c)) > 1 else np.inf for c in channels])
        error = np.abs(values - before[name]).reshape(len(values), -1).max(1)
        assert (error <= steps / 2 * 1.001 + 1e-12).all(), name


def test_reused_when_made_from_the_same_ir_images_and_settings(small_int8, items, fp32_xml):
    stamp = small_int8.xml.stat().st_mtime_ns
    again = quantize_ir(items, SMALL, fp32_xml=fp32_xml, int8_xml=small_int8.xml)
    assert again.reused and again.xml.stat().st_mtime_ns == stamp


def test_quantized_again_when_settings_change(small_int8, items, fp32_xml, tmp_path):
    xml = tmp_path / "model.xml"
    for suffix in (".xml", ".bin"):
        xml.with_suffix(suffix).write_bytes(small_int8.xml.with_suffix(suffix).read_bytes())
    other = quantize_ir(items, replace(SMALL, seed=1), fp32_xml=fp32_xml, int8_xml=xml)
    assert not other.reused
    assert quantization_provenance(xml)["seed"] == "1"


def test_quantized_again_when_its_record_holds_a_setting_todays_recipe_lacks(small_int8, items, fp32_xml, tmp_path):
    """An INT8 IR recorded with one setting more than today's (made by an older recipe) is not taken as today's."""
    model = read_model(small_int8.xml)
    model.set_rt_info("0.5", [INT8_RT_INFO_KEY, "retired_setting"])
    xml = publish_ir(model, tmp_path / "model.xml")
    assert reusable_ir(xml, INT8_RT_INFO_KEY, quantization_provenance(small_int8.xml))  # a subset still matches
    again = quantize_ir(items, SMALL, fp32_xml=fp32_xml, int8_xml=xml)
    assert not again.reused and "retired_setting" not in quantization_provenance(xml)


def test_quantized_again_when_the_fp32_ir_changes(small_int8, items, fp32_xml, tmp_path):
    changed = tmp_path / "fp32" / fp32_xml.name
    changed.parent.mkdir()
    changed.write_text(fp32_xml.read_text() + "\n")  # the same model in other bytes: another sha256
    changed.with_suffix(".bin").write_bytes(fp32_xml.with_suffix(".bin").read_bytes())
    xml = tmp_path / "int8" / "model.xml"
    xml.parent.mkdir()
    for suffix in (".xml", ".bin"):
        xml.with_suffix(suffix).write_bytes(small_int8.xml.with_suffix(suffix).read_bytes())
    again = quantize_ir(items, SMALL, fp32_xml=changed, int8_xml=xml)
    assert not again.reused
    assert quantization_provenance(xml)["fp32_ir_sha256"] != quantization_provenance(small_int8.xml)["fp32_ir_sha256"]


def test_missing_fp32_ir_says_how_to_make_it(items, tmp_path):
    with pytest.raises(ModelNotFoundError, match="helpers.prepare"):
        quantize_ir(items, SMALL, fp32_xml=tmp_path / "missing.xml", int8_xml=tmp_path / "int8.xml")


def test_too_few_images_is_a_clear_error(items, fp32_xml, tmp_path):
    with pytest.raises(DatasetError, match="too few for 300 calibration images"):
        quantize_ir(items[:100], RECOMMENDED, fp32_xml=fp32_xml, int8_xml=tmp_path / "int8.xml")
    with pytest.raises(DatasetError, match="at least 8 calibration images"):
        split_calibration(items, 3)
    with pytest.raises(ValueError, match="at least 8"):
        QuantizationSettings(calibration_images=2)


def test_command_line_refuses_bad_arguments_before_working(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--calibration", "2"])
    assert exit_info.value.code == 2 and "--calibration" in capsys.readouterr().err


def test_the_command_quantizes_with_the_default_recipe(models_copy, capsys):
    """``python -m helpers.quantize`` without options uses RECOMMENDED (histogram ranges, full bias correction),
    and ``--plain`` NNCF's defaults: read back from what each wrote into the INT8 IR."""
    from helpers.convert import ir_path

    folder = str(config.data_dir(required=False) or pytest.skip("TUTORIAL_DATA is not set"))
    assert main([folder, "--calibration", "16"]) == 0
    written = quantization_provenance(ir_path("INT8"))
    assert written.items() >= replace(RECOMMENDED, calibration_images=16).as_rt_info().items()
    assert (written["activation_ranges"], written["fast_bias_correction"]) == ("histogram", "False")
    assert main([folder, "--calibration", "16", "--plain"]) == 0
    plain = replace(PLAIN, calibration_images=16).as_rt_info()
    assert quantization_provenance(ir_path("INT8")).items() >= plain.items()
    assert "wrote" in capsys.readouterr().out


def test_default_recipe_keeps_held_out_top1_close_to_fp32(items, fp32_xml, tmp_path):
    """The default recipe on 300 calibration images, against FP32 on the 700 other images of the sample, paired: the
    loss stays under 1.5 points and no loss is distinguishable. Measured on an AMD EPYC (AVX-512 VNNI, no AMX):
    -0.29 points on this split (seed 0), -0.86 and +1.00 on seeds 1 and 2. Lesson 06 asserts the same bound on the same
    images and prints whether its half-point goal was met; the bound keeps a margin for other CPUs and splits."""
    from helpers.evaluate import evaluate_ir
    from helpers.paired import compare_paired

    result = quantize_ir(items, RECOMMENDED, fp32_xml=fp32_xml, int8_xml=tmp_path / "int8.xml")
    assert len(quantized_ops(result.xml)) > 40  # every layer in INT8: nothing left in float to win accuracy back
    fp32 = evaluate_ir(result.held_out, fp32_xml, precision="f32", measure_rates=False, progress=False)
    int8 = evaluate_ir(result.held_out, result.xml, precision="f32", measure_rates=False, progress=False)
    paired = compare_paired(fp32.hits(1), int8.hits(1))
    assert len(result.held_out) >= 500 and paired.difference >= -0.015, paired.describe("FP32", "INT8")
    assert not (paired.distinguishable and paired.difference < 0), paired.describe("FP32", "INT8")
    assert np.mean(fp32.probabilities.argmax(1) == int8.probabilities.argmax(1)) > 0.9
