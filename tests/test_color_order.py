import numpy as np
import pytest

from helpers.color_order import ColorOrder, convert_color_order


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
