import numpy as np
import pytest

from helpers.color_order_cost import KERAS, OPENVINO, order_table, predict_in_both_orders, swap_channels
from helpers.metrics import top_k_accuracy, top_k_hits


def test_top_k_accuracy_on_known_probabilities():
    probs = np.array([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2], [0.2, 0.3, 0.5]])
    labels = np.array([1, 1, 0])
    assert top_k_hits(probs, labels, 1).tolist() == [True, False, False]
    assert top_k_accuracy(probs, labels, 2) == pytest.approx(2 / 3)
    assert top_k_accuracy(probs, labels, 3) == 1.0
    with pytest.raises(ValueError, match="N x C"):
        top_k_accuracy(probs, labels[:2], 1)


def test_order_table_puts_each_models_right_order_first():
    labels = np.array([0, 1])
    right = np.eye(2, 1000)
    wrong = np.roll(right, 1, axis=0)
    probs = {(KERAS, "RGB"): right, (KERAS, "BGR"): wrong, (OPENVINO, "BGR"): right, (OPENVINO, "RGB"): wrong}
    rows = order_table(probs, labels)
    assert [(r.model, r.fed, r.right_order, r.top1) for r in rows] == [
        (KERAS, "RGB", True, 100.0), (KERAS, "BGR", False, 0.0),
        (OPENVINO, "BGR", True, 100.0), (OPENVINO, "RGB", False, 0.0),
    ]


def test_both_models_agree_in_their_own_order_and_suffer_in_the_other(prepared_ir, keras_model, demo_rgb_224):
    from helpers.runtime import compile_model

    crops_bgr = swap_channels(demo_rgb_224)[None]
    probs = predict_in_both_orders(crops_bgr, keras_model, compile_model(prepared_ir["FP32"].xml, precision="f32"))
    np.testing.assert_allclose(probs[(KERAS, "RGB")], probs[(OPENVINO, "BGR")], atol=1e-4)
    np.testing.assert_allclose(probs[(KERAS, "BGR")], probs[(OPENVINO, "RGB")], atol=1e-4)
    assert np.abs(probs[(KERAS, "RGB")] - probs[(KERAS, "BGR")]).max() > 1e-2
