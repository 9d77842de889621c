"""Colour order: the one type for it and the one function that converts between orders.

OpenCV decodes to BGR, Pillow and most other libraries to RGB; the original Keras model takes
RGB and the converted IR takes BGR (``helpers.model_card``). ``ColorOrder`` is a ``StrEnum``, so
the plain strings "BGR" and "RGB" work wherever a ColorOrder is expected.
"""
from __future__ import annotations

from enum import StrEnum

import numpy as np


class ColorOrder(StrEnum):
    """The order of the three colour channels in the last axis of an image array."""

    BGR = "BGR"
    RGB = "RGB"

    @classmethod
    def of(cls, order: str) -> ColorOrder:
        """``order`` ("BGR", "RGB" or a ColorOrder) as a ColorOrder; ValueError for anything else."""
        try:
            return cls(order)
        except ValueError as error:
            raise ValueError(f"colour order must be one of {tuple(c.value for c in cls)}, not {order!r}") from error

    @property
    def other(self) -> ColorOrder:
        """The opposite order: what a model sees when it is fed the wrong one."""
        return ColorOrder.RGB if self is ColorOrder.BGR else ColorOrder.BGR


def convert_color_order(image: np.ndarray, source: str, target: str) -> np.ndarray:
    """``image`` (H x W x 3 or N x H x W x 3, any dtype) with its channels in ``target`` order.

    The same array comes back when the orders already match; otherwise a C-contiguous copy with
    the first and last channel swapped (the only difference between BGR and RGB).
    """
    if ColorOrder.of(source) is ColorOrder.of(target):
        return image
    return np.ascontiguousarray(image[..., ::-1])
