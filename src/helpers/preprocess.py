"""Preprocessing, as Open Model Zoo's accuracy checker does it for this model.

Protocol (accuracy-check.yml of mobilenet-v3-small-1.0-224-tf): read with OpenCV (BGR), resize
to 256x256 with bilinear interpolation (the aspect ratio is not kept), crop the central
224x224; the original Keras model gets the result converted to RGB. No mean or scale: both
models take values in [0, 255].
"""
from __future__ import annotations

import cv2
import numpy as np

from helpers.images import convert_color_order
from helpers.model_card import INPUT_HEIGHT, INPUT_WIDTH

OMZ_RESIZE = (256, 256)


def center_crop(image: np.ndarray, height: int = INPUT_HEIGHT, width: int = INPUT_WIDTH) -> np.ndarray:
    """The central ``height`` x ``width`` part of an H x W x C image."""
    h, w = image.shape[:2]
    if h < height or w < width:
        raise ValueError(f"cannot crop {height}x{width} from an image of {h}x{w}")
    top, left = (h - height) // 2, (w - width) // 2
    return image[top:top + height, left:left + width]


def resize_and_crop(image: np.ndarray) -> np.ndarray:
    """OMZ protocol on one H x W x 3 uint8 image: resize to 256x256 (bilinear), centre crop 224."""
    resized = cv2.resize(image, OMZ_RESIZE, interpolation=cv2.INTER_LINEAR)
    return center_crop(resized)


def to_model_input(images: np.ndarray | list[np.ndarray], image_order: str, model_order: str) -> np.ndarray:
    """Stack 224x224x3 images into an N x 224 x 224 x 3 float32 batch in the model's colour order."""
    batch = np.stack(list(images) if isinstance(images, list) else [images] if np.ndim(images) == 3 else images)
    return convert_color_order(batch, image_order, model_order).astype(np.float32)


def preprocess(image: np.ndarray, image_order: str, model_order: str) -> np.ndarray:
    """One H x W x 3 uint8 image in ``image_order`` to a 1 x 224 x 224 x 3 float32 input in
    [0, 255] for a model that takes ``model_order``, by the OMZ protocol."""
    return to_model_input(resize_and_crop(image), image_order, model_order)
