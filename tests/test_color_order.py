import numpy as np
import pytest

from helpers.color_order import ColorOrder, convert_color_order
from helpers.keras_model import keras_predict
from helpers.runtime import compile_model


def test_plain_strings_and_the_type_are_the_same_orders():
    assert ColorOrder.of("BGR") is ColorOrder.BGR and ColorOrder.of(ColorOrder.RGB) is ColorOrder.RGB
    assert ColorOrder.BGR == "BGR" and f"{ColorOrder.RGB}" == "RGB"
    assert ColorOrder.BGR.other is ColorOrder.RGB
    with pytest.raises(ValueError, match=r"colour order must be one of \('BGR', 'RGB'\), not 'RGBA'"):
        ColorOrder.of("RGBA")


def test_conversion_swaps_first_and_last_channel_only_when_the_orders_differ():
    pixel = np.array([[[10, 20, 30]]], np.uint8)  # one pixel: blue 10, green 20, red 30 in BGR
    assert convert_color_order(pixel, "BGR", "RGB").tolist() == [[[30, 20, 10]]]
    assert convert_color_order(pixel, ColorOrder.BGR, "BGR") is pixel
    batch = np.arange(2 * 2 * 2 * 3, dtype=np.float32).reshape(2, 2, 2, 3)[:, ::-1]  # not contiguous
    swapped = convert_color_order(batch, "RGB", "BGR")
    assert swapped.flags.c_contiguous and np.array_equal(swapped[..., 0], batch[..., 2])
    np.testing.assert_array_equal(convert_color_order(swapped, "BGR", "RGB"), batch)
    with pytest.raises(ValueError, match="colour order"):
        convert_color_order(pixel, "BGR", "bgr")


def test_both_models_agree_in_their_own_order_and_suffer_in_the_other(prepared_ir, keras_model, demo_rgb_224):
    """Keras fed RGB and the IR fed BGR give the same probabilities (f32); each fed the other order answers
    differently, and the two mistakes are the same mistake."""
    rgb = demo_rgb_224[None].astype(np.float32)
    bgr = convert_color_order(rgb, "RGB", "BGR")
    ir = compile_model(prepared_ir["FP32"].xml, precision="f32")
    keras_right, keras_wrong = keras_predict(keras_model, rgb), keras_predict(keras_model, bgr)
    ir_right, ir_wrong = ir(bgr)[0], ir(rgb)[0]
    np.testing.assert_allclose(keras_right, ir_right, atol=1e-4)
    np.testing.assert_allclose(keras_wrong, ir_wrong, atol=1e-4)
    assert np.abs(keras_right - keras_wrong).max() > 1e-2
