"""Lesson 02's checkers: 02.1 (preprocessing for the original model), 02.2 (a prediction of the top-5 cost of
swapped channels, against ``helpers.color_swap.measure_swap_cost``) and 02.3 (preprocessing inside the model for
an RGB camera)."""
from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
import openvino as ov
import openvino.opset13 as ops

from helpers.demo_photos import demo_photos
from helpers.errors import LearnerError, Placeholder
from helpers.exercises.answers import _model_answer, _number_answer
from helpers.exercises.learner_code import as_array, call, describe
from helpers.exercises.material import _fp32_ir, _photo_path
from helpers.exercises.verdicts import Check, _cannot_check, _not_attempted, _right, _sentence, _wrong, exercise
from helpers.images import load_image
from helpers.preprocess import center_crop, preprocess, to_model_input
from helpers.preprocessing_model import with_preprocessing
from helpers.runtime import compile_model, read_model

exercise("02.1", "Preprocessing for the original model", "Resize and crop protocols")
exercise("02.2", "Predict the cost of swapped channels in top-5", "The cost, counted")
exercise("02.3", "Preprocessing inside the model for an RGB camera", "Preprocessing inside the model")


def _preprocess_candidates(bgr: np.ndarray, model_order: str) -> dict[str, np.ndarray]:
    """The right input (1x224x224x3 float32, ``model_order``) and the inputs typical mistakes give."""
    other = "BGR" if model_order == "RGB" else "RGB"
    return {
        "right": preprocess(bgr, "BGR", model_order),
        f"the colour order is {other}, the model takes {model_order}": preprocess(bgr, "BGR", other),
        "the image is resized straight to 224x224, without the centre crop": to_model_input(
            cv2.resize(bgr, (224, 224), interpolation=cv2.INTER_LINEAR), "BGR", model_order),
        "the shorter side is resized to 256, keeping the aspect ratio; this protocol resizes to 256x256":
            preprocess(bgr, "BGR", model_order, protocol="shorter_side"),
        "the picture is cropped to a square first, not resized to 256x256 and then cropped":
            preprocess(bgr, "BGR", model_order, protocol="center_square"),
        "the 224x224 crop is cut from the full-size picture, without resizing it to 256x256 first":
            to_model_input(center_crop(bgr), "BGR", model_order),
    }


def _value_range_mistake(values: np.ndarray) -> str | None:
    """What is wrong with the range of an input meant to hold 0..255, or None."""
    low, high = float(values.min()), float(values.max())
    if high <= 1.0:
        if low < 0:
            return (f"the values lie in {low:.0f}..{high:.0f} (scaled as some other models want); this model takes "
                    "0..255, its scaling is inside it")
        return "the values lie in 0..1; this model takes 0..255 (its scaling is inside it)"
    if low < 0:
        return f"some values are negative (down to {low:.1f}); the model takes 0..255 (no mean subtracted)"
    if high > 255.5:
        return f"some values are above 255 (up to {high:.1f}); the model takes 0..255"
    return None


def _check_preprocessing(number: str, function: Callable, model_order: str, section_hint: str) -> Check:
    path = _photo_path()
    try:
        result = as_array(call(function, path))
    except Placeholder:
        return _not_attempted(number, f"NotImplementedError in {getattr(function, '__name__', 'your function')}")
    except LearnerError as error:
        return _wrong(number, _sentence(str(error)), section_hint)
    if result.shape in ((224, 224, 3), (3, 224, 224)):
        return _wrong(number, f"the result is {result.shape}: the model takes a batch, 1 x 224 x 224 x 3.",
                      "the input shape, with its batch dimension.")
    if result.shape == (1, 3, 224, 224):
        return _wrong(number, "the result is 1 x 3 x 224 x 224 (NCHW); the model takes NHWC, 1 x 224 x 224 x 3.",
                      "the model's layout.")
    if result.shape != (1, 224, 224, 3):
        return _wrong(number, f"the result is {result.shape}; the model takes 1 x 224 x 224 x 3.", section_hint)
    if not np.issubdtype(result.dtype, np.floating):
        return _wrong(number, f"the values are {result.dtype}; the model takes float32.", "the last step.")
    if not np.isfinite(result).all():
        return _wrong(number, "some values are NaN or infinite.", section_hint)
    range_mistake = _value_range_mistake(result)
    if range_mistake:
        return _wrong(number, _sentence(range_mistake), "the value range the model expects.")
    candidates = _preprocess_candidates(load_image(path, "BGR"), model_order)
    distance = {name: float(np.abs(result.astype(np.float32) - x).mean()) for name, x in candidates.items()}
    nearest = min(distance, key=distance.get)
    # Another library's resize (Pillow's, TensorFlow's, even nearest-neighbour) differs by under 5 levels on
    # average on this photo; each mistake below by more than 25.
    if nearest == "right" and distance["right"] < 8.0:
        return _right(number, f"Your input matches the reference preprocessing ({model_order}, 256x256 resize, "
                      "centre crop 224, float 0..255).")
    if nearest == "right":
        return _wrong(number, "close, but the pixels differ from the reference more than another resize would "
                      "explain.", section_hint)
    return _wrong(number, nearest + ".", section_hint)


def check_preprocess_for_original(preprocess_for_original: Callable) -> Check:
    """02.1: ``preprocess_for_original(path)`` must give the original Keras model's input for an image
    file: 1 x 224 x 224 x 3 float32, RGB, values 0..255, resized to 256x256 and centre-cropped to 224."""
    return _check_preprocessing("02.1", preprocess_for_original, "RGB",
                                "Open Model Zoo's protocol and the colour order of the original model.")


def check_swap_top5_prediction(predicted_points: float | None, *, margin: float = 3.0,
                               measured: tuple[int, float, float] | None = None) -> Check:
    """02.2: the learner's prediction of how many points of **top-5** the converted model loses when fed
    RGB instead of BGR. Measured on labelled images (``helpers.color_swap.measure_swap_cost``); right when the
    prediction lies within the 95 % interval of the measured loss, widened by ``margin`` points. The verdict
    gives the direction, never the number."""
    from helpers.color_swap import measure_swap_cost  # imported here: it imports scipy, which takes a second

    number = "02.2"
    predicted = _number_answer(number, predicted_points, "... after my_prediction", "what a point of accuracy is.")
    if isinstance(predicted, Check):
        return predicted
    # A loss written as a signed change (-13: top-5 goes down by 13 points) means the same as 13: the measured
    # change is a loss on any correct weights (tests/test_exercises.py), so the sign cannot be read otherwise.
    signed = predicted < 0
    predicted = abs(predicted)
    if 0 < predicted < 1:
        return _wrong(number, "give the loss in points of accuracy (a 4.5 % drop is 4.5), not as a share.")
    try:
        images, low, high = measured or measure_swap_cost()
    except Exception as error:  # noqa: BLE001 - a missing IR or TUTORIAL_DATA
        return _cannot_check(number, error)
    read_as = " (your negative number read as a loss, top-5 going down)" if signed else ""
    if low - margin <= predicted <= high + margin:
        return _right(number, f"The measured loss on {images} images agrees with your prediction{read_as}, within "
                      "its 95 % interval and a margin of a few points. Top-1 and top-5 lose differently: think "
                      "about why.")
    if predicted < low - margin:
        return _wrong(number, f"swapping costs more top-5 than that{read_as} (measured on {images} images).",
                      "how much a swapped image confuses the model, and how top-5 relates to top-1.")
    return _wrong(number, f"swapping costs less top-5 than that{read_as} (measured on {images} images).",
                  "top-5 forgives a wrong first answer when the right class is still among the five.")


def _camera_frames_rgb() -> list[np.ndarray]:
    """The test frames: each demo photo as an RGB camera of 640x480 would deliver it (1 x 480 x 640 x 3 uint8).
    Several photos, because on some of them a model fed swapped channels keeps its top-1 class (the Grace
    Hopper photo does), while on others it changes (the coffee, the rocket, the astronaut with the stand-in
    weights); the checker does not rely on that, it looks at the picture the network gets (``_probe_like``)."""
    return [cv2.resize(load_image(photo.path, "RGB"), (640, 480), interpolation=cv2.INTER_AREA)[None]
            for photo in demo_photos()]


def _probe_like(model):
    """A stand-in for ``model`` with the same input (names, shape, element type, layout) and output names that
    returns its input unchanged: a learner's PrePostProcessor code applied to it builds a model that shows the
    picture their preprocessing hands the network."""
    parameter = model.get_parameters()[0]
    image = ops.parameter(parameter.get_partial_shape(), parameter.get_element_type(),
                          name=parameter.get_friendly_name())
    image.output(0).get_tensor().set_names(set(model.input().get_names()))
    image.set_layout(parameter.get_layout())
    # A multiplication by one gives the output a tensor of its own, to carry the model's output names.
    same = ops.multiply(image, ops.constant(np.ones((), np.float32)))
    same.output(0).get_tensor().set_names(set(model.output().get_names()))
    return ov.Model([ops.result(same)], [image], model.get_friendly_name())


def _run_on_frames(model, frames: list[np.ndarray]) -> list[np.ndarray]:
    compiled = compile_model(model, precision="f32")
    return [np.asarray(compiled(frame)[0])[0] for frame in frames]


def _picture_seen(camera_model: Callable, ir_model, frames: list[np.ndarray]) -> list[np.ndarray] | None:
    """What the learner's preprocessing hands the network on each frame (224 x 224 x 3 float32), or None when
    their code does not work on the stand-in (then the checker judges from the answers alone)."""
    try:
        probe = call(camera_model, _probe_like(ir_model))
        if not isinstance(probe, ov.Model):
            return None
        seen = _run_on_frames(probe, frames)
    except Exception:  # noqa: BLE001 - the stand-in is the checker's idea, not the learner's
        return None
    return seen if all(picture.shape == (224, 224, 3) for picture in seen) else None


def check_camera_preprocessing(camera_model: Callable) -> Check:
    """02.3: ``camera_model(model)`` gets the FP32 IR (an ``ov.Model``) and must return a model whose input
    is what an RGB camera delivers, 1 x 480 x 640 x 3 uint8 (NHWC), with resizing, float conversion and
    colour conversion inside, so that the network gets the picture the reference pipeline
    (``helpers.preprocessing_model.with_preprocessing(ir, "RGB")``) gives it, on test frames of five photos.
    Any resize algorithm is right (bilinear, cubic, Pillow's antialiased ones, resizing before or after the
    conversion to float): the verdict looks at the colour order, the value range and the pixels the network
    gets, found by applying ``camera_model`` to a stand-in model that returns its input; where that does not
    work, it compares the answers with the reference's."""
    number = "02.3"
    try:
        ir = _fp32_ir()
        ir_model = read_model(ir)
    except Exception as error:  # noqa: BLE001
        return _cannot_check(number, error)
    model = _model_answer(number, camera_model, ir_model.clone(), "camera_model",
                          ("the PrePostProcessor calls, in order.", "what PrePostProcessor.build() returns."))
    if isinstance(model, Check):
        return model
    if len(model.inputs) != 1:
        return _wrong(number, f"your model has {len(model.inputs)} inputs; the camera gives one frame.",
                      "the PrePostProcessor calls, in order.")
    port = model.input()
    if port.get_element_type() != ov.Type.u8:
        return _wrong(number, f"your model's input is {port.get_element_type()}; the camera delivers uint8.",
                      "the tensor's element type.")
    if not port.get_partial_shape().compatible(ov.PartialShape([1, 480, 640, 3])):
        return _wrong(number, f"your model's input shape is {port.get_partial_shape()}; a frame is 1 x 480 x 640 x 3 "
                      "(NHWC).", "the tensor's layout and shape.")
    frames = _camera_frames_rgb()
    try:
        answers = _run_on_frames(model, frames)
    except Exception as error:  # noqa: BLE001
        return _wrong(number, f"your model cannot run a 480x640 frame: {describe(error)}", "the resize step.")
    seen = _picture_seen(camera_model, ir_model, frames)
    if seen is not None:
        reference_seen = _run_on_frames(with_preprocessing(_probe_like(ir_model), "RGB"), frames)
        return _verdict_from_pictures(number, seen, reference_seen)
    reference = with_preprocessing(ir_model.clone(), "RGB")
    expected = _run_on_frames(reference, frames)
    expected_if_swapped = _run_on_frames(reference, [frame[..., ::-1].copy() for frame in frames])
    return _verdict_from_answers(number, answers, expected, expected_if_swapped)


def _verdict_from_pictures(number: str, seen: list[np.ndarray], reference: list[np.ndarray]) -> Check:
    """02.3 judged from the pictures the network gets: the right colour order, 0..255, and pixels within a few
    levels of the reference (another resize algorithm differs by under 4 on average; a swap by over 25)."""
    difference = float(np.mean([np.abs(mine - theirs).mean() for mine, theirs in zip(seen, reference, strict=True)]))
    if_swapped = float(np.mean([np.abs(mine[..., ::-1] - theirs).mean()
                                for mine, theirs in zip(seen, reference, strict=True)]))
    if if_swapped < difference and if_swapped < 8.0:
        return _wrong(number, "your model gives the network the frame in the wrong colour order (its pixels match "
                      "the reference's with the channels swapped).",
                      "which colour order the IR takes, and the colour conversion step.")
    range_mistake = _value_range_mistake(np.stack(seen))
    if range_mistake:
        return _wrong(number, _sentence(range_mistake.replace("the values", "the values the network gets")),
                      "which steps a camera frame needs, and no more.")
    if difference < 8.0:
        return _right(number, "On five test frames your model hands the network the picture the reference pipeline "
                      "does (the right colour order, 0..255, 224x224" + (
                          ")." if difference < 0.5 else "; another resize algorithm, a few levels apart)."))
    return _wrong(number, "the picture your model hands the network differs from the reference pipeline's by "
                  f"{difference:.0f} levels on average (of 255).", "the preprocessing steps and their order.")


def _verdict_from_answers(number: str, answers: list[np.ndarray], expected: list[np.ndarray],
                          expected_if_swapped: list[np.ndarray]) -> Check:
    """02.3 judged from the answers alone: the reference's top-1 on every frame and probabilities within 0.05
    (converting to float before resizing moves them by less than 0.01). A wrong colour order shows on the
    frames whose top-1 class changes when their channels are swapped."""
    if all(mine.argmax() == theirs.argmax() and np.abs(mine - theirs).max() < 0.05
           for mine, theirs in zip(answers, expected, strict=True)):
        return _right(number, "On five test frames your model answers like the reference pipeline.")
    telling = [i for i, (right, swapped) in enumerate(zip(expected, expected_if_swapped, strict=True))
               if right.argmax() != swapped.argmax()]
    if telling and all(answers[i].argmax() == expected_if_swapped[i].argmax() for i in telling):
        return _wrong(number, "your model gives the network the frame in the wrong colour order.",
                      "which colour order the IR takes, and the colour conversion step.")
    return _wrong(number, "on the test frames your model answers differently from the reference pipeline.",
                  "the preprocessing steps and their order.")
