import json

import numpy as np
import pytest

from helpers import config
from helpers.card_check import PARITY_TOLERANCE
from helpers.cli.evaluate import main
from helpers.datasets import LabeledImage, read_synset_named_folder
from helpers.demo_photos import demo_photo
from helpers.evaluate import Evaluation, Rates, agreement, evaluate_ir, evaluate_keras
from helpers.metrics import wilson_interval
from helpers.model_card import imagenet_classes
from tests.support import assert_same_top1_except_near_ties


def test_wilson_interval_known_values():
    low, high = wilson_interval(50, 100)
    assert low == pytest.approx(0.4038, abs=1e-4) and high == pytest.approx(0.5962, abs=1e-4)
    assert wilson_interval(0, 10)[0] == pytest.approx(0.0) and wilson_interval(10, 10)[1] == pytest.approx(1.0)
    assert wilson_interval(0, 0) == (0.0, 1.0)
    low, high = wilson_interval(762, 1000)
    assert low < 0.762 < high and high - low < 0.06
    # One standard error instead of 1.96: about 68 % confidence, a narrower interval.
    assert wilson_interval(50, 100, confidence_z=1.0) == pytest.approx((0.45025, 0.54975), abs=1e-5)


def test_rates_limit_is_every_core_busy():
    # Decoding alone at 1100 img/s and inference alone at 1300 img/s, sharing the same cores:
    # 1/1100 + 1/1300 seconds per image at best, that is 595.8 img/s.
    rates = Rates(decode=1100, inference=1300, pipeline=540)
    assert rates.limit == pytest.approx(595.83, abs=0.01)
    assert rates.share_of_limit == pytest.approx(0.9063, abs=1e-4)


def test_row_formats_the_cells_the_lessons_show():
    probabilities = np.full((4, 1000), 1e-3, np.float32)
    probabilities[[0, 1, 2, 3], [7, 7, 9, 7]] = 0.9  # three of four right
    evaluation = Evaluation(model="FP32 (f32)", inference_precision="f32", protocol="omz", labels=np.array([7] * 4),
                            probabilities=probabilities, failures={}, seconds=1.0)
    s = evaluation.summary()
    interval = f"{s['top1_ci95'][0]:.1f} to {s['top1_ci95'][1]:.1f}"
    assert evaluation.row() == {"model": "FP32 (f32)", "images": 4, "top-1 (%)": 75.0, "top-1 95 % interval": interval,
                                "top-5 (%)": s["top5"],
                                "top-5 95 % interval": f"{s['top5_ci95'][0]:.1f} to {s['top5_ci95'][1]:.1f}"}
    detailed = evaluation.row("FP32 IR, f32", name_column="run", details=True)
    assert list(detailed) == ["run", "computes in", "images", "failed", "top-1 (%)", "top-1 95 % interval",
                              "top-5 (%)", "top-5 95 % interval"]
    assert detailed["run"] == "FP32 IR, f32" and detailed["computes in"] == "f32" and detailed["failed"] == 0


def test_unreadable_images_stay_in_the_denominator(tiny_dataset, prepared_ir, keras_model):
    items = read_synset_named_folder(tiny_dataset)
    for evaluation in (evaluate_ir(items, prepared_ir["FP32"].xml, progress=False),
                       evaluate_keras(items, keras_model, progress=False)):
        assert evaluation.images == 4 and len(evaluation.failures) == 1
        assert "broken.JPEG" in next(iter(evaluation.failures))
        assert evaluation.accuracy(5) <= 0.75  # at most the three good photos right, out of four
        summary = evaluation.summary()
        assert summary["images"] == 4 and summary["failed"] == 1
        assert summary["top1_ci95"][0] <= summary["top1"] <= summary["top1_ci95"][1]


def test_original_and_converted_agree_on_the_sample(sample_images, prepared_ir, keras_model):
    original = evaluate_keras(sample_images, keras_model, progress=False)
    converted = evaluate_ir(sample_images, prepared_ir["FP32"].xml, precision="f32", progress=False)
    same = agreement(original, converted)
    assert same.images == len(sample_images) and same.max_abs_diff < PARITY_TOLERANCE
    # In f32 the two differ in the last bits only: a top-1 class may change only where the two best
    # classes are that close, and each such image moves the accuracy by at most one image.
    flips = assert_same_top1_except_near_ties(original.probabilities, converted.probabilities, PARITY_TOLERANCE)
    assert flips == len(same.disagreeing) and same.same_top1 == pytest.approx(1 - flips / same.images)
    assert abs(original.accuracy(1) - converted.accuracy(1)) <= flips / same.images
    assert converted.rates is not None and converted.rates.pipeline > 0 and converted.rates.limit > 0


def test_results_are_in_input_order(prepared_ir):
    photos = [demo_photo(n).path for n in ("grace_hopper", "chelsea", "coffee")]
    items = [LabeledImage(p, 0) for p in photos]
    forward = evaluate_ir(items, prepared_ir["FP32"].xml, measure_rates=False, progress=False)
    backward = evaluate_ir(items[::-1], prepared_ir["FP32"].xml, measure_rates=False, progress=False)
    np.testing.assert_allclose(forward.probabilities, backward.probabilities[::-1], atol=1e-6)


def test_command_line_prints_and_writes_json(tiny_dataset, prepared_ir, tmp_path, capsys):
    report = tmp_path / "report.json"
    assert main([str(tiny_dataset), "--json", str(report)]) == 0
    out = capsys.readouterr().out
    assert "top-1" in out and "could not be used: 1" in out and "% of the limit" in out
    data = json.loads(report.read_text())
    assert data["images"] == 4 and data["failed"] == 1 and len(data["failures"]) == 1
    assert {"decode", "inference", "pipeline", "limit"} <= set(data["rates_images_per_second"])
    assert {"openvino", "numpy", "opencv", "python"} <= set(data["versions"])
    assert data["weights"]["sha384"]


def test_command_line_without_a_folder_takes_the_lessons_images(prepared_ir, tmp_path, capsys):
    """No DATA_DIR: the images the lessons use (TUTORIAL_DATA here, else the ImageNet sample), said so."""
    folder = config.data_dir(required=False) or pytest.skip("TUTORIAL_DATA is not set")
    report = tmp_path / "report.json"
    assert main(["--limit", "8", "--json", str(report)]) == 0
    out = capsys.readouterr().out
    assert f"folder {folder.name}" in out and "top-1" in out
    data = json.loads(report.read_text())
    assert data["images"] == 8 and data["data_dir"] == str(folder)


def test_command_line_errors(tmp_path, tiny_dataset, prepared_ir, capsys):
    assert main([str(tmp_path / "nowhere")]) == 1
    assert "not a folder" in capsys.readouterr().err
    holidays = tmp_path / "holidays"
    holidays.mkdir()
    (holidays / "beach.jpg").write_bytes(b"")
    assert main([str(holidays)]) == 1
    assert "synset" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([str(tiny_dataset), "--precision", "INT4"])


def test_no_decodable_image_means_no_rates_and_all_wrong(tmp_path, prepared_ir):
    synset = imagenet_classes()[0].synset
    for n in range(2):
        (tmp_path / f"{synset}_broken{n}.JPEG").write_bytes(b"not an image")
    evaluation = evaluate_ir(read_synset_named_folder(tmp_path), prepared_ir["FP32"].xml, progress=False)
    assert evaluation.rates is None and len(evaluation.failures) == 2
    assert evaluation.accuracy(5) == 0.0 and evaluation.summary()["images"] == 2
