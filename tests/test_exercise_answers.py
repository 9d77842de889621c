"""The exercise checkers against answers written the way learners write them.

Each exercise gets a list of right answers in the many forms people write them (another library's function, a
float32 result, an OpenVINO shape, a list instead of an array) that must be accepted, and a list of wrong ones,
each with the words its verdict must use. Some answers are not answers at all (ragged lists, NaN, a callback that
raises or never returns, a function that forgot its return): a checker must give a one-line verdict for those too,
never raise and never hang. tests/test_exercises.py covers each checker's own logic and the solutions."""
from __future__ import annotations

import heapq
import math
import random
import threading
import time
from collections import namedtuple

import cv2
import numpy as np
import openvino as ov
import pytest
from openvino.preprocess import ColorFormat, PrePostProcessor, ResizeAlgorithm

from helpers import exercises as ex
from helpers.exercises import NOT_ATTEMPTED, RIGHT, WRONG, learner_code
from tests.test_exercises import assert_not_yet, assert_right, camera, solution


def assert_one_line_verdict(check):
    lines = str(check).splitlines()
    assert len(lines) <= 2 and (len(lines) == 1 or lines[1].startswith("Hint: ")), str(check)
    assert "Traceback" not in str(check) and "Exception from src" not in str(check), str(check)


def verdict(check, words):
    """Assert the expected verdict: RIGHT for ``words`` None, else "not yet" with those words."""
    assert_one_line_verdict(check)
    if words is None:
        assert_right(check)
    else:
        assert_not_yet(check, *words)


# --- helpers.exercises.learner_code: the machinery every checker uses -------------------------------


def test_a_learner_function_that_never_returns_is_stopped_and_reported():
    def endless():
        while True:
            pass

    started = time.monotonic()
    with pytest.raises(learner_code.LearnerError, match="did not finish within 0.5 s"):
        learner_code.call(endless, timeout_s=0.5)
    assert time.monotonic() - started < 5
    time.sleep(0.5)
    assert not [t for t in threading.enumerate() if t.name == "exercise check" and t.is_alive()], \
        "the endless loop should have been interrupted"


def test_a_learner_function_blocked_in_c_code_is_reported_in_time():
    release = threading.Event()
    try:
        started = time.monotonic()
        with pytest.raises(learner_code.LearnerError, match="did not finish"):
            learner_code.call(release.wait, timeout_s=0.3)
        assert time.monotonic() - started < 3
    finally:
        release.set()


def forgot_return(probabilities, k):
    np.argsort(probabilities)[::-1][:k]  # noqa: B018 - the slip: computed, not returned


def untouched(probabilities, k):
    """The k most probable class indices."""
    ...


def test_none_from_a_body_that_does_something_is_a_forgotten_return_not_a_placeholder():
    with pytest.raises(learner_code.LearnerError, match="forget its return"):
        learner_code.call(forgot_return, np.ones(3), 1)
    with pytest.raises(learner_code.Placeholder):
        learner_code.call(untouched, np.ones(3), 1)
    with pytest.raises(learner_code.Placeholder):
        learner_code.call(lambda: ...)


def test_openvino_errors_become_their_one_informative_line():
    message = ("Exception from src/inference/src/cpp/infer_request.cpp:224:\nCheck 'is_dynamic' failed at "
               "src/plugins/intel_cpu/src/infer_request.cpp:669:\nThe input tensor size is not equal to the model "
               "input type: got [1,3,224,224] expecting [1,224,224,3].\n\n")
    assert learner_code.one_line(RuntimeError(message)).startswith("The input tensor size is not equal")
    assert learner_code.describe(ValueError("x" * 1000)).endswith("...")
    assert len(learner_code.describe(ValueError("x" * 1000))) < 300


@pytest.mark.parametrize("value, words", [
    (float("nan"), "not a finite number"), (float("inf"), "not a finite number"), ("10,000", "text"),
    (True, "truth value"), ([1, 2], "2 values"), ([[1, 2], [3]], "ragged"), (object(), "not numbers"),
])
def test_as_number_explains_what_is_not_one_number(value, words):
    with pytest.raises(learner_code.LearnerError, match=words):
        learner_code.as_number(value)


def test_as_number_reads_one_number_in_any_type():
    tf = pytest.importorskip("tensorflow")
    for value in (3, 3.0, np.float32(3), np.int64(3), np.array(3.0), np.array([3]), [3.0], tf.constant(3.0)):
        assert learner_code.as_number(value) == 3.0


# --- 01.1 ------------------------------------------------------------------------------------------------

RIGHT_INPUTS = solution("01").model_inputs


@pytest.mark.parametrize("changes, words", [
    ({"original_colour_order": "rgb", "converted_colour_order": "bgr"}, None),
    ({"input_shape": [1, 224, 224, 3]}, None),
    ({"input_shape": ov.Shape([1, 224, 224, 3])}, None),
    ({"input_shape": ov.PartialShape([1, 224, 224, 3])}, None),  # model.input().get_partial_shape()
    ({"input_shape": np.array([1, 224, 224, 3])}, None),
    ({"input_shape": "1x224x224x3"}, None),
    ({"value_range": [0.0, 255.0]}, None),
    ({"value_range": range(256)}, None),
    ({"value_range": "0..255"}, None),
    ({"value_range": np.array([0, 255], np.uint8)}, None),
    ({"original_colour_order": ColorFormat.RGB, "converted_colour_order": ColorFormat.BGR}, None),
    ({"input_shape": ov.PartialShape([-1, 224, 224, 3])}, ("dynamic",)),
    ({"input_shape": (1, 3, 224, 224)}, ("wrong order",)),
    ({"input_shape": (224, 224, 3)}, ("input shape",)),
    ({"value_range": (-1, 1)}, ("value range", "scale")),
    ({"value_range": "0-1"}, ("value range", "scale")),
    ({"value_range": 255}, ("value range",)),
    ({"input_shape": object()}, ("input shape",)),
])
def test_01_1_answers(changes, words):
    verdict(ex.check_model_inputs({**RIGHT_INPUTS, **changes}), words)


# --- 02.1 ------------------------------------------------------------------------------------------------


def _read_rgb(path):
    return cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)


def _omz(image, interpolation=cv2.INTER_LINEAR):
    return cv2.resize(image, (256, 256), interpolation=interpolation)[16:240, 16:240]


def pillow_resize(path):
    from PIL import Image

    picture = Image.open(path).convert("RGB").resize((256, 256), Image.BILINEAR)
    return np.expand_dims(np.asarray(picture)[16:240, 16:240], 0).astype("float32")


def flipped_by_slicing(path):
    bgr = cv2.imread(str(path))
    return _omz(bgr)[..., ::-1][np.newaxis].astype(np.float32)


def as_a_list(path):
    return [_omz(_read_rgb(path)).astype(np.float32)]


def float64_area(path):
    return _omz(_read_rgb(path), cv2.INTER_AREA)[None] / 1.0


def crop_without_resize(path):
    image = _read_rgb(path)
    h, w = image.shape[:2]
    return image[h // 2 - 112:h // 2 + 112, w // 2 - 112:w // 2 + 112][None].astype(np.float32)


def minus_one_to_one(path):
    return _omz(_read_rgb(path))[None].astype(np.float32) / 127.5 - 1


def mean_subtracted(path):
    return _omz(_read_rgb(path))[None].astype(np.float32) - np.array([123.7, 116.3, 103.5], np.float32)


def forgot_to_return_the_image(path):
    _omz(_read_rgb(path))[None].astype(np.float32)


def ragged(path):
    return [_omz(_read_rgb(path)), [1, 2, 3]]


def with_nan(path):
    image = _omz(_read_rgb(path))[None].astype(np.float32)
    image[0, 0, 0, 0] = np.nan
    return image


def file_name(path):
    return str(path)


@pytest.mark.parametrize("function, words", [
    (solution("02").preprocess_for_original, None), (pillow_resize, None), (flipped_by_slicing, None),
    (as_a_list, None), (float64_area, None),
    (crop_without_resize, ("without resizing",)),
    (minus_one_to_one, ("-1..1",)),
    (mean_subtracted, ("negative",)),
    (forgot_to_return_the_image, ("forget its return",)),
    (ragged, ("ragged",)),
    (with_nan, ("NaN",)),
    (file_name, ("not numbers",)),
], ids=lambda v: getattr(v, "__name__", None))
def test_02_1_answers(function, words):
    check = ex.check_preprocess_for_original(function)
    verdict(check, words)
    if function is crop_without_resize:
        assert "shorter side" not in check.message


# --- 02.2 ------------------------------------------------------------------------------------------------


def test_02_2_a_loss_written_as_a_signed_change_means_the_same(swap_cost):
    images, low, high = swap_cost
    right = solution("02").my_prediction
    check = ex.check_swap_top5_prediction(-right, measured=swap_cost)
    assert_right(check)
    assert "negative" in check.message
    verdict(ex.check_swap_top5_prediction(-(high + 40), measured=swap_cost), ("costs less", "negative"))
    verdict(ex.check_swap_top5_prediction(np.float32(right), measured=swap_cost), None)


@pytest.mark.parametrize("answer, words", [
    (float("nan"), ("not a finite number",)), (float("inf"), ("not a finite number",)), ("13", ("text",)),
    ([10, 15], ("2 values",)),
])
def test_02_2_answers_that_are_not_one_number(answer, words):
    verdict(ex.check_swap_top5_prediction(answer, measured=(100, 5.0, 15.0)), words)


# --- 02.3 ------------------------------------------------------------------------------------------------


def _ignoring_its_argument(camera_model):
    """The same chain on the IR read from disk (the learner ignores the model given): the checker can judge
    only from the answers."""
    def read_it_myself(model):
        from helpers.convert import existing_ir
        from helpers.runtime import core

        return camera_model(core().read_model(existing_ir("FP32")))
    return read_it_myself


def impossible_colour_conversion(model):
    ppp = PrePostProcessor(model)
    ppp.input().tensor().set_element_type(ov.Type.u8).set_layout(ov.Layout("NHWC")).set_shape([1, 480, 640, 3])
    ppp.input().tensor().set_color_format(ColorFormat.RGB)
    ppp.input().preprocess().convert_color(ColorFormat.NV12_SINGLE_PLANE)  # OpenVINO refuses, over several lines
    return ppp.build()


@pytest.mark.parametrize("camera_model, words", [
    (solution("02").camera_model, None),
    (camera(float_first=True), None),
    (camera(ResizeAlgorithm.RESIZE_CUBIC), None),
    (camera(ResizeAlgorithm.RESIZE_BILINEAR_PILLOW), None),  # antialiased: a fair choice, not a colour mistake
    (camera(ResizeAlgorithm.RESIZE_BICUBIC_PILLOW), None),
    (camera(convert_to=None, reverse=True, color_format=None), None),
    (camera(static=True), None),
    (_ignoring_its_argument(solution("02").camera_model), None),
    (camera(convert_to=None), ("wrong colour order",)),
    (camera(ResizeAlgorithm.RESIZE_BILINEAR_PILLOW, convert_to=None), ("wrong colour order",)),
    (camera(scale=255.0), ("0..1",)),
    (camera(mean=127.5), ("negative",)),
    (impossible_colour_conversion, ()),
], ids=["solution", "float_first", "cubic", "pillow_bilinear", "pillow_bicubic", "reverse_channels", "static_shape",
        "reads_the_ir_itself", "no_colour_conversion", "pillow_without_colour_conversion", "scaled_to_0_1",
        "mean_subtracted", "impossible_conversion"])
def test_02_3_answers(prepared_ir, camera_model, words):
    check = ex.check_camera_preprocessing(camera_model)
    verdict(check, words)
    if words is not None and "wrong colour order" not in words:
        assert "colour order" not in check.message, str(check)


def test_02_3_a_wrong_colour_order_judged_from_the_answers_alone(prepared_ir):
    check = ex.check_camera_preprocessing(_ignoring_its_argument(camera(convert_to=None)))
    assert check.status == WRONG, str(check)
    assert_one_line_verdict(check)


# --- 03.1 ------------------------------------------------------------------------------------------------

ROWS = 6


def _callback(body):
    """A learner's results array and store(request, index) with ``body(results, request, index)``."""
    results = np.zeros((ROWS, 1000), np.float32)

    def store(request, index):
        body(results, request, index)
    return store, results


def copy_of_data(results, request, index):
    results[index, :] = request.get_output_tensor(0).data.copy()


def by_the_default_output(results, request, index):
    results[index] = request.get_output_tensor().data[0]


def with_copyto(results, request, index):
    np.copyto(results[index], request.get_output_tensor(0).data[0])


def from_the_results_dict(results, request, index):
    results[index] = next(iter(request.results.values()))[0]


def raises(results, request, index):
    raise ValueError("not this time")


def raises_in_the_queue(results, request, index, calls=[]):  # noqa: B006 - counts the calls across both runs
    calls.append(index)
    if len(calls) > ROWS:  # the direct calls went through: this is the real queue
        raise KeyError("queue")
    results[index] = request.get_output_tensor(0).data[0]


@pytest.mark.parametrize("body, words", [
    (copy_of_data, None), (by_the_default_output, None), (with_copyto, None), (from_the_results_dict, None),
    (raises, ("your callback raised ValueError", "not this time")),
    (raises_in_the_queue, ("AsyncInferQueue", "raised KeyError")),
], ids=lambda v: getattr(v, "__name__", None))
def test_03_1_answers(prepared_ir, body, words):
    verdict(ex.check_async_callback(*_callback(body)), words)


def test_03_1_a_callback_that_blocks_in_the_queue_is_reported_and_the_checker_returns(prepared_ir):
    release = threading.Event()
    calls = []

    def blocks_in_the_queue(results, request, index):
        calls.append(index)
        if len(calls) > ROWS:  # the direct calls went through; the queue's first call waits forever
            release.wait()
        results[index] = request.get_output_tensor(0).data[0]
    try:
        started = time.monotonic()
        check = ex.check_async_callback(*_callback(blocks_in_the_queue), timeout_s=1.0)
        verdict(check, ("AsyncInferQueue", "did not finish within 1 s"))
        assert time.monotonic() - started < 30
    finally:
        release.set()


def test_03_1_an_endless_loop_in_the_callback_is_reported_and_stopped(prepared_ir):
    stopped = threading.Event()

    def spins(results, request, index):
        try:
            while True:
                pass
        finally:
            stopped.set()
    check = ex.check_async_callback(*_callback(spins), timeout_s=0.5)
    verdict(check, ("did not finish within 0.5 s",))
    assert stopped.wait(5), "the loop should have been interrupted"


# --- 03.2 ------------------------------------------------------------------------------------------------

tf_top_k = namedtuple("TopK", "values indices")  # the convention of torch.topk and tf.math.top_k


def top_k_right_forms():
    return [
        lambda p, k: np.argsort(-p)[:k],
        lambda p, k: p.argsort()[-k:][::-1],
        lambda p, k: np.flip(np.argsort(p))[:k].tolist(),
        lambda p, k: heapq.nlargest(k, range(len(p)), key=p.__getitem__),
        lambda p, k: sorted(range(len(p)), key=lambda i: p[i], reverse=True)[:k],
        lambda p, k: (lambda part: part[np.argsort(-p[part])])(np.argpartition(-p, k - 1)[:k]),
        lambda p, k: np.argsort(p)[::-1][:k].astype(float),
    ]


@pytest.mark.parametrize("top_k", top_k_right_forms())
def test_03_2_right_answers(top_k):
    verdict(ex.check_top_k(top_k), None)


def test_03_2_tensorflow_s_own_top_k():
    tf = pytest.importorskip("tensorflow")
    verdict(ex.check_top_k(lambda p, k: tf.math.top_k(p, k).indices), None)
    verdict(ex.check_top_k(lambda p, k: tf.math.top_k(p, k)), ("two arrays", "(probabilities, indices)"))


@pytest.mark.parametrize("top_k, words", [
    (lambda p, k: tf_top_k(np.sort(p)[::-1][:k], np.argsort(-p)[:k]), ("two arrays", "(probabilities, indices)")),
    (lambda p, k: (np.argsort(-p)[:k], np.sort(p)[::-1][:k]), ("two arrays", "(indices, probabilities)")),
    (lambda p, k: [np.argsort(-p)[:k], [0]], ("ragged",)),
    (forgot_return, ("forget its return",)),
    (lambda p, k: ", ".join(map(str, np.argsort(-p)[:k])), ("not numbers",)),
    (lambda p, k: np.argsort(p)[:k], ("least probable",)),
    (lambda p, k: np.sort(p)[::-1][:k], ("probabilities",)),
    (lambda p, k: 1 / 0, ("ZeroDivisionError",)),
])
def test_03_2_wrong_answers(top_k, words):
    verdict(ex.check_top_k(top_k), words)


# --- 04.1 ------------------------------------------------------------------------------------------------


def float32_mean(probabilities, labels):
    top5 = np.argsort(probabilities, axis=1)[:, -5:]
    return (top5 == labels[:, None]).any(axis=1).astype(np.float32).mean()


def loop_and_count(probabilities, labels):
    hits = 0
    for p, label in zip(probabilities, labels, strict=True):
        if label in np.argsort(p)[::-1][:5]:
            hits += 1
    return hits / len(labels)


def with_argpartition(probabilities, labels):
    top5 = np.argpartition(-probabilities, 5, axis=1)[:, :5]
    return np.mean([label in row for row, label in zip(top5, labels, strict=True)])


def sklearn_score(probabilities, labels):
    from sklearn.metrics import top_k_accuracy_score

    return top_k_accuracy_score(labels, probabilities, k=5, labels=np.arange(1000))


def keras_metric(probabilities, labels):
    import keras

    return keras.ops.mean(keras.metrics.sparse_top_k_categorical_accuracy(labels, probabilities, k=5))


def keras_metric_object(probabilities, labels):
    import keras

    metric = keras.metrics.SparseTopKCategoricalAccuracy(k=5)
    metric.update_state(labels, probabilities)
    return metric.result()


def tensorflow_in_top_k(probabilities, labels):
    import tensorflow as tf

    return tf.reduce_mean(tf.cast(tf.math.in_top_k(labels, probabilities, k=5), tf.float32))


def keras_per_image(probabilities, labels):
    import keras

    return keras.metrics.sparse_top_k_categorical_accuracy(labels, probabilities, k=5)


def hits_per_image(probabilities, labels):
    return (np.argsort(-probabilities, axis=1)[:, :5] == labels[:, None]).any(axis=1)


def top5_error(probabilities, labels):
    return 1 - solution("04").top5_accuracy(probabilities, labels)


@pytest.mark.parametrize("function, words", [
    (solution("04").top5_accuracy, None), (float32_mean, None), (loop_and_count, None), (with_argpartition, None),
    (sklearn_score, None), (keras_metric, None), (keras_metric_object, None), (tensorflow_in_top_k, None),
    (lambda p, y: np.array([float32_mean(p, y)]), None),
    (keras_per_image, ("40 values", "one per image")),
    (hits_per_image, ("40 truth values", "one per image")),
    (top5_error, ("NOT among",)),
    (lambda p, y: float("nan"), ("not a finite number",)),
    (lambda p, y: (0.35, 0.675), ("2 values",)),
    (lambda p, y: "67.5 %", ("text",)),
    (lambda p, y: 3.0, ("between 0 and 1",)),
], ids=lambda v: getattr(v, "__name__", None))
def test_04_1_answers(function, words):
    verdict(ex.check_top5_accuracy(function), words)


# --- 04.2 ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("answer, words", [
    (8494, None), (8500, None), (9604, None), (10_000, None), (10000.0, None), (np.int64(8494), None),
    (np.float32(8494.6), None), (math.ceil(1.96 ** 2 * 0.67 * 0.33 / 0.01 ** 2), None),
    (float("nan"), ("not a finite number",)), (float("inf"), ("not a finite number",)),
    (1e300, ("more than needed",)), (-5, ("negative",)), ("10,000", ("text",)), (True, ("truth value",)),
    ([8494, 9604], ("2 values",)), (4331, ("too few",)), (5989, ("too few",)),  # 1.96 not squared; 90 %
])
def test_04_2_answers(answer, words):
    verdict(ex.check_images_needed(answer), words)


def test_04_2_a_wrong_count_is_answered_with_a_width_not_with_the_count_needed():
    check = ex.check_images_needed(100)
    assert "8,494" not in str(check) and "8494" not in str(check) and "9,604" not in str(check)


# --- 05 ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("answer, words", [
    (10, None), (10.0, None), (np.float64(10), None), (4 / 400 * 1000, None), (1000 / (400 / 4), None),
    (float("nan"), ("not a finite number",)), ("10 ms", ("text",)), (2.5, ("how often a result arrives",)),
])
def test_05_2_answers(answer, words):
    verdict(ex.check_latency_from_throughput(answer), words)


def test_05_2_no_hint_leaves_the_answer_one_multiplication_away():
    """The usual slip, 1000 / 400 = 2.5 ms, must not be told the factor (4 requests) that turns it into the
    answer."""
    for answer in (2.5, 40, 0.4, 100):
        check = ex.check_latency_from_throughput(answer)
        assert check.status == WRONG
        assert not {"4", "four", "10"} & set(str(check).replace(".", " ").replace(",", " ").split()), str(check)


# --- 06.1 ------------------------------------------------------------------------------------------------


def random_sample(items, calibration_size, seed):
    calibration = random.Random(seed).sample(items, calibration_size)
    chosen = set(calibration)
    return calibration, [item for item in items if item not in chosen]


def permutation_then_slice(items, calibration_size, seed):
    order = np.random.default_rng(seed).permutation(len(items))
    return [items[i] for i in order[:calibration_size]], [items[i] for i in order[calibration_size:]]


def with_sklearn(items, calibration_size, seed):
    from sklearn.model_selection import train_test_split

    return train_test_split(items, train_size=calibration_size, random_state=seed)


def legacy_numpy_seed(items, calibration_size, seed):
    np.random.seed(seed)
    chosen = np.random.choice(len(items), calibration_size, replace=False)
    rest = np.setdiff1d(np.arange(len(items)), chosen)
    return np.array(items, dtype=object)[chosen], np.array(items, dtype=object)[rest]


def shuffled_in_place(items, calibration_size, seed):
    random.seed(seed)
    random.shuffle(items)
    return items[:calibration_size], items[calibration_size:]


def with_replacement(items, calibration_size, seed):
    rng = np.random.default_rng(seed)
    calibration = [items[i] for i in rng.integers(0, len(items), calibration_size)]
    return calibration, [item for item in items if item not in set(calibration)]


def ignores_the_size(items, calibration_size, seed):
    return permutation_then_slice(items, 300, seed)


def ignores_the_seed(items, calibration_size, seed):
    return permutation_then_slice(items, calibration_size, 0)


def indices(items, calibration_size, seed):
    order = np.random.default_rng(seed).permutation(len(items))
    return order[:calibration_size].tolist(), order[calibration_size:].tolist()


@pytest.mark.parametrize("split, words", [
    (solution("06").split, None), (random_sample, None), (permutation_then_slice, None), (with_sklearn, None),
    (legacy_numpy_seed, None), (shuffled_in_place, None),
    (with_replacement, ("more than once",)),
    (ignores_the_size, ("calibration_size",)),
    (ignores_the_seed, ("seed is not used",)),
    (indices, ("the items themselves", "int")),
    (lambda items, n, seed: (items[:n], items[n:]), ("cover only classes",)),
], ids=lambda v: getattr(v, "__name__", None))
def test_06_1_answers(split, words):
    verdict(ex.check_calibration_split(split), words)


# --- every checker: not attempted, forgotten returns, nothing that raises ----------------------------


def returns_none_after_work(*args):
    sum(range(3))


@pytest.mark.parametrize("check", [ex.check_top_k, ex.check_top5_accuracy, ex.check_calibration_split,
                                   ex.check_preprocess_for_original])
def test_a_forgotten_return_is_not_called_not_attempted(check):
    result = check(returns_none_after_work)
    assert result.status == WRONG and "forget its return" in result.message, str(result)


@pytest.mark.parametrize("check", [ex.check_top_k, ex.check_top5_accuracy, ex.check_calibration_split,
                                   ex.check_preprocess_for_original, ex.check_images_needed,
                                   ex.check_latency_from_throughput, ex.check_hints, ex.check_model_inputs,
                                   ex.check_int8_model])
@pytest.mark.parametrize("answer", [42, "text", [1, [2, 3]], {"a": 1}, float("nan"), object(), b"\x00"],
                         ids=["int", "str", "ragged", "dict", "nan", "object", "bytes"])
def test_no_checker_raises_on_any_answer(check, answer):
    result = check(answer)
    assert result.status in (WRONG, NOT_ATTEMPTED, RIGHT) or result.status == ex.CANNOT_CHECK
    assert_one_line_verdict(result)
