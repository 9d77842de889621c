"""Helpers for the mobilenet-v3-small-1.0-224-tf tutorials: the model card, getting and
converting the model, images, inference, accuracy and benchmarks. Notebooks import from here.

Importing ``helpers`` before TensorFlow (or Keras) keeps TensorFlow's C++ start-up log lines out of
the lessons' outputs and the commands' output (``helpers._quiet`` says how).
"""
from helpers import _quiet

_quiet.quiet_tensorflow_start_up()

__version__ = "0.1.0"
