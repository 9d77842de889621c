"""Preprocess images outside the model, in numpy and OpenCV: a decoded image to the model's 224x224 input
(``helpers.preprocessing_model`` builds these steps into the IR; ``helpers.prepare`` makes the model itself).

The default protocol is Open Model Zoo's accuracy protocol for this model (its
accuracy-check.yml): read with OpenCV (BGR), resize to 256x256 with bilinear interpolation
(the aspect ratio is not kept), crop the central 224x224; the original Keras model gets the
result converted to RGB. No mean or scale: both models take values in [0, 255].

Two other protocols people use are offered by name (see PROTOCOLS). All use OpenCV's
bilinear resize (cv2.INTER_LINEAR).
"""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from helpers.color_order import ColorOrder, convert_color_order
from helpers.images import load_image
from helpers.model_card import INPUT_HEIGHT, INPUT_WIDTH
from helpers.progress import tqdm

RESIZE_SIDE = 256  # both resize-then-crop protocols resize to 256 before cropping 224

PROTOCOLS = {
    "omz": "resize to 256x256 (aspect ratio not kept), centre crop 224x224: Open Model Zoo's accuracy protocol",
    "shorter_side": "shorter side to 256 (aspect ratio kept), centre crop 224x224: the common ImageNet protocol",
    "center_square": "centre square crop, then resize to 224x224: Open Model Zoo's classification demo",
}
DEFAULT_PROTOCOL = "omz"


def center_crop(image: np.ndarray, height: int = INPUT_HEIGHT, width: int = INPUT_WIDTH) -> np.ndarray:
    """The central ``height`` x ``width`` part of an H x W x C image (a view, no copy)."""
    h, w = image.shape[:2]
    if h < height or w < width:
        raise ValueError(f"cannot crop {height}x{width} from an image of {h}x{w}")
    top, left = (h - height) // 2, (w - width) // 2
    return image[top:top + height, left:left + width]


def _resize(image: np.ndarray, width: int, height: int) -> np.ndarray:
    return cv2.resize(image, (width, height), interpolation=cv2.INTER_LINEAR)


def resize_and_crop(image: np.ndarray, protocol: str = DEFAULT_PROTOCOL) -> np.ndarray:
    """One H x W x 3 uint8 image to 224 x 224 x 3 uint8 by ``protocol`` (a key of PROTOCOLS).

    The colour order is kept as it is.
    """
    if protocol == "omz":
        return center_crop(_resize(image, RESIZE_SIDE, RESIZE_SIDE))
    if protocol == "shorter_side":
        h, w = image.shape[:2]
        scale = RESIZE_SIDE / min(h, w)
        return center_crop(_resize(image, max(RESIZE_SIDE, round(w * scale)), max(RESIZE_SIDE, round(h * scale))))
    if protocol == "center_square":
        side = min(image.shape[:2])
        return _resize(center_crop(image, side, side), INPUT_WIDTH, INPUT_HEIGHT)
    raise ValueError(f"unknown preprocessing protocol {protocol!r}; choose one of {sorted(PROTOCOLS)}")


def to_model_input(images: np.ndarray | list[np.ndarray], image_order: str, model_order: str) -> np.ndarray:
    """224x224x3 image(s) (one array, a list, or an N x 224 x 224 x 3 batch) to an
    N x 224 x 224 x 3 float32 batch in the model's colour order, values in [0, 255]."""
    batch = np.asarray(images)
    if batch.ndim == 3:
        batch = batch[None]
    return convert_color_order(batch, image_order, model_order).astype(np.float32)


def preprocess(image: np.ndarray, image_order: str, model_order: str, protocol: str = DEFAULT_PROTOCOL) -> np.ndarray:
    """One H x W x 3 uint8 image in ``image_order`` to a 1 x 224 x 224 x 3 float32 input in
    [0, 255] for a model that takes ``model_order``, by ``protocol``."""
    return to_model_input(resize_and_crop(image, protocol), image_order, model_order)


def load_and_crop_one(path: Path, protocol: str = DEFAULT_PROTOCOL, order: str = ColorOrder.BGR) -> np.ndarray:
    """Decode one file and preprocess it by ``protocol``: 224 x 224 x 3 uint8 in ``order``.

    Raises ``helpers.images.ImageLoadError`` when the file cannot be used.
    """
    return resize_and_crop(load_image(path, order), protocol)


def load_and_crop(paths: list[Path], protocol: str = DEFAULT_PROTOCOL, order: str = ColorOrder.BGR,
                  progress: bool = True) -> np.ndarray:
    """Decode each file and preprocess it by ``protocol``: N x 224 x 224 x 3 uint8 in ``order``.

    Kept as uint8 (150 kB an image) so that a thousand images fit easily in memory; use
    ``to_model_input`` to make a model's float input from it.
    """
    crops = [load_and_crop_one(path, protocol, order)
             for path in tqdm(paths, desc=f"decode + {protocol}", unit="img", disable=not progress)]
    return np.stack(crops) if crops else np.empty((0, INPUT_HEIGHT, INPUT_WIDTH, 3), np.uint8)
