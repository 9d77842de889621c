"""Solutions to Lesson 01's exercises (01_get_and_convert_the_model.ipynb)."""
# Import helpers first: it keeps TensorFlow's start-up log lines out of the outputs.
from helpers import exercises

# isort: split
import openvino as ov

# 01.1 What each model takes: the card's facts. Open Model Zoo converts with reversed input channels,
# so the IR takes what OpenCV reads; the Keras model has its Rescaling layer inside, so 0..255.
model_inputs = {
    "original_colour_order": "RGB",
    "converted_colour_order": "BGR",
    "input_shape": (1, 224, 224, 3),
    "value_range": (0, 255),
}


# 01.2 Convert for BGR input: convert, then let PrePostProcessor reverse the channels inside the IR.
def convert_for_bgr(keras_model):
    model = ov.convert_model(keras_model, input=[[1, 224, 224, 3]])
    ppp = ov.preprocess.PrePostProcessor(model)
    ppp.input().tensor().set_layout(ov.Layout("NHWC"))
    ppp.input().model().set_layout(ov.Layout("NHWC"))
    ppp.input().preprocess().reverse_channels()
    return ppp.build()


if __name__ == "__main__":
    from helpers.prepare import prepare_models

    print(exercises.check_model_inputs(model_inputs))
    print(exercises.check_bgr_conversion(convert_for_bgr, prepare_models(with_keras=True).keras_model))
