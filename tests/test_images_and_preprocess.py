import cv2
import numpy as np
import pytest

from helpers.classify import top_k
from helpers.images import convert_color_order, load_image
from helpers.preprocess import center_crop, preprocess, resize_and_crop


@pytest.fixture
def red_png(tmp_path):
    path = tmp_path / "red.png"
    image = np.zeros((300, 400, 3), np.uint8)
    image[..., 2] = 255  # red, in OpenCV's BGR
    cv2.imwrite(str(path), image)
    return path


def test_load_image_in_either_colour_order(red_png):
    assert load_image(red_png, "BGR")[0, 0].tolist() == [0, 0, 255]
    assert load_image(red_png, "RGB")[0, 0].tolist() == [255, 0, 0]
    with pytest.raises(ValueError, match="colour order"):
        load_image(red_png, "RGBA")


def test_omz_resize_and_crop_takes_the_centre():
    image = np.zeros((512, 512, 3), np.uint8)
    image[128:384, 128:384] = 200  # halved to 64:192 of 256, then cropped from 16: 48:176 of 224
    out = resize_and_crop(image)
    assert out.shape == (224, 224, 3) and out.dtype == np.uint8
    assert out[50:174, 50:174].min() == 200
    assert out[:46].max() == 0 and out[178:].max() == 0 and out[:, :46].max() == 0
    with pytest.raises(ValueError, match="cannot crop"):
        center_crop(np.zeros((100, 300, 3), np.uint8))


def test_preprocess_returns_float_nhwc_in_the_model_order(red_png):
    bgr = load_image(red_png, "BGR")
    for_ir = preprocess(bgr, "BGR", "BGR")
    for_keras = preprocess(bgr, "BGR", "RGB")
    assert for_ir.shape == for_keras.shape == (1, 224, 224, 3)
    assert for_ir.dtype == np.float32
    assert for_ir[0, 0, 0].tolist() == [0, 0, 255] and for_keras[0, 0, 0].tolist() == [255, 0, 0]
    np.testing.assert_array_equal(convert_color_order(for_keras, "RGB", "BGR"), for_ir)


def test_top_k_is_sorted_and_named():
    probabilities = np.zeros(1000, np.float32)
    probabilities[[0, 652, 999]] = [0.2, 0.5, 0.3]
    best = top_k(probabilities[None], k=3)
    assert [(p.index, p.name) for p in best] == [(652, "military uniform"), (999, "toilet tissue"), (0, "tench")]
    assert best[0].probability == pytest.approx(0.5)
    with pytest.raises(ValueError, match="expected 1000"):
        top_k(np.ones(10))
