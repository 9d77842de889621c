"""Helpers for the mobilenet-v3-small-1.0-224-tf tutorials: the model card, getting and
converting the model, images, inference, accuracy and benchmarks. Notebooks import from here.

Importing ``helpers`` before TensorFlow (or Keras) keeps TensorFlow's C++ start-up log lines out of
the lessons' outputs and the commands' output (``helpers._quiet`` says how). On Python 3.13 it also lets
``ov.convert_model`` convert a Keras model in memory (``helpers.openvino_compat`` says why).
"""
import sys

from helpers import _quiet

_quiet.quiet_tensorflow_start_up()
if sys.version_info >= (3, 13):
    from helpers import openvino_compat

    openvino_compat.fix_in_memory_tensorflow_conversion()

__version__ = "0.1.0"
