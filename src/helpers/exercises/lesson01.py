"""Lesson 01's checkers: 01.1 (what each model takes, from the card) and 01.2 (a conversion for BGR input)."""
from __future__ import annotations

import math
import re
from collections.abc import Callable

import numpy as np

from helpers.errors import LearnerError
from helpers.exercises.answers import _model_answer
from helpers.exercises.learner_code import as_number, describe, is_placeholder
from helpers.exercises.material import _photo_path
from helpers.exercises.verdicts import Check, _name_of, _not_attempted, _right, _sentence, _wrong, exercise
from helpers.images import load_image
from helpers.keras_model import keras_predict
from helpers.model_card import CONVERTED_COLOR_ORDER, INPUT_SHAPE, INPUT_VALUE_RANGE, ORIGINAL_COLOR_ORDER
from helpers.preprocess import preprocess
from helpers.runtime import compile_model

exercise("01.1", "What each model takes", "The card")
exercise("01.2", "Convert for BGR input", "Convert with OpenVINO's Python API")


def check_model_inputs(answer: dict | None) -> Check:
    """01.1: ``answer`` = {"original_colour_order", "converted_colour_order", "input_shape", "value_range"}:
    the colour order the original Keras model and the converted IR take, the input shape (a tuple) and the
    range of the input values (low, high)."""
    number = "01.1"
    keys = ("original_colour_order", "converted_colour_order", "input_shape", "value_range")
    if is_placeholder(answer) or not isinstance(answer, dict) or all(is_placeholder(answer.get(k)) for k in keys):
        return _not_attempted(number, "... of each entry")
    missing = [key for key in keys if is_placeholder(answer.get(key))]
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
    number = "01.2"
    model = _model_answer(number, convert, keras_model, "convert_for_bgr",
                          ("the conversion cells.", "what ov.convert_model returns."),
                          timeout_s=300)  # a conversion takes seconds, more on a busy machine
    if isinstance(model, Check):
        return model
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


def _numbers(value) -> tuple | None:
    """The numbers of a shape or range as a learner writes it: a tuple or list, ``ov.Shape``,
    ``ov.PartialShape`` (a dynamic dimension becomes None), a numpy array, or text such as "1x224x224x3" or
    "0..255". None when it is none of these."""
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
