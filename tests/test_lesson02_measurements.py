"""The claims Lesson 02 makes, checked on real images (TUTORIAL_DATA)."""
import numpy as np

from helpers.card_check import PARITY_TOLERANCE
from helpers.color_order_cost import KERAS, OPENVINO, order_table, predict_in_both_orders
from helpers.images import load_image
from helpers.preprocess import load_and_crop
from helpers.preprocessing_model import compare_with_numpy_pipeline
from helpers.runtime import compile_model
from tests.support import assert_same_top1_except_near_ties


def test_the_wrong_colour_order_costs_many_points(sample_images, prepared_ir, keras_model):
    crops = load_and_crop([item.path for item in sample_images], progress=False)
    probs = predict_in_both_orders(crops, keras_model, compile_model(prepared_ir["FP32"].xml, precision="f32"))
    rows = {(r.model, r.right_order): r for r in order_table(probs, np.array([i.label for i in sample_images]))}
    for model in ("Keras original", "OpenVINO IR"):
        assert rows[(model, True)].top1 - rows[(model, False)].top1 >= 10, rows
    # Each in its own order, the two models agree to f32 rounding: their top-1 accuracies differ
    # by at most the images whose two best classes are that close (percent of the images).
    flips = assert_same_top1_except_near_ties(probs[(KERAS, "RGB")], probs[(OPENVINO, "BGR")], PARITY_TOLERANCE)
    assert abs(rows[(KERAS, True)].top1 - rows[(OPENVINO, True)].top1) <= 100 * flips / len(sample_images)


def test_in_model_preprocessing_agrees_with_numpy_on_top1(sample_images, prepared_ir):
    decoded = [load_image(item.path, "BGR") for item in sample_images]
    result = compare_with_numpy_pipeline(decoded, prepared_ir["FP32"].xml, progress=False)
    assert result.top1_agreement >= 0.98
