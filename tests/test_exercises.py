"""The exercise checkers (helpers.exercises): each accepts its solution in solutions/, rejects the usual
mistakes with a hint that points to the lesson and never gives the answer, and calls an untouched
exercise "not attempted yet" without raising, so the lessons run under nbval as a learner first sees them."""
from __future__ import annotations

import importlib.util
import json
import re
from functools import cache

import cv2
import numpy as np
import openvino as ov
import pytest
from openvino.preprocess import ColorFormat, PrePostProcessor, ResizeAlgorithm

from helpers import config
from helpers import exercises as ex
from helpers.exercises import CANNOT_CHECK, EXERCISES, NOT_ATTEMPTED, RIGHT, WRONG

SOLUTIONS = config.PROJECT_ROOT / "solutions"
NOTEBOOKS = config.PROJECT_ROOT / "notebooks"


@cache
def solution(lesson: str):
    """The solutions module of a lesson ("02" -> solutions/02_*.py), imported from its path."""
    (path,) = SOLUTIONS.glob(f"{lesson}_*.py")
    spec = importlib.util.spec_from_file_location(f"solution_{lesson}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def assert_right(check):
    assert check.status == RIGHT, str(check)


def assert_not_yet(check, *words):
    """A "not yet" verdict naming the mistake (``words`` in its message) with a hint to the lesson."""
    assert check.status == WRONG, str(check)
    for word in words:
        assert word in check.message, str(check)
    assert check.hint.startswith(f"see Lesson {check.exercise[:2]} ("), check.hint
    assert f'section "{EXERCISES[check.exercise].section}"' in check.hint


def assert_not_attempted(check):
    assert check.status == NOT_ATTEMPTED, str(check)
    assert "Replace the" in check.message


def placeholder_function(*args):
    raise NotImplementedError


def body_is_ellipsis(*args):
    ...


# --- every exercise: a lesson section to point to, and placeholders that do not fail ----------------


def _headings(notebook) -> list[str]:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    lines = [line for cell in cells if cell["cell_type"] == "markdown" for line in "".join(cell["source"]).splitlines()]
    return [line.lstrip("#").strip() for line in lines if line.startswith("#")]


@pytest.mark.parametrize("number", sorted(EXERCISES))
def test_each_hint_points_to_a_section_of_its_lesson(number):
    exercise = EXERCISES[number]
    notebook = NOTEBOOKS / ex.LESSONS[exercise.lesson]
    if not notebook.exists():
        pytest.skip(f"{notebook.name} is not written yet")
    # Headings may carry a number ("## 4. Resize and crop protocols"); the title must be the rest.
    titles = [re.sub(r"^\d+\.\s*", "", heading) for heading in _headings(notebook)]
    assert exercise.section in titles, f"{number}: no heading {exercise.section!r} in {notebook.name}: {titles}"


def test_every_lesson_has_one_to_three_exercises_and_a_solutions_file():
    for lesson in ex.LESSONS:
        count = sum(e.lesson == lesson for e in EXERCISES.values())
        assert 1 <= count <= 3, f"Lesson {lesson} has {count} exercises"
        assert len(list(SOLUTIONS.glob(f"{lesson}_*.py"))) == 1


@pytest.mark.parametrize("check, answers", [
    (ex.check_model_inputs, [None, ..., {"original_colour_order": ..., "converted_colour_order": ...,
                                         "input_shape": ..., "value_range": ...}]),
    (ex.check_swap_top5_prediction, [None, ...]),
    (ex.check_top_k, [placeholder_function, body_is_ellipsis]),
    (ex.check_top5_accuracy, [placeholder_function, body_is_ellipsis]),
    (ex.check_images_needed, [None, ...]),
    (ex.check_hints, [None, {goal: ... for goal in ex.HINT_GOALS}]),
    (ex.check_latency_from_throughput, [None, ...]),
    (ex.check_calibration_split, [placeholder_function, body_is_ellipsis]),
    (ex.check_int8_model, [None, ...]),
])
def test_untouched_exercises_are_not_attempted_and_never_raise(check, answers):
    for answer in answers:
        assert_not_attempted(check(answer))


def test_verdicts_read_as_one_line_and_a_hint():
    check = ex.check_hints({"webcam": "THROUGHPUT", "photo_archive": "THROUGHPUT", "one_image_time": "LATENCY"})
    assert str(check).startswith("Exercise 05.1 (Choose the performance hint for a goal): NOT YET. ")
    assert str(check).splitlines()[1].startswith('Hint: see Lesson 05 (05_device_benchmarks.ipynb), section "')
    assert repr(check) == str(check) and not check.passed


# --- Lesson 01 -----------------------------------------------------------------------------------------


def test_01_1_model_inputs():
    right = solution("01").model_inputs
    assert_right(ex.check_model_inputs(right))
    assert_right(ex.check_model_inputs({**right, "original_colour_order": "rgb", "input_shape": [1, 224, 224, 3]}))
    swapped = {**right, "original_colour_order": "BGR", "converted_colour_order": "RGB"}
    assert_not_yet(ex.check_model_inputs(swapped), "wrong way round")
    assert_not_yet(ex.check_model_inputs({**right, "converted_colour_order": "RGB"}), "converted model's colour order")
    assert_not_yet(ex.check_model_inputs({**right, "value_range": (0, 1)}), "value range", "scale")
    assert_not_yet(ex.check_model_inputs({**right, "input_shape": (1, 3, 224, 224)}), "wrong order")
    assert_not_yet(ex.check_model_inputs({**right, "value_range": ...}), "value_range")
    for check in (ex.check_model_inputs(swapped), ex.check_model_inputs({**right, "value_range": (0, 1)})):
        assert "BGR" not in check.message + check.hint and "255" not in check.message + check.hint


def test_01_2_bgr_conversion(keras_model):
    assert_right(ex.check_bgr_conversion(solution("01").convert_for_bgr, keras_model))
    no_reverse = lambda model: ov.convert_model(model, input=[[1, 224, 224, 3]])  # noqa: E731
    assert_not_yet(ex.check_bgr_conversion(no_reverse, keras_model), "still takes RGB")
    assert_not_yet(ex.check_bgr_conversion(lambda model: model, keras_model), "not an openvino.Model")
    assert_not_yet(ex.check_bgr_conversion(lambda model: 1 / 0, keras_model), "ZeroDivisionError")
    assert_not_attempted(ex.check_bgr_conversion(placeholder_function, keras_model))


# --- Lesson 02 -----------------------------------------------------------------------------------------


def _reading(order: str = "RGB"):
    """Typical learner code: read with OpenCV, then the steps each mistake changes."""
    def read(path):
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)
        return image if order == "BGR" else cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
    return read


def _omz_crop(image):
    resized = cv2.resize(image, (256, 256), interpolation=cv2.INTER_LINEAR)
    return resized[16:240, 16:240]


def test_02_1_preprocessing_for_the_original_model():
    assert_right(ex.check_preprocess_for_original(solution("02").preprocess_for_original))

    def with_pillow(path):  # another library's resize is close enough
        from PIL import Image
        picture = Image.open(path).convert("RGB").resize((256, 256), Image.BILINEAR)
        return np.asarray(picture)[16:240, 16:240][None].astype(np.float32)
    assert_right(ex.check_preprocess_for_original(with_pillow))

    check = ex.check_preprocess_for_original
    assert_not_yet(check(lambda p: _omz_crop(_reading("BGR")(p))[None].astype(np.float32)), "colour order is BGR")
    assert_not_yet(check(lambda p: cv2.resize(_reading()(p), (224, 224))[None].astype(np.float32)),
                   "without the centre crop")
    assert_not_yet(check(lambda p: _omz_crop(_reading()(p))[None].astype(np.float32) / 255), "0..1")
    assert_not_yet(check(lambda p: _omz_crop(_reading()(p)).astype(np.float32)), "batch")
    assert_not_yet(check(lambda p: _omz_crop(_reading()(p))[None].transpose(0, 3, 1, 2).astype(np.float32)), "NCHW")
    assert_not_yet(check(lambda p: _omz_crop(_reading()(p))[None]), "uint8", "float32")
    assert_not_yet(check(lambda p: cv2.resize(_reading()(p), (256, 256))[None].astype(np.float32)), "256, 256")
    assert_not_yet(check(lambda p: open(p / "x")), "NotADirectoryError")
    assert_not_attempted(check(placeholder_function))
    assert_not_attempted(check(body_is_ellipsis))


def test_02_2_prediction_of_the_swap_cost(swap_cost):
    images, low, high = swap_cost
    assert 0 < low <= high, "swapped channels should cost top-5 on any correct weights"
    assert_right(ex.check_swap_top5_prediction(solution("02").my_prediction, measured=swap_cost))
    too_small = ex.check_swap_top5_prediction(0, measured=swap_cost)  # "colour does not matter"
    assert_not_yet(too_small, "costs more")
    assert_not_yet(ex.check_swap_top5_prediction(high + 40, measured=swap_cost), "costs less")
    assert_not_yet(ex.check_swap_top5_prediction(0.12, measured=swap_cost), "points", "share")
    for check in (too_small, ex.check_swap_top5_prediction(high + 40, measured=swap_cost),
                  ex.check_swap_top5_prediction(solution("02").my_prediction, measured=swap_cost)):
        text = re.sub(r"top-\d", "", check.message, flags=re.IGNORECASE)
        numbers = {float(n) for n in re.findall(r"\d+(?:\.\d+)?", text)}
        assert numbers <= {float(images), 95.0}, f"the verdict gives away a measured number: {check}"


def test_02_2_without_images_cannot_check_and_says_why(prepared_ir, offline_sample):
    check = ex.check_swap_top5_prediction(12)
    assert check.status == CANNOT_CHECK and config.ENV_DATA in check.message


def camera(resize=ResizeAlgorithm.RESIZE_LINEAR, convert_to=ColorFormat.BGR, element=ov.Type.u8,
           color_format=ColorFormat.RGB, reverse=False, float_first=False, scale=None, mean=None, static=False):
    """A learner's camera_model: a PrePostProcessor chain with the choices people make and the switches the usual
    mistakes flip (None leaves a step out: no resize, no colour conversion, no colour format on the tensor)."""
    def camera_model(model):
        ppp = PrePostProcessor(model)
        tensor = ppp.input().tensor().set_element_type(element).set_layout(ov.Layout("NHWC"))
        if static:
            tensor.set_spatial_static_shape(480, 640)
        else:
            tensor.set_shape([1, 480, 640, 3])
        if color_format is not None:
            tensor.set_color_format(color_format)
        steps = ppp.input().preprocess()
        if float_first:
            steps.convert_element_type(ov.Type.f32)
        if resize is not None:
            steps.resize(resize)
        if not float_first and element != ov.Type.f32:
            steps.convert_element_type(ov.Type.f32)
        if convert_to is not None:
            steps.convert_color(convert_to)
        if reverse:
            steps.reverse_channels()
        if mean is not None:
            steps.mean(mean)
        if scale is not None:
            steps.scale(scale)
        ppp.input().model().set_layout(ov.Layout("NHWC"))
        return ppp.build()
    return camera_model


def test_02_3_camera_preprocessing(prepared_ir):
    check = ex.check_camera_preprocessing
    assert_right(check(solution("02").camera_model))
    assert_right(check(camera(float_first=True)))  # resizing in float is as good
    assert_not_yet(check(camera(convert_to=None)), "wrong colour order")
    assert_not_yet(check(camera(element=ov.Type.f32)), "uint8")
    assert_not_yet(check(camera(resize=None)))  # the frame cannot reach the 224x224 network
    assert_not_yet(check(lambda model: "model"), "not an openvino.Model")
    assert_not_attempted(check(placeholder_function))


# --- Lesson 03 -----------------------------------------------------------------------------------------


def test_03_1_async_callback(prepared_ir):
    module = solution("03")
    assert_right(ex.check_async_callback(module.store, module.results))

    results = np.zeros((6, 1000), np.float32)
    finished = []

    def in_finishing_order(request, index):  # the classic slip: rows in the order requests finish
        results[len(finished) % len(results)] = request.get_output_tensor(0).data[0]
        finished.append(index)
    assert_not_yet(ex.check_async_callback(in_finishing_order, results), "order the requests finished")

    def first_row(request, index):
        results[0] = request.get_output_tensor(0).data[0]
    assert_not_yet(ex.check_async_callback(first_row, results), "rows")
    assert_not_yet(ex.check_async_callback(lambda request, index: None, results), "all zeros")
    assert_not_yet(ex.check_async_callback(lambda request: None, results), "TypeError")
    assert_not_yet(ex.check_async_callback(module.store, [0] * 8), "N x 1000")
    assert_not_attempted(ex.check_async_callback(placeholder_function, results))


def test_03_2_top_k():
    assert_right(ex.check_top_k(solution("03").top_k))
    assert_not_yet(ex.check_top_k(lambda p, k: np.argsort(p)[:k]), "least probable")
    assert_not_yet(ex.check_top_k(lambda p, k: np.argsort(p)[::-1][:k + 1]), "returned")
    assert_not_yet(ex.check_top_k(lambda p, k: np.sort(np.argsort(p)[::-1][:k])), "most probable first")
    assert_not_yet(ex.check_top_k(lambda p, k: np.sort(p)[::-1][:k]), "probabilities")
    assert_not_attempted(ex.check_top_k(placeholder_function))


# --- Lesson 04 -----------------------------------------------------------------------------------------


def _top(k, order=-1):
    def accuracy(probabilities, labels):
        top = np.argsort(order * probabilities, axis=1)[:, :k]
        return float((top == labels[:, None]).any(axis=1).mean())
    return accuracy


def test_04_1_top5_accuracy():
    assert_right(ex.check_top5_accuracy(solution("04").top5_accuracy))
    assert_not_yet(ex.check_top5_accuracy(_top(4)), "top-4", "one class too few")
    assert_not_yet(ex.check_top5_accuracy(_top(6)), "top-6", "one class too many")
    assert_not_yet(ex.check_top5_accuracy(_top(1)), "top-1")
    assert_not_yet(ex.check_top5_accuracy(_top(5, order=1)), "least probable")
    assert_not_yet(ex.check_top5_accuracy(lambda p, y: 100 * _top(5)(p, y)), "percentage")
    assert_not_yet(ex.check_top5_accuracy(lambda p, y: len(y) * _top(5)(p, y)), "count")
    assert_not_attempted(ex.check_top5_accuracy(placeholder_function))


def test_04_2_images_needed():
    assert_right(ex.check_images_needed(solution("04").my_images))
    assert_right(ex.check_images_needed(9604))  # the worst case, p = 0.5, is a fair answer
    forgot_the_square = ex.check_images_needed(round(1.96 * 0.67 * 0.33 / 0.01 ** 2))
    assert_not_yet(forgot_the_square, "too few")
    assert_not_yet(ex.check_images_needed(1.96 ** 2 * 0.67 * 0.33 / 1 ** 2), "1 point")
    assert_not_yet(ex.check_images_needed(100), "too few", "+-9.")
    assert_not_yet(ex.check_images_needed(100_000), "more than needed")
    assert_not_yet(ex.check_images_needed("lots"), "not a number")
    assert "849" not in str(forgot_the_square) and "8,49" not in str(forgot_the_square)


# --- Lesson 05 -----------------------------------------------------------------------------------------


def test_05_1_hints():
    right = solution("05").my_hints
    assert_right(ex.check_hints(right))
    mode = ov.properties.hint.PerformanceMode
    assert_right(ex.check_hints({"webcam": mode.LATENCY, "photo_archive": "throughput", "one_image_time": "latency"}))
    assert_right(ex.check_hints({**right, "photo_archive": "tput"}))  # benchmark_app's short name
    swapped = ex.check_hints({**right, "webcam": "THROUGHPUT", "photo_archive": "LATENCY"})
    assert_not_yet(swapped, "webcam", "photo_archive")
    assert "one_image_time" not in swapped.message
    assert_not_yet(ex.check_hints({**right, "one_image_time": "THROUGHPUT"}), "one_image_time")
    assert_not_yet(ex.check_hints({**right, "one_image_time": ...}), "no hint yet")
    assert_not_yet(ex.check_hints({**right, "webcam": "FASTEST"}), "not a performance hint")
    given = (swapped.message + swapped.hint).upper()
    assert "LATENCY" not in given and "THROUGHPUT" not in given


def test_05_1_the_cumulative_goal_is_checked_only_where_a_lesson_asks_it():
    right = solution("05").my_hints
    assert_right(ex.check_hints({**right, "cpu_and_gpu": "CUMULATIVE_THROUGHPUT"}))
    assert_not_yet(ex.check_hints({**right, "cpu_and_gpu": "THROUGHPUT"}), "cpu_and_gpu")


def test_05_2_latency_from_throughput():
    assert_right(ex.check_latency_from_throughput(solution("05").my_latency_ms))
    assert_not_yet(ex.check_latency_from_throughput(2.5), "how often a result arrives")
    assert_not_yet(ex.check_latency_from_throughput(0.01), "milliseconds")
    assert_not_yet(ex.check_latency_from_throughput(40), "not the time")


# --- Lesson 06 -----------------------------------------------------------------------------------------


def test_06_1_calibration_split():
    assert_right(ex.check_calibration_split(solution("06").split))
    assert_not_yet(ex.check_calibration_split(lambda items, n, seed: (items[:n], items[n:])), "cover only classes")
    assert_not_yet(ex.check_calibration_split(lambda items, n, seed: (items[::3][:n], items)), "both parts")
    assert_not_yet(ex.check_calibration_split(lambda items, n, seed: (items[::3][:n], items[::3][n:])), "neither")

    def unseeded(items, n, seed):
        chosen = set(np.random.default_rng().choice(len(items), n, replace=False).tolist())
        return [x for i, x in enumerate(items) if i in chosen], [x for i, x in enumerate(items) if i not in chosen]
    assert_not_yet(ex.check_calibration_split(unseeded), "same seed")
    assert_not_yet(ex.check_calibration_split(lambda items, n, seed: (items[:n - 1], items[n - 1:])), "asked for 300")
    assert_not_yet(ex.check_calibration_split(lambda items, n, seed: items), "two lists")


@pytest.fixture(scope="module")
def calibration_items(prepared_ir):
    from helpers.sample import labelled_images

    calibration, _ = solution("06").split(labelled_images(progress=False).items, 300, seed=0)
    return calibration


def test_06_2_int8_model(calibration_items, prepared_ir):
    import nncf

    from helpers.convert import existing_ir
    from helpers.preprocess import load_and_crop_one
    from helpers.runtime import core

    fp32 = lambda: core().read_model(existing_ir("FP32"))  # noqa: E731
    int8 = solution("06").quantize(fp32(), calibration_items, subset_size=32)
    assert_right(ex.check_int8_model(int8))
    assert_not_yet(ex.check_int8_model(fp32()), "not quantized")
    assert_not_yet(ex.check_int8_model(int8.input()), "not an openvino.Model")

    # Calibrated on inputs scaled to 0..1: the quantizers' ranges are far too small for the real 0..255.
    scaled = nncf.Dataset(calibration_items,
                          lambda item: load_and_crop_one(item.path, order="BGR")[None].astype(np.float32) / 255)
    badly_calibrated = nncf.quantize(fp32(), scaled, subset_size=32)
    assert_not_yet(ex.check_int8_model(badly_calibrated), "only")
