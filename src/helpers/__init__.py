"""Helpers for the mobilenet-v3-small-1.0-224-tf tutorials: the model card, getting and
converting the model, images, inference, accuracy and benchmarks. Notebooks import from here.
"""
__version__ = "0.1.0"
