import numpy as np
import pytest

from helpers.metrics import top_k_accuracy, top_k_hits


def test_top_k_accuracy_on_known_probabilities():
    probs = np.array([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2], [0.2, 0.3, 0.5]])
    labels = np.array([1, 1, 0])
    assert top_k_hits(probs, labels, 1).tolist() == [True, False, False]
    assert top_k_accuracy(probs, labels, 2) == pytest.approx(2 / 3)
    assert top_k_accuracy(probs, labels, 3) == 1.0
    with pytest.raises(ValueError, match="N x C"):
        top_k_accuracy(probs, labels[:2], 1)


def test_both_models_agree_in_their_own_order_and_suffer_in_the_other(prepared_ir, keras_model, demo_rgb_224):
    """Keras fed RGB and the IR fed BGR give the same probabilities (f32); each fed the other order answers
    differently, and the two mistakes are the same mistake."""
    from helpers.color_order import convert_color_order
    from helpers.keras_model import keras_predict
    from helpers.runtime import compile_model

    rgb = demo_rgb_224[None].astype(np.float32)
    bgr = convert_color_order(rgb, "RGB", "BGR")
    ir = compile_model(prepared_ir["FP32"].xml, precision="f32")
    keras_right, keras_wrong = keras_predict(keras_model, rgb), keras_predict(keras_model, bgr)
    ir_right, ir_wrong = ir(bgr)[0], ir(rgb)[0]
    np.testing.assert_allclose(keras_right, ir_right, atol=1e-4)
    np.testing.assert_allclose(keras_wrong, ir_wrong, atol=1e-4)
    assert np.abs(keras_right - keras_wrong).max() > 1e-2
