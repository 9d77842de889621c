"""Lesson 03's checkers: 03.1 (an AsyncInferQueue callback that keeps the order) and 03.2 (top-k classes by
hand)."""
from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
import openvino as ov

from helpers.errors import LearnerError, Placeholder
from helpers.exercises.learner_code import GuardedCallback, as_array, call, describe, run_with_timeout
from helpers.exercises.material import _compiled_fp32, _distinct_probabilities
from helpers.exercises.verdicts import Check, _cannot_check, _not_attempted, _right, _sentence, _wrong, exercise

exercise("03.1", "An AsyncInferQueue callback that keeps the order", "A queue of requests")
exercise("03.2", "Top-k classes by hand", "One photo, one request")


def _distinct_inputs(count: int, seed: int = 0) -> np.ndarray:
    """``count`` different 1x224x224x3 float32 inputs (smooth random pictures, so the answers differ)."""
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 256, (count, 7, 7, 3)).astype(np.uint8)
    return np.stack([cv2.resize(s, (224, 224), interpolation=cv2.INTER_CUBIC) for s in small]).astype(np.float32)


def check_async_callback(store: Callable, results: np.ndarray, *, timeout_s: float = 20.0) -> Check:
    """03.1: ``store(request, index)`` is an AsyncInferQueue callback that must copy the request's
    1000 probabilities into row ``index`` of ``results`` (an N x 1000 array). It is called out of order,
    as finished requests arrive, then used with a real AsyncInferQueue. Each of the two runs has
    ``timeout_s`` seconds: an exception inside ``store`` or a call in it that never returns (``wait_all``
    inside the callback, say) becomes the verdict, and the checker returns."""
    number = "03.1"
    results = results if isinstance(results, np.ndarray) else None
    if results is None or results.ndim != 2 or results.shape[1] != 1000 or len(results) < 2:
        return _wrong(number, "results must be an N x 1000 numpy array (N of at least 2) that store writes into.")
    if not callable(store):
        return _wrong(number, f"store must be a function, not a {type(store).__name__}.")
    try:
        compiled = _compiled_fp32()
    except Exception as error:  # noqa: BLE001
        return _cannot_check(number, error)
    inputs = _distinct_inputs(len(results))
    requests = [compiled.create_infer_request() for _ in inputs]
    for request, x in zip(requests, inputs, strict=True):
        request.infer({0: x[None]})
    expected = np.concatenate([request.get_output_tensor(0).data.copy() for request in requests])
    results[:] = 0
    order = np.random.default_rng(1).permutation(len(inputs))  # requests finish in any order
    callback = GuardedCallback(store)

    def call_out_of_order():
        for index in order:
            callback(requests[index], int(index))
            if callback.error is not None:
                return

    problem = _callback_problem(callback, call_out_of_order, timeout_s, "called directly")
    if isinstance(callback.error, NotImplementedError):
        return _not_attempted(number, "NotImplementedError in store")
    if problem:
        return _wrong(number, problem, "the callback's two arguments, and what a callback must not do.")
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
    callback = GuardedCallback(store)
    queue.set_callback(callback)

    def run_queue():
        for index, x in enumerate(inputs):
            queue.start_async({0: x[None]}, userdata=index)
        queue.wait_all()

    problem = _callback_problem(callback, run_queue, timeout_s, "in a real AsyncInferQueue")
    if problem:
        return _wrong(number, problem, "what a callback may do while the queue runs.")
    if not np.allclose(results, expected, atol=1e-5):
        return _wrong(number, "called directly store works, but with a real AsyncInferQueue the rows come out wrong.",
                      "copy the output inside the callback: the request's buffer is reused.")
    return _right(number, f"Called out of order and with a real AsyncInferQueue, each of the {len(results)} rows "
                  "holds its own image's probabilities.")


def _callback_problem(callback: GuardedCallback, work: Callable[[], None], timeout_s: float, where: str) -> str:
    """Run ``work`` (which calls ``callback``) with a timeout: "" when it finished and the callback never
    raised, else one sentence for the verdict."""
    try:
        run_with_timeout(work, timeout_s, on_timeout=callback.interrupt)
    except LearnerError:
        return _sentence(f"{where}, store did not finish within {timeout_s:g} s: does it wait for something "
                         "(wait_all, wait, input, sleep) inside the callback?")
    except Exception as error:  # noqa: BLE001 - the checker's own calls, disturbed by the learner's callback
        return _sentence(f"{where}, the queue failed: {describe(error)}")
    if callback.error is not None and not isinstance(callback.error, NotImplementedError):
        return _sentence(f"{where}, your callback raised {describe(callback.error)}")
    return ""


def check_top_k(top_k: Callable) -> Check:
    """03.2: ``top_k(probabilities, k)`` takes a vector of 1000 probabilities and must return the ``k``
    most probable class indices, most probable first."""
    number = "03.2"
    rng = np.random.default_rng(3)
    for probabilities, k in zip(_distinct_probabilities(rng, 4), (5, 1, 3, 10), strict=True):
        try:
            answer = call(top_k, probabilities.copy(), k)
            pair = _values_and_indices(answer, k)
            if pair:
                return _wrong(number, f"top_k returned two arrays, {pair}; return only the k class indices, as one "
                              "array.", "what top_k must return.")
            answer = as_array(answer).ravel()
        except Placeholder:
            return _not_attempted(number, "NotImplementedError in top_k")
        except LearnerError as error:
            return _wrong(number, _sentence(str(error)))
        expected = np.argsort(-probabilities)[:k]
        if np.array_equal(answer, expected):
            continue
        if np.issubdtype(answer.dtype, np.floating) and len(answer) == k and \
                np.allclose(np.sort(answer)[::-1], probabilities[expected]):
            return _wrong(number, "top_k returned probabilities; return the class indices.", "argsort vs sort.")
        if len(answer) != k:
            return _wrong(number, f"for k={k} top_k returned {len(answer)} classes.", "slicing the first k.")
        if np.array_equal(answer, np.argsort(probabilities)[:k]):
            return _wrong(number, "these are the k least probable classes.", "the sort direction.")
        if sorted(answer.tolist()) == sorted(expected.tolist()):
            return _wrong(number, "the right classes, but not most probable first.", "the sort direction.")
        return _wrong(number, f"for k={k} the classes are not the k most probable.")
    return _right(number, "The k most probable classes, most probable first, for k = 1, 3, 5 and 10.")


def _values_and_indices(answer, k: int) -> str:
    """"(probabilities, indices)" or the like when ``answer`` is a pair of k-long arrays, as torch.topk,
    tf.math.top_k and keras.ops.top_k return; "" otherwise."""
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        return ""
    try:
        parts = [as_array(part).ravel() for part in answer]
    except LearnerError:
        return ""
    if any(part.size != k or np.asarray(part_in).ndim == 0 for part, part_in in zip(parts, answer, strict=True)):
        return ""
    kinds = ["probabilities" if np.issubdtype(part.dtype, np.floating) and part.max() <= 1 and
             not np.array_equal(part, np.round(part)) else "indices" for part in parts]
    return f"({kinds[0]}, {kinds[1]})"
