"""The claims Lesson 02 makes, checked on real images (TUTORIAL_DATA)."""
from helpers.images import load_image
from helpers.preprocessing_model import compare_with_numpy_pipeline


def test_in_model_preprocessing_agrees_with_numpy_on_top1(sample_images, prepared_ir):
    decoded = [load_image(item.path, "BGR") for item in sample_images]
    result = compare_with_numpy_pipeline(decoded, prepared_ir["FP32"].xml, progress=False)
    assert result.top1_agreement >= 0.98
