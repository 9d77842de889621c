"""Loading image files as arrays, in a stated colour order.

``load_image`` turns any usable JPEG, PNG, BMP or WebP file into an H x W x 3 uint8 array, BGR
(OpenCV's order, the default) or RGB, and raises ``ImageLoadError`` for anything it cannot use.

How a file is read, and why:

1. Pillow opens the file lazily: it reads only the header, which gives the format, the pixel
   mode (8-bit colour, grey, palette, 16-bit, CMYK, with alpha, ...), the size and the EXIF
   orientation, without decoding a single pixel.
2. The size is checked against ``MAX_IMAGE_PIXELS`` before anything is decoded, so a
   decompression bomb (a small file that claims to be enormous) is refused, not unpacked.
3. Ordinary 8-bit colour or grey JPEG, PNG, BMP and WebP files, nearly every photo, are decoded
   by OpenCV, once, from the bytes read once. Open Model Zoo's accuracy protocol decodes with
   OpenCV; using the very same decoder keeps the pixels identical to
   ``cv2.imread(path, cv2.IMREAD_COLOR)`` whichever libjpeg builds OpenCV and Pillow bundle.
   OpenCV refuses a file cut short (JPEG, PNG, WebP) rather than filling the rest with grey.
4. The unusual files are converted explicitly: 16-bit PNGs (scaled, 65535 -> 255), images
   with transparency (composited on white), palette, CMYK and 1-bit images (through Pillow).
5. The EXIF orientation is applied last, by Pillow's ``ImageOps.exif_transpose``, the same way
   for every route, so a phone photo taken upright comes out upright (as ``cv2.imread`` does).

Memory: a refused image costs only its header. While an accepted one is decoded, the peak is
the file's bytes plus about 6 bytes per pixel for ordinary files (3 of them for the result), and
up to about 18 for the unusual ones (measured: 16-bit RGBA PNG), so at the limit of 50 million
pixels about 0.3 GB, at most about 0.9 GB.
"""
from __future__ import annotations

import io
import os
import warnings
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from helpers.color_order import ColorOrder, convert_color_order
from helpers.demo_photos import demo_photo
from helpers.errors import ImageLoadError

# 50 megapixels: photos from the 50 MP cameras of many phones (8160 x 6120) still load; a
# 10000 x 10000 image, a 200 MP phone photo or a decompression bomb is refused before decoding.
# See the module docstring for the memory this bound allows; load_image(max_pixels=) sets another.
MAX_IMAGE_PIXELS = 50_000_000

# Formats and modes OpenCV decodes exactly as cv2.imread does (MPO is a JPEG with extra pictures
# appended, as some cameras write it; OpenCV reads the first, as Pillow does).
_OPENCV_FORMATS = {"JPEG", "MPO", "PNG", "BMP", "WEBP"}
_OPENCV_MODES = {"RGB", "L"}
# Modes whose alpha channel is composited on white.
_ALPHA_MODES = {"RGBA", "RGBa", "LA", "La", "PA"}
# 16-bit grey, as Pillow names it in its different byte orders.
_16_BIT_MODES = {"I;16", "I;16L", "I;16B", "I;16N"}
# Modes Pillow converts to 8-bit RGB without guessing a value range (unlike 32-bit "I" or "F").
_PILLOW_MODES = {"1", "L", "P", "RGB", "RGBX", "CMYK", "YCbCr"} | _ALPHA_MODES | _16_BIT_MODES

_HOW_TO_FIX = "Use a JPEG, PNG, BMP or WebP file."
_CUT_SHORT = "is damaged or cut short (truncated)"
_COPY_AGAIN = "Copy or download the file again."

__all__ = ["MAX_IMAGE_PIXELS", "ImageLoadError", "convert_color_order", "demo_image_path", "load_image"]


def load_image(path: str | Path, order: str = "BGR", *, max_pixels: int | None = None) -> np.ndarray:
    """Read an image file into an H x W x 3 uint8 C-contiguous array in ``order`` ("BGR" or "RGB").

    - JPEG, PNG, BMP and WebP files (and other formats Pillow reads) are accepted. Ordinary
      8-bit colour or grey files give exactly the pixels of ``cv2.imread(path, cv2.IMREAD_COLOR)``.
    - The EXIF orientation is applied: a phone photo taken upright comes out upright, so H and W
      are those of the picture as it should be seen.
    - Grey, palette and 1-bit images are expanded to three equal or palette colours; 16-bit
      images are scaled to 8 bits (65535 -> 255); CMYK is converted to RGB.
    - Transparency (RGBA, LA, palette or grey with a transparent colour) is composited on a
      white background: a fully transparent pixel comes out white (255, 255, 255).
    - ``max_pixels`` (default ``MAX_IMAGE_PIXELS``) bounds width x height; it is checked from
      the header, before decoding.

    Raises ImageLoadError (a ValueError) when the file is missing, a folder, empty, not an image,
    damaged or cut short, too large, or in a pixel format with no clear 8-bit meaning.
    Raises ValueError when ``order`` is not "BGR" or "RGB".
    """
    order = ColorOrder.of(order)
    path = Path(path)
    data, header = _read_checked_file(path, MAX_IMAGE_PIXELS if max_pixels is None else max_pixels)
    if header.format == "PNG" and data.rfind(b"IEND") == -1:
        # OpenCV would refuse it too, but libpng prints its own error line on the way.
        raise ImageLoadError(f"{path} {_CUT_SHORT}: its PNG end marker is missing. {_COPY_AGAIN}")
    if header.format == "PNG" and data[24] == 16:  # the bit depth in the IHDR chunk, always first
        image, image_order = _decode_16_bit_png(data, path), ColorOrder.BGR  # Pillow would drop the low byte
    elif header.mode not in _PILLOW_MODES:
        raise ImageLoadError(
            f"{path} has pixels of type {header.mode!r}, which have no clear 8-bit colour meaning. "
            "Save it as an 8-bit RGB PNG or JPEG."
        )
    elif header.format in _OPENCV_FORMATS and header.mode in _OPENCV_MODES and "transparency" not in header.info:
        # The orientation is applied below, as for every other route.
        image, image_order = _imdecode(data, cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION, path), ColorOrder.BGR
    else:  # OpenCV would drop a transparent colour, or cannot read the mode
        image, image_order = _decode_with_pillow(data, path), ColorOrder.RGB
    image = _turn_upright(image, _exif_orientation(header))
    return np.require(convert_color_order(image, image_order, order), requirements=["C", "W"])


def demo_image_path() -> Path:
    """Lesson 01's photo, Grace Hopper in uniform (see ``helpers.demo_photos`` for its source)."""
    return demo_photo("grace_hopper").path


# --- reading the file and its header ---------------------------------------------------------


def _read_checked_file(path: Path, max_pixels: int) -> tuple[bytes, Image.Image]:
    """The file's bytes and Pillow's lazy view of its header, once the size is known to be within ``max_pixels``.

    The header object only describes the image: its pixels are never decoded from it.
    """
    try:
        with path.open("rb") as file:
            if os.fstat(file.fileno()).st_size == 0:
                raise ImageLoadError(f"{path} is empty (0 bytes). Copy or download the image again.")
            header = _open_with_pillow(file, path)
            width, height = header.size
            if width * height > max_pixels:
                raise ImageLoadError(
                    f"{path} is {width} x {height} = {width * height:,} pixels, more than the limit of "
                    f"{max_pixels:,} pixels (MAX_IMAGE_PIXELS), so it was not decoded. Shrink it first (for "
                    "example to 4000 x 3000), or pass a larger max_pixels= to load_image."
                )
            # Only now read everything: an image too large is refused after reading its header.
            file.seek(0)
            return file.read(), header
    except Image.DecompressionBombError as error:
        # Beyond twice its own limit Pillow refuses while reading the header, before our check.
        raise ImageLoadError(
            f"{path} is too large: Pillow refused it from its header ({error}) The limit here is "
            f"{max_pixels:,} pixels (MAX_IMAGE_PIXELS), so it was not decoded. Shrink it first (for "
            "example to 4000 x 3000)."
        ) from error
    except FileNotFoundError as error:
        raise ImageLoadError(f"Image not found: {path}. Check the path and the file name.") from error
    except IsADirectoryError as error:
        raise _folder_error(path) from error
    except PermissionError as error:
        if path.is_dir():  # opening a folder fails this way on Windows
            raise _folder_error(path) from error
        raise ImageLoadError(f"Cannot read {path}: permission denied. Check the file's permissions.") from error
    except OSError as error:  # ImageLoadError is not an OSError: those raised above pass through
        raise ImageLoadError(f"Cannot read {path}: {error}. Check that it is an ordinary file.") from error


def _folder_error(path: Path) -> ImageLoadError:
    return ImageLoadError(f"{path} is a folder, not an image file. Pass the path of an image inside it.")


def _open_with_pillow(source, path: Path) -> Image.Image:
    """Pillow's lazy view of an image (``source``: an open binary file); only the header is read.

    Raises ImageLoadError when Pillow does not recognise an image; lets Pillow's
    DecompressionBombError through, for the caller who knows the limit.
    """
    try:
        with warnings.catch_warnings():
            # Pillow warns above its own limit (89 million pixels). Our own, lower limit is checked
            # right after, with a message saying what to do, so the warning would only repeat it.
            # (catch_warnings is not thread-safe: a race may at worst leave this filter in place.)
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return Image.open(source)
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError) as error:
        # UnidentifiedImageError (an OSError) for text or unknown bytes; the others for headers
        # so damaged that Pillow's parser trips on them.
        reason = "Pillow recognises no image format in it" if isinstance(error, UnidentifiedImageError) else (
            str(error) or type(error).__name__)
        source.seek(0)
        first_bytes = source.read(16)
        image_format = _format_from_signature(first_bytes)
        if image_format:
            raise ImageLoadError(
                f"{path} starts like a {image_format} file but is damaged or cut short ({reason}). {_COPY_AGAIN}"
            ) from error
        raise ImageLoadError(
            f"{path} is not an image that can be read ({reason}); it starts with {first_bytes!r}. {_HOW_TO_FIX}"
        ) from error


def _format_from_signature(first_bytes: bytes) -> str | None:
    """The format whose signature the file starts with ("JPEG", "PNG", "WebP", "BMP"), or None."""
    signatures = {b"\xff\xd8\xff": "JPEG", b"\x89PNG\r\n\x1a\n": "PNG", b"BM": "BMP"}
    if first_bytes[:4] == b"RIFF" and first_bytes[8:12] == b"WEBP":
        return "WebP"
    return next((name for start, name in signatures.items() if first_bytes.startswith(start)), None)


# --- decoding ----------------------------------------------------------------------------------


def _imdecode(data: bytes, flags: int, path: Path) -> np.ndarray:
    """cv2.imdecode of the file's bytes, raising ImageLoadError when it fails (OpenCV returns None
    for a file cut short: JPEG, PNG and WebP alike)."""
    try:
        image = cv2.imdecode(np.frombuffer(data, np.uint8), flags)
    except cv2.error as error:
        raise ImageLoadError(f"{path} is damaged: OpenCV could not decode it ({error}). {_HOW_TO_FIX}") from error
    if image is None:
        raise ImageLoadError(
            f"{path} {_CUT_SHORT}: its header is readable but OpenCV could not decode the pixels. "
            f"{_COPY_AGAIN} Or re-save it with an image editor."
        )
    return image


def _decode_16_bit_png(data: bytes, path: Path) -> np.ndarray:
    """Decode a 16-bit PNG and scale it to 8 bits (65535 -> 255, rounded): H x W x 3 uint8, BGR."""
    image = _imdecode(data, cv2.IMREAD_UNCHANGED, path)  # uint16: grey, BGR or BGRA
    image = cv2.convertScaleAbs(image, alpha=255 / 65535)
    if image.ndim == 3 and image.shape[2] in (2, 4):
        image = _composite_on_white(image)
    if image.ndim == 2 or image.shape[2] == 1:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    return image


def _decode_with_pillow(data: bytes, path: Path) -> np.ndarray:
    """Decode and convert an unusual file with Pillow: H x W x 3 uint8, RGB, before EXIF rotation.

    Handles palette, 1-bit, CMYK, 16-bit grey, and transparency (composited on white).
    """
    picture = _open_with_pillow(io.BytesIO(data), path)
    try:
        picture.load()  # Pillow's own error for a file cut short: "image file is truncated"
        if picture.mode in _ALPHA_MODES or "transparency" in picture.info:
            rgba = np.asarray(picture if picture.mode == "RGBA" else picture.convert("RGBA"))
            picture.close()  # frees Pillow's copy of the pixels before compositing
            return _composite_on_white(rgba)
        if picture.mode in _16_BIT_MODES:
            grey = cv2.convertScaleAbs(np.asarray(picture, dtype=np.uint16), alpha=255 / 65535)
            return cv2.cvtColor(grey, cv2.COLOR_GRAY2RGB)
        return np.array(picture.convert("RGB"))
    except (OSError, ValueError, SyntaxError, EOFError) as error:
        raise ImageLoadError(
            f"{path} {_CUT_SHORT}: Pillow could not decode it ({str(error) or type(error).__name__}). {_COPY_AGAIN}"
        ) from error


def _composite_on_white(image: np.ndarray) -> np.ndarray:
    """Composite an H x W x (C + 1) uint8 image, alpha last, on white: H x W x C uint8, same colour order.

    On white each channel becomes 255 - (255 - colour) * alpha / 255, which OpenCV computes
    plane by plane in uint8 (rounded), with no float copies of the whole image.
    """
    *colour_planes, alpha = cv2.split(image)
    composited = [
        cv2.bitwise_not(cv2.multiply(cv2.bitwise_not(plane), alpha, scale=1 / 255)) for plane in colour_planes
    ]
    return cv2.merge(composited) if len(composited) > 1 else composited[0]


# --- orientation -------------------------------------------------------------------------------

_EXIF_ORIENTATION_TAG = 0x0112


def _exif_orientation(header: Image.Image) -> int:
    """The EXIF orientation (1 to 8; 1 means stored upright) from Pillow's view of the header.

    Only EXIF found in the header counts: for a PNG, Pillow would decode the whole image to look
    for EXIF stored after the pixels. Unreadable EXIF counts as upright, so that a damaged tag
    does not make a good picture unusable.
    """
    if "exif" not in header.info:
        return 1
    try:
        orientation = header.getexif().get(_EXIF_ORIENTATION_TAG, 1)
    except Exception:  # noqa: BLE001 - EXIF parsers fail in many ways on damaged tags
        return 1
    return orientation if isinstance(orientation, int) and 1 <= orientation <= 8 else 1


def _turn_upright(image: np.ndarray, orientation: int) -> np.ndarray:
    """The H x W x 3 uint8 ``image`` as it should be seen, given its EXIF ``orientation`` (1 to 8),
    turned by Pillow's ``ImageOps.exif_transpose`` (the channel order does not matter to it)."""
    if orientation == 1:
        return image
    picture = Image.fromarray(image)
    picture.getexif()[_EXIF_ORIENTATION_TAG] = orientation
    return np.asarray(ImageOps.exif_transpose(picture))
