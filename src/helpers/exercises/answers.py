"""A learner's answer read as what the checker needs (one number, an ``ov.Model``), or the verdict that says
why it cannot be: still the placeholder ("not attempted yet"), or not that kind of answer ("not yet")."""
from __future__ import annotations

from collections.abc import Callable

import openvino as ov

from helpers.errors import LearnerError, Placeholder
from helpers.exercises.learner_code import DEFAULT_TIMEOUT_S, as_number, call, is_placeholder
from helpers.exercises.verdicts import Check, _not_attempted, _sentence, _wrong


def _number_answer(number: str, value, placeholder: str, look_for: str = "") -> float | Check:
    """The learner's ``value`` as one number, or the verdict when it is still the ``placeholder`` ("... after
    my_images") or not one number (with the hint ``look_for``)."""
    if is_placeholder(value):
        return _not_attempted(number, placeholder)
    try:
        return as_number(value)
    except LearnerError as error:
        return _wrong(number, _sentence(str(error)), look_for)


def _model_answer(number: str, function: Callable, argument, name: str, look_for: tuple[str, str], *,
                  timeout_s: float = DEFAULT_TIMEOUT_S) -> ov.Model | Check:
    """The ``ov.Model`` the learner's ``function`` (called ``name`` in the lesson) returns for ``argument``, or
    the verdict when it raises NotImplementedError, raises something else or returns something else (with the
    hints ``look_for``: for an error, for another type)."""
    try:
        model = call(function, argument, timeout_s=timeout_s)
    except Placeholder:
        return _not_attempted(number, f"NotImplementedError in {name}")
    except LearnerError as error:
        return _wrong(number, _sentence(str(error)), look_for[0])
    if not isinstance(model, ov.Model):
        return _wrong(number, f"{name} returned a {type(model).__name__}, not an openvino.Model.", look_for[1])
    return model
