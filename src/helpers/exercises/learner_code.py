"""Run a learner's code and read what it gives back, without ever raising or hanging.

The exercise checkers (``helpers.exercises``) hand a learner's function to ``call`` and the value it returns
to ``as_number`` or ``as_array``. Whatever the learner wrote, these either give the checker a plain value or
raise ``LearnerError`` with one line that says what happened ("your code raised ValueError: ...", "returned
None: did it forget its return?", "did not finish within 10 s", "40 values instead of one number"), or
``Placeholder`` when the exercise is still untouched. The learner's code runs in a worker thread: one that
does not finish in time is reported and, where it is a loop of Python code, stopped, so a learner never has
to restart the kernel because of a checker. ``GuardedCallback`` does the same for a callback that OpenVINO
calls (an ``AsyncInferQueue``'s), where an exception would otherwise surface in ``wait_all``.
"""
from __future__ import annotations

import ctypes
import dis
import threading
from collections.abc import Callable

import numpy as np

from helpers.errors import LearnerError, LearnerTimedOut, Placeholder

DEFAULT_TIMEOUT_S = 30.0
_MESSAGE_LENGTH = 240


def one_line(error: BaseException | str) -> str:
    """The informative line of an error message. OpenVINO's errors run over several lines ("Exception
    from src/...cpp:224:", "Check '...' failed at ...", then the reason); this keeps the reason."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    reasons = [line for line in lines if not line.startswith(("Exception from ", "Check '"))]
    text = (reasons or lines or [""])[0]
    return text if len(text) <= _MESSAGE_LENGTH else text[:_MESSAGE_LENGTH - 3] + "..."


def describe(error: BaseException) -> str:
    """``ValueError: the reason``, in one line."""
    text = one_line(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def is_placeholder(value) -> bool:
    return value is None or value is Ellipsis


_DO_NOTHING = {"RESUME", "NOP", "LOAD_CONST", "RETURN_VALUE", "RETURN_CONST", "CACHE", "POP_TOP"}


def does_nothing(function: Callable) -> bool:
    """True for a function whose body is only ``...``, ``pass`` and a docstring (an untouched exercise)."""
    code = getattr(function, "__code__", None)
    return code is not None and all(op.opname in _DO_NOTHING for op in dis.get_instructions(code))


def _raise_in_thread(ident: int) -> None:
    """Ask the thread ``ident`` to raise LearnerTimedOut at its next Python instruction (CPython's
    PyThreadState_SetAsyncExc). A thread blocked inside C code (a lock, a sleep) raises when it returns."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), ctypes.py_object(LearnerTimedOut))


def run_with_timeout(work: Callable[[], object], timeout_s: float, on_timeout: Callable[[], None] | None = None):
    """``work()``'s result, run in a daemon thread. What it raises is raised here; if it is still running
    after ``timeout_s`` seconds, ``on_timeout`` (if given) and an interruption of the thread are tried, and
    LearnerError says it did not finish."""
    outcome: dict = {}

    def target():
        try:
            outcome["value"] = work()
        except BaseException as error:  # noqa: BLE001 - handed to the caller's thread
            outcome["error"] = error

    worker = threading.Thread(target=target, name="exercise check", daemon=True)
    worker.start()
    worker.join(timeout_s)
    if worker.is_alive():
        if on_timeout is not None:
            on_timeout()
        _raise_in_thread(worker.ident)
        worker.join(0.5)
        raise LearnerError(f"your code did not finish within {timeout_s:g} s: an endless loop, or a call that waits "
                           "for something that never comes?")
    if "error" in outcome:
        if isinstance(outcome["error"], LearnerTimedOut):
            raise LearnerError(f"your code did not finish within {timeout_s:g} s.")
        raise outcome["error"]
    return outcome["value"]


def call(function: Callable, *args, timeout_s: float = DEFAULT_TIMEOUT_S):
    """``function(*args)``'s result, or Placeholder / LearnerError instead of whatever went wrong."""
    if not callable(function):
        raise LearnerError(f"expected a function, got {_kind(function)}.")
    try:
        result = run_with_timeout(lambda: function(*args), timeout_s)
    except NotImplementedError as error:
        raise Placeholder from error
    except LearnerError:
        raise
    except BaseException as error:  # noqa: BLE001 - any mistake in the learner's code becomes a verdict
        raise LearnerError(f"your code raised {describe(error)}") from error
    if result is Ellipsis or (result is None and does_nothing(function)):
        raise Placeholder
    if result is None:
        name = getattr(function, "__name__", "<")
        raise LearnerError(f"your function{'' if name.startswith('<') else ' ' + name} returned None: did it forget "
                           "its return?")
    return result


class GuardedCallback:
    """A learner's callback as OpenVINO may call it: what it raises is kept in ``error`` (the first one)
    instead of surfacing in ``wait_all``; ``interrupt()`` stops the calls still running (see run_with_timeout)."""

    def __init__(self, function: Callable):
        self.function = function
        self.error: BaseException | None = None
        self._running: set[int] = set()
        self._lock = threading.Lock()

    def __call__(self, *args):
        ident = threading.get_ident()
        with self._lock:
            self._running.add(ident)
        try:
            self.function(*args)
        except BaseException as error:  # noqa: BLE001 - reported by the checker
            with self._lock:
                self.error = self.error or error
        finally:
            with self._lock:
                self._running.discard(ident)

    def interrupt(self) -> None:
        with self._lock:
            for ident in self._running:
                _raise_in_thread(ident)


def _kind(value) -> str:
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)}"
    return f"a {type(value).__module__.split('.')[0]}.{type(value).__name__}" \
        if type(value).__module__ not in ("builtins", "numpy") else f"a {type(value).__name__}"


def as_array(value, *, numeric: bool = True) -> np.ndarray:
    """``value`` (a numpy array, a list, a TensorFlow or PyTorch tensor, a Pillow image ...) as a numpy
    array; LearnerError for a ragged sequence or, with ``numeric``, anything that does not hold numbers."""
    try:
        array = np.asarray(value)
    except Exception as error:  # noqa: BLE001 - ragged lists, tensors that refuse numpy
        if isinstance(value, (list, tuple)):
            raise LearnerError(f"a ragged {type(value).__name__} (its parts have different lengths), "
                               "not one array") from error
        raise LearnerError(f"{_kind(value)} that numpy cannot read ({describe(error)})") from error
    if numeric and array.dtype.kind not in "biuf":
        raise LearnerError(f"{_kind(value)} of {array.dtype} values, not numbers")
    return array


def as_number(value) -> float:
    """One finite number from ``value`` (an int, a float, a numpy scalar or one-element array, a tensor of
    one value); LearnerError says what it is otherwise."""
    if isinstance(value, bool) or isinstance(value, np.bool_):
        raise LearnerError(f"{value} is a truth value, not a number")
    if isinstance(value, str):
        raise LearnerError(f"{value!r} is text, not a number (write the number without quotes)")
    array = as_array(value)
    if array.size != 1:
        raise LearnerError(f"{array.size} values (shape {array.shape}) instead of one number")
    number = float(array.reshape(-1)[0])
    if not np.isfinite(number):
        raise LearnerError(f"the answer is {number}, not a finite number")
    return number
