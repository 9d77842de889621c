"""Self-checks for the exercises at the end of each lesson.

Each ``check_*`` function takes the learner's answer (a value or a function) and returns a ``Check``,
which a notebook shows as one short verdict: right, not yet (with a hint), or not attempted yet. A hint
names the lesson section that teaches the idea and never gives the answer, nor leaves it one
multiplication away. A checker never raises on a learner's answer and never hangs: the learner's code runs
through ``helpers.exercises.learner_code`` (with a timeout; an exception inside it is reported in the verdict's
one line), answers in other libraries' types (TensorFlow or PyTorch tensors, OpenVINO shapes) are read or
explained, and an answer left as ``...`` or ``raise NotImplementedError`` (or a body that does nothing) is
"not attempted yet", so the lessons run from top to bottom (and under nbval) with the exercises untouched.
Right answers are recognised by what they mean, within tolerances that fit the numbers (a float32 share, an
estimate), not by how they are written. Model solutions live in the project's ``solutions/`` folder, not in
the lessons.

The checkers that run a model use the FP32 IR of Lesson 01 and, where they measure, images of
``TUTORIAL_DATA``; when one is missing they say "cannot check yet" and what to do.

The lessons call ``exercises.check_...`` from here. Inside: ``verdicts`` (``Check``, the table of exercises,
the kinds of verdict), ``learner_code`` (running the learner's code with a time limit), and one module of
checkers per lesson, ``lesson01`` ... ``lesson06``, each holding the exercises numbered after its lesson.
"""
from helpers.exercises.lesson01 import check_bgr_conversion, check_model_inputs
from helpers.exercises.lesson02 import (
    check_camera_preprocessing,
    check_preprocess_for_original,
    check_swap_top5_prediction,
)
from helpers.exercises.lesson03 import check_async_callback, check_top_k
from helpers.exercises.lesson04 import check_images_needed, check_top5_accuracy
from helpers.exercises.lesson05 import HINT_GOALS, check_hints, check_latency_from_throughput
from helpers.exercises.lesson06 import check_calibration_split, check_int8_model
from helpers.exercises.verdicts import CANNOT_CHECK, EXERCISES, LESSONS, NOT_ATTEMPTED, RIGHT, WRONG, Check, Exercise

__all__ = [
    "CANNOT_CHECK", "EXERCISES", "HINT_GOALS", "LESSONS", "NOT_ATTEMPTED", "RIGHT", "WRONG", "Check", "Exercise",
    "check_async_callback", "check_bgr_conversion", "check_calibration_split", "check_camera_preprocessing",
    "check_hints", "check_images_needed", "check_int8_model", "check_latency_from_throughput", "check_model_inputs",
    "check_preprocess_for_original", "check_swap_top5_prediction", "check_top5_accuracy", "check_top_k",
]
