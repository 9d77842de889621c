"""Loading images as arrays, in a stated colour order."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

COLOR_ORDERS = ("BGR", "RGB")


class ImageLoadError(ValueError):
    """An image cannot be used; the message names the file, what is wrong and what to do."""


def check_color_order(order: str) -> str:
    """Return ``order`` if it is "BGR" or "RGB", else raise ValueError."""
    if order not in COLOR_ORDERS:
        raise ValueError(f"colour order must be one of {COLOR_ORDERS}, not {order!r}")
    return order


def convert_color_order(image: np.ndarray, source: str, target: str) -> np.ndarray:
    """Return ``image`` (H x W x 3 or N x H x W x 3) with its channels in ``target`` order."""
    if check_color_order(source) == check_color_order(target):
        return image
    return np.ascontiguousarray(image[..., ::-1])


def load_image(path: str | Path, order: str = "BGR") -> np.ndarray:
    """Read an image file into an H x W x 3 uint8 array in ``order`` ("BGR" or "RGB").

    Raises ImageLoadError when the path is missing, not a file, or not a readable image.
    """
    check_color_order(order)
    path = Path(path)
    if not path.exists():
        raise ImageLoadError(f"Image not found: {path}. Check the path.")
    if not path.is_file():
        raise ImageLoadError(f"Not an image file but a {'folder' if path.is_dir() else 'special file'}: {path}.")
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise ImageLoadError(
            f"Cannot decode {path} as an image (empty, corrupt, or not an image format OpenCV reads). "
            "Use a JPEG, PNG, BMP or WebP file."
        )
    return convert_color_order(image, "BGR", order)


def demo_image_path() -> Path:
    """A photo that ships with matplotlib: Grace Hopper in uniform (US Navy photo, public domain)."""
    import matplotlib.cbook

    return Path(matplotlib.cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))
