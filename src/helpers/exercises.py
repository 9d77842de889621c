"""Self-checks for the exercises at the end of each lesson.

Each ``check_*`` function takes the learner's answer (a value or a function) and returns a ``Check``,
which a notebook shows as one short verdict: right, not yet (with a hint), or not attempted yet. A hint
names the lesson section that teaches the idea and never gives the answer. A checker never raises on
a learner's answer: an exception inside the learner's code is reported as part of the verdict, and an
answer left as ``...``, ``None`` or ``raise NotImplementedError`` is "not attempted yet", so the lessons
run from top to bottom (and under nbval) with the exercises untouched. Model solutions live in the
project's ``solutions/`` folder, not in the lessons.

The checkers that run a model use the FP32 IR of Lesson 01 and, where they measure, images of
``TUTORIAL_DATA``; when one is missing they say "cannot check yet" and what to do.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

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
        text = f"Exercise {self.exercise} ({title}): {self.status.upper()}. {self.message}"
        return text + (f"\nHint: {self.hint}" if self.hint else "")

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


def _is_placeholder(value) -> bool:
    return value is None or value is Ellipsis


class _Placeholder(Exception):
    """The learner's function is still the placeholder (raised NotImplementedError or returned ... / None)."""


class _LearnerError(Exception):
    """The learner's code raised; the message names the exception."""


def _call(function: Callable, *args):
    """Call the learner's function: its result, or _Placeholder / _LearnerError instead of what it raised."""
    try:
        result = function(*args)
    except NotImplementedError:
        raise _Placeholder from None
    except Exception as error:  # noqa: BLE001 - any mistake in the learner's code becomes a verdict
        raise _LearnerError(f"your code raised {type(error).__name__}: {error}") from None
    if _is_placeholder(result):
        raise _Placeholder
    return result


def _sentence(text: str) -> str:
    """``text`` with a capital first letter and a full stop (str.capitalize would lower the rest)."""
    text = text.rstrip(".")
    return text[:1].upper() + text[1:] + "."


def _setup_problem(error: Exception) -> str:
    return f"{error} (this is about the set-up, not your answer)"


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
    """``count`` labelled images of TUTORIAL_DATA, evenly spread (ConfigError when it is not set)."""
    from helpers import config
    from helpers.datasets import evenly_spaced, read_dataset

    return evenly_spaced(read_dataset(config.data_dir(required=True)), count)


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
    original = str(answer["original_colour_order"]).upper()
    converted = str(answer["converted_colour_order"]).upper()
    if (original, converted) == (CONVERTED_COLOR_ORDER, ORIGINAL_COLOR_ORDER):
        problems.append("the two colour orders are the wrong way round")
    else:
        if original != ORIGINAL_COLOR_ORDER:
            problems.append("the original model's colour order is not right")
        if converted != CONVERTED_COLOR_ORDER:
            problems.append("the converted model's colour order is not right")
    try:
        shape = tuple(int(n) for n in answer["input_shape"])
    except (TypeError, ValueError):
        shape = None
    if shape != INPUT_SHAPE:
        if shape is not None and sorted(shape) == sorted(INPUT_SHAPE):
            problems.append("the input shape has the right numbers in the wrong order (which layout is it?)")
        else:
            problems.append("the input shape is not right")
    try:
        low, high = (float(v) for v in answer["value_range"])
    except (TypeError, ValueError):
        low = high = math.nan
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
        model = _call(convert, keras_model)
    except _Placeholder:
        return _not_attempted(number, "NotImplementedError in convert_for_bgr")
    except _LearnerError as error:
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
        return _wrong(number, f"the model cannot run a 1x224x224x3 float32 image: {type(error).__name__}: "
                      f"{str(error).splitlines()[0]}", "the input shape given to the conversion.")
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

    from helpers.preprocess import preprocess, to_model_input

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
    }


def _check_preprocessing(number: str, function: Callable, model_order: str, section_hint: str) -> Check:
    path = _photo_path()
    try:
        result = _call(function, path)
    except _Placeholder:
        return _not_attempted(number, f"NotImplementedError in {getattr(function, '__name__', 'your function')}")
    except _LearnerError as error:
        return _wrong(number, _sentence(str(error)), section_hint)
    result = np.asarray(result)
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
    if result.max() <= 1.0:
        return _wrong(number, "the values lie in 0..1; this model takes 0..255 (its scaling is inside it).",
                      "the value range the model expects.")
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
        predicted = float(predicted_points)
    except (TypeError, ValueError):
        return _wrong(number, f"{predicted_points!r} is not a number of points.", "what a point of accuracy is.")
    if 0 < predicted < 1:
        return _wrong(number, "give the loss in points of accuracy (a 4.5 % drop is 4.5), not as a share.")
    try:
        images, low, high = measured or measure_swap_cost()
    except Exception as error:  # noqa: BLE001 - a missing IR or TUTORIAL_DATA
        return _cannot_check(number, _setup_problem(error))
    if low - margin <= predicted <= high + margin:
        return _right(number, f"The measured loss on {images} images agrees with your prediction (within its 95 % "
                      "interval and a margin of a few points). Top-1 and top-5 lose differently: think about why.")
    if predicted < low - margin:
        return _wrong(number, f"swapping costs more top-5 than that (measured on {images} images).",
                      "how much a swapped image confuses the model, and how top-5 relates to top-1.")
    return _wrong(number, f"swapping costs less top-5 than that (measured on {images} images).",
                  "top-5 forgives a wrong first answer when the right class is still among the five.")


def _camera_frame_rgb() -> np.ndarray:
    """The test frame: the demo photo as an RGB camera of 640x480 would deliver it (480 x 640 x 3 uint8)."""
    import cv2

    from helpers.images import load_image

    return cv2.resize(load_image(_photo_path(), "RGB"), (640, 480), interpolation=cv2.INTER_AREA)


def check_camera_preprocessing(camera_model: Callable) -> Check:
    """02.3: ``camera_model(model)`` gets the FP32 IR (an ``ov.Model``) and must return a model whose input
    is what an RGB camera delivers, 1 x 480 x 640 x 3 uint8 (NHWC), with resizing, float conversion and
    colour conversion inside, so that its answer matches the reference pipeline
    (``helpers.preprocessing_model.with_preprocessing(ir, "RGB")``) on a test frame."""
    import openvino as ov

    from helpers.preprocessing_model import with_preprocessing
    from helpers.runtime import compile_model, core

    number = "02.3"
    try:
        ir = _fp32_ir()
    except Exception as error:  # noqa: BLE001
        return _cannot_check(number, _setup_problem(error))
    try:
        model = _call(camera_model, core().read_model(ir))
    except _Placeholder:
        return _not_attempted(number, "NotImplementedError in camera_model")
    except _LearnerError as error:
        return _wrong(number, _sentence(str(error)), "the PrePostProcessor calls, in order.")
    if not isinstance(model, ov.Model):
        return _wrong(number, f"camera_model returned a {type(model).__name__}, not an openvino.Model.",
                      "what PrePostProcessor.build() returns.")
    port = model.input()
    if port.get_element_type() != ov.Type.u8:
        return _wrong(number, f"your model's input is {port.get_element_type()}; the camera delivers uint8.",
                      "the tensor's element type.")
    if not port.get_partial_shape().compatible(ov.PartialShape([1, 480, 640, 3])):
        return _wrong(number, f"your model's input shape is {port.get_partial_shape()}; a frame is 1 x 480 x 640 x 3 "
                      "(NHWC).", "the tensor's layout and shape.")
    frame = _camera_frame_rgb()[None]
    try:
        answer = compile_model(model, precision="f32")(frame)[0][0]
    except Exception as error:  # noqa: BLE001
        return _wrong(number, f"your model cannot run a 480x640 frame: {type(error).__name__}: "
                      f"{str(error).splitlines()[0]}", "the resize step.")
    reference = compile_model(with_preprocessing(ir, "RGB"), precision="f32")
    expected, expected_if_swapped = reference(frame)[0][0], reference(frame[..., ::-1].copy())[0][0]
    # Converting to float before resizing (or another resize mode) moves the answer by a little.
    if answer.argmax() == expected.argmax() and np.abs(answer - expected).max() < 0.05:
        return _right(number, "On the test frame your model answers like the reference pipeline.")
    if np.abs(answer - expected_if_swapped).max() < np.abs(answer - expected).max():
        return _wrong(number, "your model gives the network the frame in the wrong colour order.",
                      "which colour order the IR takes, and the colour conversion step.")
    return _wrong(number, "on the test frame your model answers differently from the reference pipeline.",
                  "the preprocessing steps and their order.")


# --- Lesson 03 -----------------------------------------------------------------------------------------


def _distinct_inputs(count: int, seed: int = 0) -> np.ndarray:
    """``count`` different 1x224x224x3 float32 inputs (smooth random pictures, so the answers differ)."""
    import cv2

    rng = np.random.default_rng(seed)
    small = rng.integers(0, 256, (count, 7, 7, 3)).astype(np.uint8)
    return np.stack([cv2.resize(s, (224, 224), interpolation=cv2.INTER_CUBIC) for s in small]).astype(np.float32)


def check_async_callback(store: Callable, results: np.ndarray) -> Check:
    """03.1: ``store(request, index)`` is an AsyncInferQueue callback that must copy the request's
    1000 probabilities into row ``index`` of ``results`` (an N x 1000 array). It is called out of order,
    as finished requests arrive, then used with a real AsyncInferQueue."""
    import openvino as ov

    number = "03.1"
    results = results if isinstance(results, np.ndarray) else None
    if results is None or results.ndim != 2 or results.shape[1] != 1000 or len(results) < 2:
        return _wrong(number, "results must be an N x 1000 numpy array (N of at least 2) that store writes into.")
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
    try:
        for index in order:
            store(requests[index], int(index))
    except NotImplementedError:
        return _not_attempted(number, "NotImplementedError in store")
    except Exception as error:  # noqa: BLE001
        return _wrong(number, f"store raised {type(error).__name__}: {error}.", "the callback's two arguments.")
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
    queue.set_callback(store)
    for index, x in enumerate(inputs):
        queue.start_async({0: x[None]}, userdata=index)
    queue.wait_all()
    if not np.allclose(results, expected, atol=1e-5):
        return _wrong(number, "called directly store works, but with a real AsyncInferQueue the rows come out wrong.",
                      "copy the output inside the callback: the request's buffer is reused.")
    return _right(number, f"Called out of order and with a real AsyncInferQueue, each of the {len(results)} rows "
                  "holds its own image's probabilities.")


def check_top_k(top_k: Callable) -> Check:
    """03.2: ``top_k(probabilities, k)`` takes a vector of 1000 probabilities and must return the ``k``
    most probable class indices, most probable first."""
    number = "03.2"
    rng = np.random.default_rng(3)
    for probabilities, k in zip(_distinct_probabilities(rng, 4), (5, 1, 3, 10), strict=True):
        try:
            answer = _call(top_k, probabilities.copy(), k)
        except _Placeholder:
            return _not_attempted(number, "NotImplementedError in top_k")
        except _LearnerError as error:
            return _wrong(number, _sentence(str(error)))
        answer = np.asarray(answer).ravel()
        expected = np.argsort(-probabilities)[:k]
        if np.array_equal(answer, expected):
            continue
        if np.issubdtype(answer.dtype, np.floating) and np.allclose(np.sort(answer)[::-1], probabilities[expected]):
            return _wrong(number, "top_k returned probabilities; return the class indices.", "argsort vs sort.")
        if len(answer) != k:
            return _wrong(number, f"for k={k} top_k returned {len(answer)} classes.", "slicing the first k.")
        if np.array_equal(answer, np.argsort(probabilities)[:k]):
            return _wrong(number, "these are the k least probable classes.", "the sort direction.")
        if sorted(answer.tolist()) == sorted(expected.tolist()):
            return _wrong(number, "the right classes, but not most probable first.", "the sort direction.")
        return _wrong(number, f"for k={k} the classes are not the k most probable.")
    return _right(number, "The k most probable classes, most probable first, for k = 1, 3, 5 and 10.")


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
        answer = float(_call(top5_accuracy, probabilities.copy(), labels.copy()))
    except _Placeholder:
        return _not_attempted(number, "NotImplementedError in top5_accuracy")
    except (_LearnerError, TypeError, ValueError) as error:
        return _wrong(number, _sentence(str(error)))
    expected = top_k_accuracy(probabilities, labels, 5)
    if math.isclose(answer, expected, abs_tol=1e-9):
        return _right(number, "Your top-5 accuracy matches on a test set built to catch the usual slips.")
    if math.isclose(answer, 100 * expected, abs_tol=1e-6):
        return _wrong(number, "that is a percentage; return a share between 0 and 1.")
    if math.isclose(answer, expected * len(labels), abs_tol=1e-6):
        return _wrong(number, "that is a count of images; return a share between 0 and 1.")
    for k, slip in ((4, "one class too few"), (6, "one class too many"), (1, "only the first class")):
        if math.isclose(answer, top_k_accuracy(probabilities, labels, k), abs_tol=1e-9):
            return _wrong(number, f"your answer counts {slip} (top-{k}); check which classes are the top five.",
                          "how top-5 is defined.")
    if math.isclose(answer, top_k_accuracy(-probabilities, labels, 5), abs_tol=1e-9):
        return _wrong(number, "your answer takes the five least probable classes.", "the sort direction.")
    return _wrong(number, "the share is not right on the test set.", "how top-5 is defined.")


def check_images_needed(images: int | float | None, accuracy: float = 0.67, half_width_points: float = 1.0) -> Check:
    """04.2: how many images does a 95 % interval of +-``half_width_points`` need at ``accuracy``? Right
    within 15 % of the normal approximation (so the worst-case p = 0.5 answer counts too)."""
    from helpers.metrics import wilson_interval

    number = "04.2"
    if _is_placeholder(images):
        return _not_attempted(number, "... after my_images")
    try:
        n = float(images)
    except (TypeError, ValueError):
        return _wrong(number, f"{images!r} is not a number of images.")
    needed = 1.959964 ** 2 * accuracy * (1 - accuracy) / (half_width_points / 100) ** 2
    if 0.9 * needed <= n <= 1.15 * needed:
        return _right(number, "With that many images the 95 % interval is about +-1 point.")
    if n < 2:
        return _wrong(number, "fewer than two images: is 1 point 1, or 0.01 as a share?")
    low, high = wilson_interval(round(accuracy * n), round(n))
    width = 100 * (high - low) / 2
    direction = "too few" if n < needed else "more than needed"
    return _wrong(number, f"{direction}: with {n:,.0f} images the 95 % interval is about +-{width:.1f} points.",
                  "the interval's width shrinks with the square root of the number of images.")


# --- Lesson 05 -----------------------------------------------------------------------------------------

HINT_GOALS = {
    "webcam": "a webcam app shows each frame's class as soon as that frame is classified",
    "photo_archive": "classify 100,000 photos overnight, as many per second as possible",
    "cpu_and_gpu": "a batch job that should keep every device of the machine busy at once (CPU and GPU)",
}
_RIGHT_HINTS = {"webcam": "LATENCY", "photo_archive": "THROUGHPUT", "cpu_and_gpu": "CUMULATIVE_THROUGHPUT"}


def _hint_name(value) -> str:
    """"latency", "LATENCY", ov.properties.hint.PerformanceMode.LATENCY ... -> "LATENCY"."""
    return str(getattr(value, "name", value)).split(".")[-1].strip().upper()


def check_hints(hints: dict | None) -> Check:
    """05.1: ``hints`` maps each goal of ``HINT_GOALS`` to a performance hint (a string or
    ``ov.properties.hint.PerformanceMode``)."""
    number = "05.1"
    if _is_placeholder(hints) or not isinstance(hints, dict) or all(_is_placeholder(v) for v in hints.values()):
        return _not_attempted(number, "... of each goal")
    missing = [goal for goal in HINT_GOALS if _is_placeholder(hints.get(goal))]
    if missing:
        return _wrong(number, f"no hint yet for {', '.join(missing)}.")
    wrong = [goal for goal, hint in _RIGHT_HINTS.items() if _hint_name(hints[goal]) != hint]
    if wrong:
        return _wrong(number, f"not the best hint for: {', '.join(wrong)}.",
                      "what each hint optimises, one request's time or images per second, and on how many devices.")
    return _right(number, "Each goal has the hint made for it.")


def check_latency_from_throughput(latency_ms: float | None, requests: int = 4, throughput: float = 400.0) -> Check:
    """05.2: with ``requests`` requests always in flight and ``throughput`` images/s (batch 1), about how
    long does one request take, in ms? (Little's law: requests in flight = throughput x latency.)"""
    number = "05.2"
    if _is_placeholder(latency_ms):
        return _not_attempted(number, "... after my_latency_ms")
    try:
        answer = float(latency_ms)
    except (TypeError, ValueError):
        return _wrong(number, f"{latency_ms!r} is not a number of milliseconds.")
    expected = 1000 * requests / throughput
    if math.isclose(answer, expected, rel_tol=0.1):
        return _right(number, "Each request takes that long; several overlap, so results arrive more often.")
    if math.isclose(answer, 1000 / throughput, rel_tol=0.1):
        return _wrong(number, "that is the time between two results, not how long one request takes: "
                      f"{requests} requests are in flight at once.", "how streams and requests overlap.")
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
    all the items, ``calibration_size`` in calibration, the same for the same seed, and spread over the
    classes even when the folder is sorted by class."""
    number = "06.1"
    items = _fake_sorted_folder()
    try:
        first = _call(split, list(items), calibration_size, seed)
        second = _call(split, list(items), calibration_size, seed)
    except _Placeholder:
        return _not_attempted(number, "NotImplementedError in split")
    except _LearnerError as error:
        return _wrong(number, _sentence(str(error)))
    try:
        calibration, evaluation = (list(part) for part in first)
    except (TypeError, ValueError):
        return _wrong(number, "split must return two lists: (calibration, evaluation).")
    paths = lambda part: {item.path for item in part}  # noqa: E731
    if len(calibration) != calibration_size:
        return _wrong(number, f"{len(calibration)} calibration images, asked for {calibration_size}.")
    if paths(calibration) & paths(evaluation):
        return _wrong(number, "some images are in both parts: the evaluation must not see calibration images.",
                      "why the accuracy is measured on held-out images.")
    if paths(calibration) | paths(evaluation) != paths(items):
        return _wrong(number, "some images are in neither part.")
    if [item.path for item in list(second[0])] != [item.path for item in calibration]:
        return _wrong(number, "two calls with the same seed give different calibration images.",
                      "seed the random generator with the seed you are given.")
    labels = np.array([item.label for item in calibration])
    if labels.max() - labels.min() < 0.8 * len(items) or not 350 <= labels.mean() <= 650:
        return _wrong(number, f"the calibration images cover only classes {labels.min()} to {labels.max()}, "
                      "mostly one end: the folder is sorted by class.", "why calibration needs representative images.")
    return _right(number, "Disjoint, complete, reproducible, and spread over the classes.")


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
        return _wrong(number, f"cannot read {int8_model}: {error}")
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
