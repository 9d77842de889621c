import numpy as np
import openvino as ov

from helpers.images import demo_image_path, load_image
from helpers.preprocessing_model import (
    compare_with_numpy_pipeline,
    crop_central_share,
    identity_model,
    numpy_pipeline,
    with_preprocessing,
)
from helpers.runtime import compile_model


def test_the_model_takes_uint8_images_of_any_size(prepared_ir):
    model = with_preprocessing(prepared_ir["FP32"].xml, "RGB")
    assert model.input().get_element_type() == ov.Type.u8
    assert str(model.input().get_partial_shape()) == "[1,?,?,3]"
    compiled = compile_model(model)
    for size in [(100, 300), (480, 640), (224, 224)]:
        assert compiled(np.zeros((1, *size, 3), np.uint8))[0].shape == (1, 1000)


def test_in_model_resize_and_colour_order_match_opencv_within_one_level():
    image = load_image(demo_image_path(), "BGR")
    for order, fed in [("BGR", image), ("RGB", image[..., ::-1])]:
        compiled = compile_model(with_preprocessing(identity_model(), order))
        seen = compiled(np.ascontiguousarray(crop_central_share(fed))[None])[0][0]
        difference = np.abs(seen - numpy_pipeline(image)[0])  # the network always receives BGR
        assert difference.max() <= 1.0 and difference.mean() < 0.5


def test_central_crop_keeps_the_omz_share():
    assert crop_central_share(np.zeros((256, 512, 3))).shape == (224, 448, 3)
    assert crop_central_share(np.zeros((1, 1, 3))).shape == (1, 1, 3)


def test_comparison_with_the_numpy_pipeline(prepared_ir):
    image = load_image(demo_image_path(), "BGR")
    images = [image, image[:, ::-1].copy(), image[100:500].copy()]
    result = compare_with_numpy_pipeline(images, prepared_ir["FP32"].xml, progress=False)
    assert result.images == 3 and result.top1_agreement == 1.0
    assert result.max_abs_diff < 0.05 and result.ms_in_model > 0 and result.ms_numpy > 0


def test_in_model_preprocessing_agrees_with_numpy_on_top1(sample_images, prepared_ir):
    """Lesson 02's claim, on real images: the preprocessing inside the model gives the top-1 of numpy's."""
    decoded = [load_image(item.path, "BGR") for item in sample_images]
    result = compare_with_numpy_pipeline(decoded, prepared_ir["FP32"].xml, progress=False)
    assert result.top1_agreement >= 0.98
