"""The lessons run from a fresh copy of the project with no image setting: every lesson under nbval, TUTORIAL_DATA
unset, the sample fetched from a room mirror (TUTORIAL_MIRROR, served on 127.0.0.1) into the copy's own, empty data
folder, then reused by Lesson 02 run again without the mirror. Offline with no
copy, each lesson that measures on labelled images stops at its first such cell with one clear line."""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from helpers import config
from helpers.sample import manifest, unverified

LESSON = "notebooks/02_images_colour_order_and_preprocessing.ipynb"
DATA_LESSONS = ("02_images_colour_order_and_preprocessing.ipynb", "04_accuracy.ipynb", "06_int8_quantization.ipynb")
COPIED = ("src", "notebooks", "conftest.py", "pyproject.toml")


def _fresh_copy(target):
    for name in COPIED:
        source = config.PROJECT_ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info",
                                                                                  ".ipynb_checkpoints"))
        else:
            shutil.copy(source, target / name)
    return target


def _offline_env(copy, refused_url, **settings):
    """The environment of a learner's kernel in ``copy`` with no image setting and no internet: every request
    but those to 127.0.0.1 goes through a proxy where nothing listens (so this holds on a machine online too)."""
    env = {k: v for k, v in os.environ.items() if k not in (config.ENV_DATA, config.ENV_MIRROR)}
    proxy = refused_url.rsplit("/", 1)[0]
    # The copy's own helpers (so its data folder is the copy's); the IR already made by this session is reused.
    env.update({"PYTHONPATH": str(copy / "src"), config.ENV_MODELS: str(config.models_dir()), config.ENV_QUICK: "1",
                "http_proxy": proxy, "https_proxy": proxy, "no_proxy": "127.0.0.1,localhost", **settings})
    return env


def _run_lessons(copy, refused_url, lessons, **settings):
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *lessons], cwd=copy,
                          env=_offline_env(copy, refused_url, **settings), capture_output=True, text=True,
                          timeout=2400)


def test_every_lesson_runs_with_the_sample_from_a_mirror_and_nothing_else_set(sample_mirror, prepared_ir, tmp_path,
                                                                             refused_url):
    copy = _fresh_copy(tmp_path / "fresh clone")
    run = _run_lessons(copy, refused_url, ["notebooks"], **{config.ENV_MIRROR: sample_mirror.url})
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    data = copy / "data" / "imagenet-sample"
    got = [f for f in manifest() if (data / f.name).exists()]
    assert got and unverified(got, data) == [], "the lesson's images came in verified"
    assert not list(data.glob("*.part"))
    # Offline now (no mirror, public URLs unreachable here): the lesson reuses what it fetched.
    again = _run_lessons(copy, refused_url, [LESSON])
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-2000:]


@pytest.mark.parametrize("lesson", DATA_LESSONS)
def test_offline_with_no_copy_a_data_lesson_stops_at_its_first_image_cell_with_one_line(lesson, prepared_ir,
                                                                                       tmp_path, refused_url):
    copy = _fresh_copy(tmp_path / "fresh clone")
    notebook = nbformat.read(copy / "notebooks" / lesson, as_version=4)
    client = NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {
        "path": str(copy / "notebooks")}})
    env = _offline_env(copy, refused_url)
    with _environment(env), pytest.raises(CellExecutionError) as failed:
        client.execute()
    ran = [c for c in notebook.cells if c.cell_type == "code" and c.get("outputs")]
    stopped = next(c for c in reversed(ran) if any(o.get("output_type") == "error" for o in c.outputs))
    assert "labelled_images(" in stopped.source, f"{lesson} stopped elsewhere: {stopped.source[:200]}"
    error = next(o for o in stopped.outputs if o.get("output_type") == "error")
    assert error.ename == "DownloadError"
    first = error.evalue.splitlines()[0]
    assert config.ENV_DATA in first and config.ENV_MIRROR in first and "github" in first
    assert "DownloadError" in str(failed.value)


@contextlib.contextmanager
def _environment(env):
    """os.environ replaced by ``env`` while the kernel starts (it inherits the environment of its parent)."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
