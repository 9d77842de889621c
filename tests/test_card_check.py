import numpy as np
import openvino as ov
import openvino.opset13 as ops
import pytest

from helpers import model_card as card
from helpers.card_check import check_against_card, count_gflops, count_parameters


def test_fp32_ir_matches_the_card_within_one_percent(prepared_ir, keras_model, demo_rgb_224):
    rows, color = check_against_card(prepared_ir["FP32"].xml, keras_model, demo_rgb_224)
    failed = [row for row in rows if not row.ok]
    assert failed == []
    assert [row.item for row in rows] == [
        "input name", "input shape", "input layout", "input colour order",
        "output name", "output shape", "MParams", "GFLOPs",
    ]
    assert color.order == "BGR"


def test_fp16_ir_matches_the_card_too(prepared_ir, keras_model, demo_rgb_224):
    rows, color = check_against_card(prepared_ir["FP16"].xml, keras_model, demo_rgb_224)
    assert all(row.ok for row in rows), rows
    assert color.tolerance > 1e-4  # float16 weights: a looser, stated tolerance


def _conv_model(in_channels=3, out_channels=8, size=16, kernel=3, name="data"):
    data = ops.parameter([1, in_channels, size, size], ov.Type.f32, name=name)
    weights = ops.constant(np.ones((out_channels, in_channels, kernel, kernel), np.float32))
    conv = ops.convolution(data, weights, [1, 1], [1, 1], [1, 1], [1, 1])
    bias = ops.constant(np.zeros((1, out_channels, 1, 1), np.float32))
    out = ops.relu(ops.add(conv, bias))
    return ov.Model([out], [data], "tiny")


def test_counts_on_a_model_with_known_answers():
    model = _conv_model()
    assert count_parameters(model) == 8 * 3 * 3 * 3 + 8
    macs = (8 * 16 * 16) * (3 * 3 * 3)
    elementwise = 2 * 8 * 16 * 16  # the Add and the Relu
    assert count_gflops(model) == pytest.approx((2 * macs + elementwise) / 1e9)


def test_a_model_that_differs_from_the_card_is_reported(tmp_path, keras_model, demo_rgb_224):
    # A model with the card's input shape but other names and a different graph.
    data = ops.parameter(list(card.INPUT_SHAPE), ov.Type.f32, name="image")
    pooled = ops.reduce_mean(data, ops.constant(np.array([1, 2], np.int64)), keep_dims=False)
    logits = ops.matmul(pooled, ops.constant(np.ones((3, 1000), np.float32)), False, False)
    model = ov.Model([ops.softmax(logits, 1)], [data], "impostor")
    xml = tmp_path / "impostor.xml"
    ov.save_model(model, xml)
    rows = {row.item: row for row in check_against_card(xml, keras_model, demo_rgb_224)[0]}
    assert not rows["input name"].ok and rows["input name"].measured == "image"
    assert not rows["output name"].ok
    assert rows["input shape"].ok
    assert not rows["input colour order"].ok and rows["input colour order"].measured == "unknown"
    assert not rows["MParams"].ok and not rows["GFLOPs"].ok
