"""pytest set-up shared by the unit tests and nbval's notebook runs."""
import json
from pathlib import Path

import pytest


def pytest_collectstart(collector):
    # TensorFlow and OpenVINO log to stderr, differently from one machine to the next:
    # notebook outputs are compared without it.
    if str(getattr(collector, "path", "")).endswith(".ipynb"):
        collector.skip_compare += ("stderr",)


def _needs_data(notebook: Path) -> bool:
    """A lesson that measures on labelled images says so in its metadata (tutorial.needs_data)."""
    metadata = json.loads(notebook.read_text(encoding="utf-8")).get("metadata", {})
    return bool(metadata.get("tutorial", {}).get("needs_data"))


def pytest_collection_modifyitems(config, items):
    from helpers import config as settings

    if settings.data_dir(required=False) is not None:
        return
    skip = pytest.mark.skip(reason=f"needs {settings.ENV_DATA}: a folder of labelled ImageNet images (see the README)")
    for item in items:
        path = Path(str(item.path))
        if path.suffix == ".ipynb" and _needs_data(path):
            item.add_marker(skip)


def pytest_addoption(parser):
    parser.addoption("--plain-pip", action="store_true",
                     help="also run the slow tests marked plain_pip: a fresh venv, pip install -e . without "
                          "tutorial.py, and Lesson 01 in the notebook's own kernel (.ci/run's second Python does)")


def pytest_configure(config):
    config.addinivalue_line("markers", "plain_pip: slow; runs only with --plain-pip (see pytest_addoption)")


def pytest_runtest_setup(item):
    if item.get_closest_marker("plain_pip") and not item.config.getoption("--plain-pip"):
        pytest.skip("slow (a fresh venv and a full install): run with --plain-pip, as .ci/run's second Python does")
