import numpy as np
import pytest

from helpers.color_order import convert_color_order
from helpers.images import load_image
from helpers.preprocess import PROTOCOLS, center_crop, load_and_crop, preprocess, resize_and_crop


def wide_image(height=200, width=600):
    """A wide picture whose columns encode their x position, to see which part a protocol keeps."""
    x = np.linspace(0, 255, width).astype(np.uint8)
    return np.repeat(np.repeat(x[None, :, None], height, axis=0), 3, axis=2)


@pytest.mark.parametrize("protocol", sorted(PROTOCOLS))
def test_every_protocol_gives_224_square_uint8(protocol):
    for image in (wide_image(), wide_image(600, 200).transpose(1, 0, 2).copy(), np.full((1, 1, 3), 7, np.uint8)):
        out = resize_and_crop(image, protocol)
        assert out.shape == (224, 224, 3) and out.dtype == np.uint8


def test_protocols_keep_different_parts_of_a_wide_photo():
    image = wide_image()  # 3:1
    seen = {p: (int(resize_and_crop(image, p)[0, 0, 0]), int(resize_and_crop(image, p)[0, -1, 0])) for p in PROTOCOLS}
    # omz squeezes the whole width into 256 and keeps 224/256 of it: nearly the full range
    assert seen["omz"][0] < 20 and seen["omz"][1] > 235
    # shorter side to 256 makes it 768 wide and keeps the central 224: about the middle 29 %
    assert 85 < seen["shorter_side"][0] < 95 and 160 < seen["shorter_side"][1] < 170
    # centre square keeps the middle third
    assert 80 < seen["center_square"][0] < 90 and 165 < seen["center_square"][1] < 175


def test_unknown_protocol_is_refused():
    with pytest.raises(ValueError, match="unknown preprocessing protocol 'imagenet'.*omz"):
        resize_and_crop(wide_image(), "imagenet")


def test_load_and_crop_stacks_files_in_the_asked_order(tmp_path):
    import cv2

    paths = []
    for n, bgr in enumerate([(255, 0, 0), (0, 0, 255)]):
        image = np.zeros((300, 300, 3), np.uint8)
        image[:] = bgr
        paths.append(tmp_path / f"{n}.png")
        cv2.imwrite(str(paths[-1]), image)
    crops = load_and_crop(paths, order="RGB", progress=False)
    assert crops.shape == (2, 224, 224, 3) and crops.dtype == np.uint8
    assert crops[0, 100, 100].tolist() == [0, 0, 255] and crops[1, 100, 100].tolist() == [255, 0, 0]
    assert load_and_crop([], progress=False).shape == (0, 224, 224, 3)


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
