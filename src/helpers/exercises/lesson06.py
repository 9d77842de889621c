"""Lesson 06's checkers: 06.1 (a calibration split you can trust) and 06.2 (an INT8 model quantized with a given
subset size)."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import openvino as ov

from helpers.datasets import LabeledImage
from helpers.errors import LearnerError, Placeholder
from helpers.exercises.learner_code import call, describe, is_placeholder
from helpers.exercises.material import _fp32_ir, _labelled_images, _measure_count
from helpers.exercises.verdicts import Check, _cannot_check, _not_attempted, _right, _sentence, _wrong, exercise
from helpers.preprocess import load_and_crop
from helpers.quantize import quantized_op_counts
from helpers.runtime import compile_model, read_model

exercise("06.1", "A calibration split you can trust", "Calibration images")
exercise("06.2", "Quantize with a given subset size", "Quantize")


def _fake_sorted_folder(count: int = 1000) -> list:
    """Labelled images as a synset-sorted folder lists them: labels 0, 1, 2 ... in order."""
    return [LabeledImage(Path(f"image_{i:04d}.JPEG"), i % 1000) for i in range(count)]


def check_calibration_split(split: Callable, calibration_size: int = 300, seed: int = 0) -> Check:
    """06.1: ``split(items, calibration_size, seed)`` must return (calibration, evaluation): disjoint, together
    all the items, each image once, ``calibration_size`` in calibration (tried with two sizes), the same for
    the same seed and not for another, and spread over the classes even when the folder is sorted by class."""
    number = "06.1"
    items = _fake_sorted_folder()
    other_size = calibration_size // 2 + 7
    try:
        first = _split_parts(call(split, list(items), calibration_size, seed))
        again = _split_parts(call(split, list(items), calibration_size, seed))
        other_seed = _split_parts(call(split, list(items), calibration_size, seed + 1))
        smaller = _split_parts(call(split, list(items), other_size, seed))
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
    try:
        calibration, evaluation = (list(part) for part in answer)
    except (TypeError, ValueError) as error:
        raise LearnerError("split must return two lists: (calibration, evaluation)") from error
    if not all(isinstance(item, LabeledImage) for item in calibration + evaluation):
        strangers = {type(item).__name__ for item in calibration + evaluation if not isinstance(item, LabeledImage)}
        raise LearnerError(f"the two lists must hold the items themselves, not {', '.join(sorted(strangers))} "
                           "(indices or paths?)")
    return calibration, evaluation


def check_int8_model(int8_model, *, images: int | None = None, min_agreement: float = 0.8) -> Check:
    """06.2: ``int8_model`` (an ``ov.Model`` or the path of its .xml) must be quantized, keep the FP32 IR's
    input and output, and give the FP32 IR's top-1 class on at least ``min_agreement`` of ``images``
    labelled images (default: 30 in quick mode, 100 in full)."""
    number = "06.2"
    if is_placeholder(int8_model):
        return _not_attempted(number, "... after int8_model")
    try:
        model = read_model(int8_model) if isinstance(int8_model, (str, Path)) else int8_model
    except Exception as error:  # noqa: BLE001
        return _wrong(number, f"cannot read {int8_model}: {describe(error)}")
    if not isinstance(model, ov.Model):
        return _wrong(number, f"int8_model is a {type(model).__name__}, not an openvino.Model.",
                      "what nncf.quantize returns.")
    quantize_operations = quantized_op_counts(model).get("FakeQuantize", 0)
    if quantize_operations == 0:
        return _wrong(number, "the model has no quantize operations: it is not quantized.",
                      "pass the result of nncf.quantize.")
    try:
        fp32 = read_model(_fp32_ir())
        items = _labelled_images(images or _measure_count(30, 100))
    except Exception as error:  # noqa: BLE001
        return _cannot_check(number, error)
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
    return _right(number, f"Quantized ({quantize_operations} quantize operations), same input and output, "
                  f"FP32's top-1 class on {agreement:.0%} of {len(items)} images.")
