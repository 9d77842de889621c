"""Self-checks for the exercises at the end of each lesson.

Each ``check_*`` function takes the learner's answer (a value or a function) and returns a ``Check``,
which a notebook shows as one short verdict: right, not yet (with a hint), or not attempted yet. A hint
names the lesson section that teaches the idea and never gives the answer, nor leaves it one
multiplication away. A checker never raises on a learner's answer and never hangs: the learner's code runs
through ``helpers.learner_code`` (with a timeout; an exception inside it is reported in the verdict's one
line), answers in other libraries' types (TensorFlow or PyTorch tensors, OpenVINO shapes) are read or
explained, and an answer left as ``...`` or ``raise NotImplementedError`` (or a body that does nothing) is
"not attempted yet", so the lessons run from top to bottom (and under nbval) with the exercises untouched.
Right answers are recognised by what they mean, within tolerances that fit the numbers (a float32 share, an
estimate), not by how they are written. Model solutions live in the project's ``solutions/`` folder, not in
the lessons.

The checkers that run a model use the FP32 IR of Lesson 01 and, where they measure, images of
``TUTORIAL_DATA``; when one is missing they say "cannot check yet" and what to do.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from helpers.learner_code import (
    DEFAULT_TIMEOUT_S,
    GuardedCallback,
    LearnerError,
    Placeholder,
    as_array,
    as_number,
    call,
    describe,
    is_placeholder,
    one_line,
    run_with_timeout,
)

RIGHT, WRONG, NOT_ATTEMPTED, CANNOT_CHECK = "right", "not yet", "not attempted yet", "cannot check yet"

LESSONS = {
    "01": "01_get_and_convert_the_model.ipynb",
    "02": "02_images_colour_order_and_preprocessing.ipynb",
    "03": "03_inference_sync_batched_async.ipynb",
    "04": "04_accuracy.ipynb",
    "05": "05_device_benchmarks.ipynb",
    "06": "06_int8_quantization.ipynb",
}


@dataclass(frozen=True)
class Exercise:
    """One exercise: its number ("02.1"), title, and the lesson section that teaches its idea."""

    number: str
    title: str
    section: str  # a heading of the lesson, without its number

    @property
    def lesson(self) -> str:
        return self.number.split(".")[0]

    def where(self) -> str:
        return f'Lesson {self.lesson} ({LESSONS[self.lesson]}), section "{self.section}"'


# The one table of exercises. The section titles must match headings of the lessons
# (tests/test_exercises.py checks it), so that every hint points to a cell that exists.
EXERCISES = {e.number: e for e in (
    Exercise("01.1", "What each model takes", "The card"),
    Exercise("01.2", "Convert for BGR input", "Convert with OpenVINO's Python API"),
    Exercise("02.1", "Preprocessing for the original model", "Resize and crop protocols"),
    Exercise("02.2", "Predict the cost of swapped channels in top-5", "The cost, counted"),
    Exercise("02.3", "Preprocessing inside the model for an RGB camera", "Preprocessing inside the model"),
    Exercise("03.1", "An AsyncInferQueue callback that keeps the order", "A queue of requests"),
    Exercise("03.2", "Top-k classes by hand", "One photo, one request"),
    Exercise("04.1", "Top-5 accuracy by hand", "Counting top-1 and top-5"),
    Exercise("04.2", "How many images for a +-1 point interval?", "Counting top-1 and top-5"),
    Exercise("05.1", "Choose the performance hint for a goal", "A naive loop and a measured one"),
    Exercise("05.2", "Latency from throughput", "Threads and streams"),
    Exercise("06.1", "A calibration split you can trust", "Calibration images"),
    Exercise("06.2", "Quantize with a given subset size", "Quantize"),
)}


@dataclass(frozen=True)
class Check:
    """A checker's verdict. ``status`` is one of "right", "not yet", "not attempted yet", "cannot check yet"."""

    exercise: str
    status: str
    message: str
    hint: str = ""

    @property
    def passed(self) -> bool:
        return self.status == RIGHT

    def __str__(self) -> str:
        title = EXERCISES[self.exercise].title
        message = " ".join(self.message.split())  # one line, whatever an error message held
        text = f"Exercise {self.exercise} ({title}): {self.status.upper()}. {message}"
        return text + (f"\nHint: {' '.join(self.hint.split())}" if self.hint else "")

    __repr__ = __str__


def _right(number: str, message: str) -> Check:
    return Check(number, RIGHT, message)


def _wrong(number: str, message: str, look_for: str = "") -> Check:
    """A "not yet" verdict whose hint points to the exercise's section (and says what to look for there)."""
    hint = f"see {EXERCISES[number].where()}" + (f": {look_for}" if look_for else ".")
    return Check(number, WRONG, message, hint)


def _not_attempted(number: str, what: str) -> Check:
    return Check(number, NOT_ATTEMPTED, f"Replace the {what} with your answer, then run this cell again.")


def _cannot_check(number: str, why: str) -> Check:
    return Check(number, CANNOT_CHECK, why)


_is_placeholder = is_placeholder


def _call(function: Callable, *args, timeout_s: float = DEFAULT_TIMEOUT_S):
    """``helpers.learner_code.call``: the learner's result, or Placeholder / LearnerError."""
    return call(function, *args, timeout_s=timeout_s)


def _sentence(text: str) -> str:
    """``text`` with a capital first letter and a full stop (str.capitalize would lower the rest)."""
    text = text.rstrip(".")
    return text[:1].upper() + text[1:] + ("" if text.endswith(("?", "!")) else ".")


def _setup_problem(error: Exception) -> str:
    return f"{one_line(error)} (this is about the set-up, not your answer)"


def _name_of(value) -> str:
    """"rgb", "RGB", ColorOrder.RGB, ColorFormat.RGB, PerformanceMode.LATENCY ... -> "RGB", "LATENCY"."""
    return str(getattr(value, "name", value)).split(".")[-1].strip().upper()


def _numbers(value) -> tuple | None:
    """The numbers of a shape or range as a learner writes it: a tuple or list, ``ov.Shape``,
    ``ov.PartialShape`` (a dynamic dimension becomes None), a numpy array, or text such as "1x224x224x3" or
    "0..255". None when it is none of these."""
    import re

    if isinstance(value, str):
        found = re.findall(r"(?:(?<![\w.])-)?\d+(?:\.\d+)?", value)  # "0-255" is 0 and 255, "-1..1" is -1 and 1
        return tuple(float(n) if "." in n else int(n) for n in found) or None
    try:
        items = list(value)
    except TypeError:
        return None
    numbers = []
    for item in items:
        if hasattr(item, "is_static"):  # an OpenVINO Dimension
            numbers.append(item.get_length() if item.is_static else None)
            continue
        try:
            number = as_number(item)
        except LearnerError:
            return None
        numbers.append(int(number) if number == int(number) else number)
    return tuple(numbers)


def _is_pair(numbers) -> bool:
    return numbers is not None and len(numbers) == 2 and None not in numbers


# --- shared material: the IR, a photo, labelled images ---------------------------------------------


def _fp32_ir() -> Path:
    from helpers.convert import existing_ir

    return existing_ir("FP32")


def _compiled_fp32():
    from helpers.runtime import compile_model

    return compile_model(_fp32_ir(), precision="f32")


def _photo_path() -> Path:
    from helpers.images import demo_image_path

    return demo_image_path()


def _labelled_images(count: int) -> list:
    """``count`` labelled images evenly spread, as the lessons get them (``TUTORIAL_DATA``, else the sample)."""
    from helpers.sample import labelled_images

    return labelled_images(count, progress=False).items


def _measure_count(quick: int, full: int) -> int:
    from helpers.config import quick_mode

    return quick if quick_mode() else full


# --- Lesson 01 -----------------------------------------------------------------------------------------


def check_model_inputs(answer: dict | None) -> Check:
    """01.1: ``answer`` = {"original_colour_order", "converted_colour_order", "input_shape", "value_range"}:
    the colour order the original Keras model and the converted IR take, the input shape (a tuple) and the
    range of the input values (low, high)."""
    from helpers.model_card import CONVERTED_COLOR_ORDER, INPUT_SHAPE, INPUT_VALUE_RANGE, ORIGINAL_COLOR_ORDER

    number = "01.1"
    keys = ("original_colour_order", "converted_colour_order", "input_shape", "value_range")
    if _is_placeholder(answer) or not isinstance(answer, dict) or all(_is_placeholder(answer.get(k)) for k in keys):
        return _not_attempted(number, "... of each entry")
    missing = [key for key in keys if _is_placeholder(answer.get(key))]
    if missing:
        return _wrong(number, f"no answer yet for {', '.join(missing)}; fill in all four entries.")
    problems = []
    original = _name_of(answer["original_colour_order"])
    converted = _name_of(answer["converted_colour_order"])
    if (original, converted) == (CONVERTED_COLOR_ORDER, ORIGINAL_COLOR_ORDER):
        problems.append("the two colour orders are the wrong way round")
    else:
        if original != ORIGINAL_COLOR_ORDER:
            problems.append("the original model's colour order is not right")
        if converted != CONVERTED_COLOR_ORDER:
            problems.append("the converted model's colour order is not right")
    shape = _numbers(answer["input_shape"])
    if shape is not None and None in shape:
        problems.append("the input shape has a dynamic dimension; the card's is static")
    elif shape != INPUT_SHAPE:
        if shape is not None and sorted(shape) == sorted(INPUT_SHAPE):
            problems.append("the input shape has the right numbers in the wrong order (which layout is it?)")
        else:
            problems.append("the input shape is not right")
    value_range = answer["value_range"]
    if isinstance(value_range, range):  # range(0, 256) holds 0 ... 255
        value_range = (value_range.start, value_range.stop - 1)
    pair = _numbers(value_range)
    low, high = pair if _is_pair(pair) else (math.nan, math.nan)
    if (low, high) != INPUT_VALUE_RANGE:
        problems.append("the value range is not right (does the model scale its input itself?)" if high == 1
                        else "the value range is not right")
    if problems:
        return _wrong(number, _sentence("; ".join(problems)),
                      "the card lists the input; the IR check compares the converted model with it.")
    return _right(number, "Both colour orders, the shape and the value range are the card's.")


def check_bgr_conversion(convert: Callable, keras_model) -> Check:
    """01.2: ``convert(keras_model)`` must return an ``ov.Model`` that takes BGR 1x224x224x3 float32 and
    answers like the original model given the same picture in RGB."""
    import openvino as ov

    from helpers.images import load_image
    from helpers.keras_model import keras_predict
    from helpers.preprocess import preprocess
    from helpers.runtime import compile_model

    number = "01.2"
    try:
        model = _call(convert, keras_model, timeout_s=300)  # a conversion takes seconds, more on a busy machine
    except Placeholder:
        return _not_attempted(number, "NotImplementedError in convert_for_bgr")
    except LearnerError as error:
        return _wrong(number, _sentence(str(error)), "the conversion cells.")
    if not isinstance(model, ov.Model):
        return _wrong(number, f"convert_for_bgr returned a {type(model).__name__}, not an openvino.Model.",
                      "what ov.convert_model returns.")
    bgr = load_image(_photo_path(), "BGR")
    try:
        compiled = compile_model(model, precision="f32")
        answer = compiled(preprocess(bgr, "BGR", "BGR"))[0]
        answer_to_rgb = compiled(preprocess(bgr, "BGR", "RGB"))[0]
    except Exception as error:  # noqa: BLE001
        return _wrong(number, f"the model cannot run a 1x224x224x3 float32 image: {describe(error)}",
                      "the input shape given to the conversion.")
    reference = keras_predict(keras_model, preprocess(bgr, "BGR", "RGB"))
    if np.abs(answer - reference).max() < 1e-3:
        return _right(number, "Fed BGR, your model answers like the original fed RGB (f32, same photo).")
    if np.abs(answer_to_rgb - reference).max() < 1e-3:
        return _wrong(number, "your model still takes RGB, like the original: fed BGR it answers differently.",
                      "the step that makes the IR take what OpenCV reads.")
    return _wrong(number, "fed BGR, your model answers differently from the original fed RGB.",
                  "compare your steps with the conversion cells.")


# --- Lesson 02 -----------------------------------------------------------------------------------------


def _preprocess_candidates(bgr: np.ndarray, model_order: str) -> dict[str, np.ndarray]:
    """The right input (1x224x224x3 float32, ``model_order``) and the inputs typical mistakes give."""
    import cv2

    from helpers.preprocess import center_crop, preprocess, to_model_input

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
        result = as_array(_call(function, path))
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
    from helpers.images import load_image

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


def measure_swap_cost(count: int | None = None) -> tuple[int, float, float]:
    """The converted model's loss of top-5 (points) when fed RGB instead of BGR, on ``count`` images
    of TUTORIAL_DATA (default: 100 in quick mode, 300 in full): (images, interval low, interval high),
    the 95 % interval of the paired difference."""
    from helpers.metrics import top_k_hits
    from helpers.paired import compare_paired
    from helpers.preprocess import load_and_crop

    items = _labelled_images(count or _measure_count(100, 300))
    crops = load_and_crop([item.path for item in items], order="BGR", progress=False)
    labels = np.array([item.label for item in items])
    request = _compiled_fp32().create_infer_request()
    right = np.concatenate([request.infer({0: c[None].astype(np.float32)})[0] for c in crops])
    swapped = np.concatenate([request.infer({0: c[None, ..., ::-1].astype(np.float32)})[0] for c in crops])
    comparison = compare_paired(top_k_hits(swapped, labels, 5), top_k_hits(right, labels, 5))
    return len(items), 100 * comparison.ci_low, 100 * comparison.ci_high


def check_swap_top5_prediction(predicted_points: float | None, *, margin: float = 3.0,
                               measured: tuple[int, float, float] | None = None) -> Check:
    """02.2: the learner's prediction of how many points of **top-5** the converted model loses when fed
    RGB instead of BGR. Measured on labelled images (``measure_swap_cost``); right when the prediction
    lies within the 95 % interval of the measured loss, widened by ``margin`` points. The verdict gives
    the direction, never the number."""
    number = "02.2"
    if _is_placeholder(predicted_points):
        return _not_attempted(number, "... after my_prediction")
    try:
        predicted = as_number(predicted_points)
    except LearnerError as error:
        return _wrong(number, _sentence(str(error)), "what a point of accuracy is.")
    # A loss written as a signed change (-13: top-5 goes down by 13 points) means the same as 13: the measured
    # change is a loss on any correct weights (tests/test_exercises.py), so the sign cannot be read otherwise.
    signed = predicted < 0
    predicted = abs(predicted)
    if 0 < predicted < 1:
        return _wrong(number, "give the loss in points of accuracy (a 4.5 % drop is 4.5), not as a share.")
    try:
        images, low, high = measured or measure_swap_cost()
    except Exception as error:  # noqa: BLE001 - a missing IR or TUTORIAL_DATA
        return _cannot_check(number, _setup_problem(error))
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
    import cv2

    from helpers.demo_photos import demo_photos
    from helpers.images import load_image

    return [cv2.resize(load_image(photo.path, "RGB"), (640, 480), interpolation=cv2.INTER_AREA)[None]
            for photo in demo_photos()]


def _probe_like(model):
    """A stand-in for ``model`` with the same input (names, shape, element type, layout) and output names that
    returns its input unchanged: a learner's PrePostProcessor code applied to it builds a model that shows the
    picture their preprocessing hands the network."""
    import openvino as ov
    import openvino.opset13 as ops

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
    from helpers.runtime import compile_model

    compiled = compile_model(model, precision="f32")
    return [np.asarray(compiled(frame)[0])[0] for frame in frames]


def _picture_seen(camera_model: Callable, ir_model, frames: list[np.ndarray]) -> list[np.ndarray] | None:
    """What the learner's preprocessing hands the network on each frame (224 x 224 x 3 float32), or None when
    their code does not work on the stand-in (then the checker judges from the answers alone)."""
    import openvino as ov

    try:
        probe = _call(camera_model, _probe_like(ir_model))
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
    import openvino as ov

    from helpers.preprocessing_model import with_preprocessing
    from helpers.runtime import core

    number = "02.3"
    try:
        ir = _fp32_ir()
        ir_model = core().read_model(ir)
    except Exception as error:  # noqa: BLE001
        return _cannot_check(number, _setup_problem(error))
    try:
        model = _call(camera_model, ir_model.clone())
    except Placeholder:
        return _not_attempted(number, "NotImplementedError in camera_model")
    except LearnerError as error:
        return _wrong(number, _sentence(str(error)), "the PrePostProcessor calls, in order.")
    if not isinstance(model, ov.Model):
        return _wrong(number, f"camera_model returned a {type(model).__name__}, not an openvino.Model.",
                      "what PrePostProcessor.build() returns.")
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


# --- Lesson 03 -----------------------------------------------------------------------------------------


def _distinct_inputs(count: int, seed: int = 0) -> np.ndarray:
    """``count`` different 1x224x224x3 float32 inputs (smooth random pictures, so the answers differ)."""
    import cv2

    rng = np.random.default_rng(seed)
    small = rng.integers(0, 256, (count, 7, 7, 3)).astype(np.uint8)
    return np.stack([cv2.resize(s, (224, 224), interpolation=cv2.INTER_CUBIC) for s in small]).astype(np.float32)


def check_async_callback(store: Callable, results: np.ndarray, *, timeout_s: float = 20.0) -> Check:
    """03.1: ``store(request, index)`` is an AsyncInferQueue callback that must copy the request's
    1000 probabilities into row ``index`` of ``results`` (an N x 1000 array). It is called out of order,
    as finished requests arrive, then used with a real AsyncInferQueue. Each of the two runs has
    ``timeout_s`` seconds: an exception inside ``store`` or a call in it that never returns (``wait_all``
    inside the callback, say) becomes the verdict, and the checker returns."""
    import openvino as ov

    number = "03.1"
    results = results if isinstance(results, np.ndarray) else None
    if results is None or results.ndim != 2 or results.shape[1] != 1000 or len(results) < 2:
        return _wrong(number, "results must be an N x 1000 numpy array (N of at least 2) that store writes into.")
    if not callable(store):
        return _wrong(number, f"store must be a function, not a {type(store).__name__}.")
    try:
        compiled = _compiled_fp32()
    except Exception as error:  # noqa: BLE001
        return _cannot_check(number, _setup_problem(error))
    inputs = _distinct_inputs(len(results))
    requests = [compiled.create_infer_request() for _ in inputs]
    for request, x in zip(requests, inputs, strict=True):
        request.infer({0: x[None]})
    expected = np.concatenate([request.get_output_tensor(0).data.copy() for request in requests])
    results[:] = 0
    order = np.random.default_rng(1).permutation(len(inputs))  # requests finish in any order
    callback = GuardedCallback(store)

    def call_out_of_order():
        for index in order:
            callback(requests[index], int(index))
            if callback.error is not None:
                return

    problem = _callback_problem(callback, call_out_of_order, timeout_s, "called directly")
    if isinstance(callback.error, NotImplementedError):
        return _not_attempted(number, "NotImplementedError in store")
    if problem:
        return _wrong(number, problem, "the callback's two arguments, and what a callback must not do.")
    if not results.any():
        return _wrong(number, "results is still all zeros: store must write into it.", "what the callback does.")
    if not np.allclose(results, expected, atol=1e-6):
        if np.allclose(results, expected[order], atol=1e-6):
            return _wrong(number, "the rows are in the order the requests finished, not in the order of the images.",
                          "what userdata carries.")
        return _wrong(number, "some rows of results do not hold their image's probabilities.",
                      "what userdata carries, and how the callback reads the output.")
    results[:] = 0
    queue = ov.AsyncInferQueue(compiled, 2)
    callback = GuardedCallback(store)
    queue.set_callback(callback)

    def run_queue():
        for index, x in enumerate(inputs):
            queue.start_async({0: x[None]}, userdata=index)
        queue.wait_all()

    problem = _callback_problem(callback, run_queue, timeout_s, "in a real AsyncInferQueue")
    if problem:
        return _wrong(number, problem, "what a callback may do while the queue runs.")
    if not np.allclose(results, expected, atol=1e-5):
        return _wrong(number, "called directly store works, but with a real AsyncInferQueue the rows come out wrong.",
                      "copy the output inside the callback: the request's buffer is reused.")
    return _right(number, f"Called out of order and with a real AsyncInferQueue, each of the {len(results)} rows "
                  "holds its own image's probabilities.")


def _callback_problem(callback: GuardedCallback, work: Callable[[], None], timeout_s: float, where: str) -> str:
    """Run ``work`` (which calls ``callback``) with a timeout: "" when it finished and the callback never
    raised, else one sentence for the verdict."""
    try:
        run_with_timeout(work, timeout_s, on_timeout=callback.interrupt)
    except LearnerError:
        return _sentence(f"{where}, store did not finish within {timeout_s:g} s: does it wait for something "
                         "(wait_all, wait, input, sleep) inside the callback?")
    except Exception as error:  # noqa: BLE001 - the checker's own calls, disturbed by the learner's callback
        return _sentence(f"{where}, the queue failed: {describe(error)}")
    if callback.error is not None and not isinstance(callback.error, NotImplementedError):
        return _sentence(f"{where}, your callback raised {describe(callback.error)}")
    return ""


def check_top_k(top_k: Callable) -> Check:
    """03.2: ``top_k(probabilities, k)`` takes a vector of 1000 probabilities and must return the ``k``
    most probable class indices, most probable first."""
    number = "03.2"
    rng = np.random.default_rng(3)
    for probabilities, k in zip(_distinct_probabilities(rng, 4), (5, 1, 3, 10), strict=True):
        try:
            answer = _call(top_k, probabilities.copy(), k)
            pair = _values_and_indices(answer, k)
            if pair:
                return _wrong(number, f"top_k returned two arrays, {pair}; return only the k class indices, as one "
                              "array.", "what top_k must return.")
            answer = as_array(answer).ravel()
        except Placeholder:
            return _not_attempted(number, "NotImplementedError in top_k")
        except LearnerError as error:
            return _wrong(number, _sentence(str(error)))
        expected = np.argsort(-probabilities)[:k]
        if np.array_equal(answer, expected):
            continue
        if np.issubdtype(answer.dtype, np.floating) and len(answer) == k and \
                np.allclose(np.sort(answer)[::-1], probabilities[expected]):
            return _wrong(number, "top_k returned probabilities; return the class indices.", "argsort vs sort.")
        if len(answer) != k:
            return _wrong(number, f"for k={k} top_k returned {len(answer)} classes.", "slicing the first k.")
        if np.array_equal(answer, np.argsort(probabilities)[:k]):
            return _wrong(number, "these are the k least probable classes.", "the sort direction.")
        if sorted(answer.tolist()) == sorted(expected.tolist()):
            return _wrong(number, "the right classes, but not most probable first.", "the sort direction.")
        return _wrong(number, f"for k={k} the classes are not the k most probable.")
    return _right(number, "The k most probable classes, most probable first, for k = 1, 3, 5 and 10.")


def _values_and_indices(answer, k: int) -> str:
    """"(probabilities, indices)" or the like when ``answer`` is a pair of k-long arrays, as torch.topk,
    tf.math.top_k and keras.ops.top_k return; "" otherwise."""
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        return ""
    try:
        parts = [as_array(part).ravel() for part in answer]
    except LearnerError:
        return ""
    if any(part.size != k or np.asarray(part_in).ndim == 0 for part, part_in in zip(parts, answer, strict=True)):
        return ""
    kinds = ["probabilities" if np.issubdtype(part.dtype, np.floating) and part.max() <= 1 and
             not np.array_equal(part, np.round(part)) else "indices" for part in parts]
    return f"({kinds[0]}, {kinds[1]})"


# --- Lesson 04 -----------------------------------------------------------------------------------------


def _distinct_probabilities(rng: np.random.Generator, rows: int) -> np.ndarray:
    """``rows`` x 1000 float32 probabilities without ties (a tie would make "the top k" ambiguous)."""
    base = np.linspace(1.0, 2.0, 1000) ** 8
    return np.stack([rng.permutation(base / base.sum()) for _ in range(rows)]).astype(np.float32)


def _top5_test_case() -> tuple[np.ndarray, np.ndarray]:
    """Probabilities and labels where each mistake gives another share: labels at rank 1, 4, 5, 6, 1000 ..."""
    rng = np.random.default_rng(4)
    n = 40
    probabilities = _distinct_probabilities(rng, n)
    ranks = np.array([1] * 14 + [2, 3, 4] * 2 + [5] * 7 + [6] * 5 + [7, 50, 999, 1000] * 2)
    order = np.argsort(-probabilities, axis=1)
    labels = order[np.arange(n), ranks - 1]
    return probabilities, labels


def check_top5_accuracy(top5_accuracy: Callable) -> Check:
    """04.1: ``top5_accuracy(probabilities, labels)`` takes N x 1000 probabilities and N labels and must
    return the share (0..1) of images whose label is among their five most probable classes."""
    from helpers.metrics import top_k_accuracy

    number = "04.1"
    probabilities, labels = _top5_test_case()
    try:
        raw = _call(top5_accuracy, probabilities.copy(), labels.copy())
        per_image = _per_image_values(raw, len(labels))
        if per_image:
            return _wrong(number, f"top5_accuracy returned {per_image}, one per image; return one number, the share "
                          "of images.", "how top-5 accuracy is defined.")
        answer = as_number(raw)
    except Placeholder:
        return _not_attempted(number, "NotImplementedError in top5_accuracy")
    except LearnerError as error:
        return _wrong(number, _sentence(str(error)))
    # The test set has 40 images, so shares differ by at least 1/40; a float32 mean is off by about 1e-8.
    def same(x: float, y: float) -> bool:
        return math.isclose(x, y, rel_tol=1e-5, abs_tol=1e-6)

    expected = top_k_accuracy(probabilities, labels, 5)
    if same(answer, expected):
        return _right(number, "Your top-5 accuracy matches on a test set built to catch the usual slips.")
    if same(answer, 100 * expected):
        return _wrong(number, "that is a percentage; return a share between 0 and 1.")
    if same(answer, expected * len(labels)):
        return _wrong(number, "that is a count of images; return a share between 0 and 1.")
    if same(answer, 1 - expected):
        return _wrong(number, "that is the share of images whose label is NOT among the top five (the top-5 error).",
                      "how top-5 is defined.")
    for k, slip in ((4, "one class too few"), (6, "one class too many"), (1, "only the first class")):
        if same(answer, top_k_accuracy(probabilities, labels, k)):
            return _wrong(number, f"your answer counts {slip} (top-{k}); check which classes are the top five.",
                          "how top-5 is defined.")
    if same(answer, top_k_accuracy(-probabilities, labels, 5)):
        return _wrong(number, "your answer takes the five least probable classes.", "the sort direction.")
    if not 0 <= answer <= 1:
        return _wrong(number, f"a share lies between 0 and 1; yours is {answer:g}.", "how top-5 is defined.")
    return _wrong(number, "the share is not right on the test set.",
                  "how top-5 is defined: is the label among the five most probable classes of its own image?")


def _per_image_values(answer, images: int) -> str:
    """"40 values" (or "40 truth values") when ``answer`` holds one value per image, as Keras'
    sparse_top_k_categorical_accuracy and tf.math.in_top_k return; "" otherwise."""
    try:
        array = as_array(answer, numeric=False)
    except LearnerError:
        return ""
    if array.size != images or array.size == 1:
        return ""
    return f"{images} truth values" if array.dtype == bool else f"{images} values"


def check_images_needed(images: int | float | None, accuracy: float = 0.67, half_width_points: float = 1.0) -> Check:
    """04.2: how many images does a 95 % interval of +-``half_width_points`` need at ``accuracy``? Right
    from 85 % to 125 % of the normal approximation's answer: the worst case p = 0.5 and round numbers
    such as 10,000 count too; forgetting the square of 1.96, or a 90 % interval, do not."""
    number = "04.2"
    if _is_placeholder(images):
        return _not_attempted(number, "... after my_images")
    try:
        n = as_number(images)
    except LearnerError as error:
        return _wrong(number, _sentence(str(error)))
    needed = 1.959964 ** 2 * accuracy * (1 - accuracy) / (half_width_points / 100) ** 2
    if 0.85 * needed <= n <= 1.25 * needed:
        return _right(number, "With that many images the 95 % interval is about +-1 point.")
    if n < 0:
        return _wrong(number, "a number of images cannot be negative.")
    if n < 2:
        return _wrong(number, "fewer than two images: is 1 point 1, or 0.01 as a share?")
    direction = "too few" if n < needed else "more than needed"
    count = f"{n:,.0f}" if n < 1e12 else f"{n:.3g}"
    return _wrong(number, f"{direction}: with {count} images the 95 % interval is about "
                  f"+-{_half_width(n, accuracy):.2g} points.",
                  "the formula of the interval's half-width: solve it for the number of images.")


def _half_width(images: float, accuracy: float) -> float:
    """Half the width of the 95 % interval, in points, for ``images`` images at ``accuracy``: Wilson's (as the
    lesson computes it) up to ten million images, the normal approximation beyond (the two agree there)."""
    from helpers.metrics import wilson_interval

    if images > 1e7:
        return 100 * 1.959964 * math.sqrt(accuracy * (1 - accuracy) / images)
    low, high = wilson_interval(round(accuracy * images), round(images))
    return 100 * (high - low) / 2


# --- Lesson 05 -----------------------------------------------------------------------------------------

HINT_GOALS = {
    "webcam": "a webcam app shows each frame's class as soon as that frame is classified",
    "photo_archive": "classify 100,000 photos overnight, as many per second as possible",
    "one_image_time": "report the shortest time in which this CPU classifies one image",
}
_RIGHT_HINTS = {"webcam": "LATENCY", "photo_archive": "THROUGHPUT", "one_image_time": "LATENCY"}
# A goal checked only when the answer has it: the exercise's earlier version asked it, and a lesson that teaches
# CUMULATIVE_THROUGHPUT (with AUTO) may ask it again.
_OPTIONAL_GOALS = {"cpu_and_gpu": "CUMULATIVE_THROUGHPUT"}
_HINT_ALIASES = {"TPUT": "THROUGHPUT", "CTPUT": "CUMULATIVE_THROUGHPUT"}  # benchmark_app's short names


def _hint_name(value) -> str:
    """"latency", "LATENCY", ov.properties.hint.PerformanceMode.LATENCY, "tput" ... -> "LATENCY", "THROUGHPUT"."""
    name = _name_of(value).replace("-", "_").replace(" ", "_")
    return _HINT_ALIASES.get(name, name)


def check_hints(hints: dict | None) -> Check:
    """05.1: ``hints`` maps each goal of ``HINT_GOALS`` to a performance hint (a string, as benchmark_app or
    compile_model take it, or ``ov.properties.hint.PerformanceMode``)."""
    number = "05.1"
    if _is_placeholder(hints) or not isinstance(hints, dict) or all(_is_placeholder(v) for v in hints.values()):
        return _not_attempted(number, "... of each goal")
    missing = [goal for goal in HINT_GOALS if _is_placeholder(hints.get(goal))]
    if missing:
        return _wrong(number, f"no hint yet for {', '.join(missing)}.")
    expected = {**_RIGHT_HINTS, **{goal: hint for goal, hint in _OPTIONAL_GOALS.items() if goal in hints}}
    unknown = [_name_of(hints[goal]) for goal in expected if _hint_name(hints[goal]) not in
               ("LATENCY", "THROUGHPUT", "CUMULATIVE_THROUGHPUT")]
    if unknown:
        return _wrong(number, f"{', '.join(unknown)} is not a performance hint's name.",
                      "the names of the hints the lesson compiles with.")
    wrong = [goal for goal, hint in expected.items() if _hint_name(hints[goal]) != hint]
    if wrong:
        return _wrong(number, f"not the best hint for: {', '.join(wrong)}.",
                      "what each hint optimises: one request's time, or images per second.")
    return _right(number, "Each goal has the hint made for it.")


def check_latency_from_throughput(latency_ms: float | None, requests: int = 4, throughput: float = 400.0) -> Check:
    """05.2: with ``requests`` requests always in flight and ``throughput`` images/s (batch 1), about how
    long does one request take, in ms? (Little's law: requests in flight = throughput x latency.)"""
    number = "05.2"
    if _is_placeholder(latency_ms):
        return _not_attempted(number, "... after my_latency_ms")
    try:
        answer = as_number(latency_ms)
    except LearnerError as error:
        return _wrong(number, _sentence(str(error)))
    expected = 1000 * requests / throughput
    if math.isclose(answer, expected, rel_tol=0.1):
        return _right(number, "Each request takes that long; several overlap, so results arrive more often.")
    if math.isclose(answer, 1000 / throughput, rel_tol=0.1):
        return _wrong(number, "that is how often a result arrives, not how long one request takes from its start to "
                      "its end.", "how streams and requests overlap.")
    if math.isclose(answer, expected / 1000, rel_tol=0.1):
        return _wrong(number, "give it in milliseconds, not seconds.")
    return _wrong(number, "not the time one request takes.",
                  "how many requests are in flight, and how often one finishes.")


# --- Lesson 06 -----------------------------------------------------------------------------------------


def _fake_sorted_folder(count: int = 1000) -> list:
    """Labelled images as a synset-sorted folder lists them: labels 0, 1, 2 ... in order."""
    from helpers.datasets import LabeledImage

    return [LabeledImage(Path(f"image_{i:04d}.JPEG"), i % 1000) for i in range(count)]


def check_calibration_split(split: Callable, calibration_size: int = 300, seed: int = 0) -> Check:
    """06.1: ``split(items, calibration_size, seed)`` must return (calibration, evaluation): disjoint, together
    all the items, each image once, ``calibration_size`` in calibration (tried with two sizes), the same for
    the same seed and not for another, and spread over the classes even when the folder is sorted by class."""
    number = "06.1"
    items = _fake_sorted_folder()
    other_size = calibration_size // 2 + 7
    try:
        first = _split_parts(_call(split, list(items), calibration_size, seed))
        again = _split_parts(_call(split, list(items), calibration_size, seed))
        other_seed = _split_parts(_call(split, list(items), calibration_size, seed + 1))
        smaller = _split_parts(_call(split, list(items), other_size, seed))
    except Placeholder:
        return _not_attempted(number, "NotImplementedError in split")
    except LearnerError as error:
        return _wrong(number, _sentence(str(error)))
    calibration, evaluation = first
    for name, part in (("calibration", calibration), ("evaluation", evaluation)):
        if len({item.path for item in part}) < len(part):
            return _wrong(number, f"some images appear more than once in {name}: each image must be used once.",
                          "draw the calibration images without replacement.")
    paths = lambda part: {item.path for item in part}  # noqa: E731
    if len(calibration) != calibration_size:
        return _wrong(number, f"{len(calibration)} calibration images, asked for {calibration_size}.")
    if len(smaller[0]) != other_size:
        return _wrong(number, f"asked for {other_size} calibration images, split returned {len(smaller[0])}: use "
                      "the calibration_size it is given.")
    if paths(calibration) & paths(evaluation):
        return _wrong(number, "some images are in both parts: the evaluation must not see calibration images.",
                      "why the accuracy is measured on held-out images.")
    if paths(calibration) | paths(evaluation) != paths(items):
        return _wrong(number, "some images are in neither part.")
    if paths(again[0]) != paths(calibration):
        return _wrong(number, "two calls with the same seed give different calibration images.",
                      "seed the random generator with the seed you are given.")
    labels = np.array([item.label for item in calibration])
    if labels.max() - labels.min() < 0.8 * len(items) or not 350 <= labels.mean() <= 650:
        return _wrong(number, f"the calibration images cover only classes {labels.min()} to {labels.max()}, "
                      "mostly one end: the folder is sorted by class.", "why calibration needs representative images.")
    if paths(other_seed[0]) == paths(calibration):
        return _wrong(number, "another seed gives the same calibration images: the seed is not used.",
                      "seed the random generator with the seed you are given.")
    return _right(number, "Disjoint, complete, each image once, the size asked for, reproducible, and spread over "
                  "the classes.")


def _split_parts(answer) -> tuple[list, list]:
    """(calibration, evaluation) as two lists of labelled images, or LearnerError saying what came back."""
    from helpers.datasets import LabeledImage

    try:
        calibration, evaluation = (list(part) for part in answer)
    except (TypeError, ValueError):
        raise LearnerError("split must return two lists: (calibration, evaluation)") from None
    if not all(isinstance(item, LabeledImage) for item in calibration + evaluation):
        strangers = {type(item).__name__ for item in calibration + evaluation if not isinstance(item, LabeledImage)}
        raise LearnerError(f"the two lists must hold the items themselves, not {', '.join(sorted(strangers))} "
                           "(indices or paths?)")
    return calibration, evaluation


def count_quantize_operations(model) -> int:
    """FakeQuantize (and FakeConvert) operations in an ``ov.Model``: 0 for a model that is not quantized."""
    return sum(op.get_type_name() in ("FakeQuantize", "FakeConvert") for op in model.get_ops())


def check_int8_model(int8_model, *, images: int | None = None, min_agreement: float = 0.8) -> Check:
    """06.2: ``int8_model`` (an ``ov.Model`` or the path of its .xml) must be quantized, keep the FP32 IR's
    input and output, and give the FP32 IR's top-1 class on at least ``min_agreement`` of ``images``
    labelled images (default: 30 in quick mode, 100 in full)."""
    import openvino as ov

    from helpers.preprocess import load_and_crop
    from helpers.runtime import compile_model, core

    number = "06.2"
    if _is_placeholder(int8_model):
        return _not_attempted(number, "... after int8_model")
    try:
        model = core().read_model(Path(int8_model)) if isinstance(int8_model, (str, Path)) else int8_model
    except Exception as error:  # noqa: BLE001
        return _wrong(number, f"cannot read {int8_model}: {describe(error)}")
    if not isinstance(model, ov.Model):
        return _wrong(number, f"int8_model is a {type(model).__name__}, not an openvino.Model.",
                      "what nncf.quantize returns.")
    if count_quantize_operations(model) == 0:
        return _wrong(number, "the model has no quantize operations: it is not quantized.",
                      "pass the result of nncf.quantize.")
    try:
        fp32 = core().read_model(_fp32_ir())
        items = _labelled_images(images or _measure_count(30, 100))
    except Exception as error:  # noqa: BLE001
        return _cannot_check(number, _setup_problem(error))
    if model.input().get_partial_shape() != fp32.input().get_partial_shape() or \
            model.output().get_partial_shape() != fp32.output().get_partial_shape():
        return _wrong(number, f"the input or output changed: {model.input().get_partial_shape()} -> "
                      f"{model.output().get_partial_shape()}, the FP32 IR has {fp32.input().get_partial_shape()} -> "
                      f"{fp32.output().get_partial_shape()}.", "quantize the FP32 IR as it is.")
    crops = load_and_crop([item.path for item in items], order="BGR", progress=False).astype(np.float32)
    answers = {}
    for name, m in (("int8", model), ("fp32", fp32)):
        request = compile_model(m, precision="f32").create_infer_request()
        answers[name] = np.array([request.infer({0: c[None]})[0].argmax() for c in crops])
    agreement = float(np.mean(answers["int8"] == answers["fp32"]))
    if agreement < min_agreement:
        return _wrong(number, f"the INT8 model gives FP32's top-1 class on only {agreement:.0%} of {len(items)} "
                      "images.",
                      "the calibration data must be preprocessed exactly like the images at inference.")
    return _right(number, f"Quantized ({count_quantize_operations(model)} quantize operations), same input and output, "
                  f"FP32's top-1 class on {agreement:.0%} of {len(items)} images.")
