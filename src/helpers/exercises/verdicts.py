"""The verdict machinery every exercise checker shares: the table of exercises, ``Check`` and its four kinds
of verdict, and the small helpers that word them.

A hint names the lesson section that teaches the idea (``Exercise.where``); each lesson's module
(``lesson01`` ... ``lesson06``) adds its own exercises to ``EXERCISES`` with ``exercise()``. The learner's code
runs through ``helpers.exercises.learner_code``; what the checkers run and measure on is in
``helpers.exercises.material``.
"""
from __future__ import annotations

from dataclasses import dataclass

from helpers.exercises.learner_code import one_line

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


EXERCISES: dict[str, Exercise] = {}
"""Every exercise by its number ("02.1"). Each lesson's module adds its own with ``exercise()``, above its
checkers. The section titles must match headings of the lessons (tests/test_exercises.py checks it), so that
every hint points to a cell that exists."""


def exercise(number: str, title: str, section: str) -> Exercise:
    """The exercise ``number`` of its lesson, added to ``EXERCISES``."""
    EXERCISES[number] = Exercise(number, title, section)
    return EXERCISES[number]


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


def _cannot_check(number: str, error: Exception) -> Check:
    """A "cannot check yet" verdict: ``error`` is about the set-up (no IR yet, no images), not the answer."""
    return Check(number, CANNOT_CHECK, f"{one_line(error)} (this is about the set-up, not your answer)")


def _sentence(text: str) -> str:
    """``text`` with a capital first letter and a full stop (str.capitalize would lower the rest)."""
    text = text.rstrip(".")
    return text[:1].upper() + text[1:] + ("" if text.endswith(("?", "!")) else ".")


def _name_of(value) -> str:
    """"rgb", "RGB", ColorOrder.RGB, ColorFormat.RGB, PerformanceMode.LATENCY ... -> "RGB", "LATENCY"."""
    return str(getattr(value, "name", value)).split(".")[-1].strip().upper()
