"""pytest set-up shared by the unit tests and nbval's notebook runs."""
from pathlib import Path

import pytest

# nbval's sanitize file for the measured values in the lessons' checked outputs, beside the lessons; given here as
# an absolute path (nbval opens the option's path as it is, from wherever pytest was started).
NBVAL_SANITIZE = Path(__file__).resolve().parent / "notebooks" / "nbval_sanitize.cfg"


def pytest_addoption(parser):
    parser.addoption("--plain-pip", action="store_true",
                     help="also run the slow tests marked plain_pip: a fresh venv, pip install -e . without "
                          "tutorial.py, and Lesson 01 in the notebook's own kernel (.ci/run's second Python does)")


def pytest_configure(config):
    if getattr(config.option, "nbval_sanitize_with", "") is None:  # nbval is there and no other file was given
        config.option.nbval_sanitize_with = str(NBVAL_SANITIZE)
    config.addinivalue_line("markers", "plain_pip: slow; runs only with --plain-pip (see pytest_addoption)")


def pytest_runtest_setup(item):
    if item.get_closest_marker("plain_pip") and not item.config.getoption("--plain-pip"):
        pytest.skip("slow (a fresh venv and a full install): run with --plain-pip, as .ci/run's second Python does")
