"""The lessons that time things (03, 05, 06) pass on a busy machine too: here, in quick mode under nbval, while two
other processes keep every core busy, as on a learner's laptop in a video call or a shared room server. Their
timing claims compare alternated pairs with medians and margins, so load slows both sides alike."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from helpers import config

TIMING_LESSONS = ("03_inference_sync_batched_async.ipynb", "05_device_benchmarks.ipynb",
                  "06_int8_quantization.ipynb")
BUSY = "import time\nend = time.time() + 1800\nwhile time.time() < end:\n    pass\n"


@pytest.fixture
def two_busy_processes():
    spinners = [subprocess.Popen([sys.executable, "-c", BUSY]) for _ in range(2)]
    try:
        yield spinners
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


@pytest.mark.parametrize("lesson", TIMING_LESSONS)
def test_a_timing_lesson_passes_with_both_cores_shared(lesson, two_busy_processes, prepared_ir):
    env = {**os.environ, config.ENV_QUICK: "1"}
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"notebooks/{lesson}"],
                         cwd=config.PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=1800)
    assert all(spinner.poll() is None for spinner in two_busy_processes), "the load stopped before the lesson did"
    assert run.returncode == 0, f"{lesson} failed with both cores shared:\n{run.stdout[-4000:]}"
