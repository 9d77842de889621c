"""Lesson 05's checkers: 05.1 (the performance hint for a goal) and 05.2 (latency from throughput)."""
from __future__ import annotations

import math

from helpers.exercises.answers import _number_answer
from helpers.exercises.learner_code import is_placeholder
from helpers.exercises.verdicts import Check, _name_of, _not_attempted, _right, _wrong, exercise

exercise("05.1", "Choose the performance hint for a goal", "A naive loop and a measured one")
exercise("05.2", "Latency from throughput", "Threads and streams")


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
    if is_placeholder(hints) or not isinstance(hints, dict) or all(is_placeholder(v) for v in hints.values()):
        return _not_attempted(number, "... of each goal")
    missing = [goal for goal in HINT_GOALS if is_placeholder(hints.get(goal))]
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
    answer = _number_answer(number, latency_ms, "... after my_latency_ms")
    if isinstance(answer, Check):
        return answer
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
