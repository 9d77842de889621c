"""The lessons that time things (03, 05, 06) pass on a busy machine too: here, in quick mode under nbval, while two
other processes keep every core busy, as on a learner's laptop in a video call or a shared room server. Their
timing claims compare alternated pairs with medians and margins, so load slows both sides alike.

``TUTORIAL_BUSY_FULL=1`` runs every lesson, in full mode, the same way (about 20 minutes on two cores): the check
made before saving a lesson's outputs, too long for each test run."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from helpers import config

TIMING_LESSONS = ("03_inference_sync_batched_async.ipynb", "05_device_benchmarks.ipynb",
                  "06_int8_quantization.ipynb")
FULL = os.environ.get("TUTORIAL_BUSY_FULL") == "1"
ALL_LESSONS = tuple(sorted(path.name for path in (config.PROJECT_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")))
LESSONS = ALL_LESSONS if FULL else TIMING_LESSONS
BUSY = "import time\nend = time.time() + 3600\nwhile time.time() < end:\n    pass\n"


@pytest.fixture
def two_busy_processes():
    spinners = [subprocess.Popen([sys.executable, "-c", BUSY]) for _ in range(2)]
    try:
        yield spinners
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


@pytest.mark.parametrize("lesson", LESSONS)
def test_a_timing_lesson_passes_with_both_cores_shared(lesson, two_busy_processes, prepared_ir):
    env = {**os.environ, config.ENV_QUICK: "0" if FULL else "1"}
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"notebooks/{lesson}"],
                         cwd=config.PROJECT_ROOT, env=env, capture_output=True, text=True,
                         timeout=3600 if FULL else 1800)
    assert all(spinner.poll() is None for spinner in two_busy_processes), "the load stopped before the lesson did"
    assert run.returncode == 0, f"{lesson} failed with both cores shared:\n{run.stdout[-4000:]}"
