"""load_image on every kind of file it promises to handle; each test makes its own images.

Colours are written as RGB triples; a BGR array holds them reversed. The test card has four
flat quadrants, so that JPEG's small errors stay away from the centres that are checked.
"""
import struct
import zlib

import cv2
import numpy as np
import pytest
from PIL import Image, ImageFile, ImageOps

from helpers.errors import ImageLoadError
from helpers.images import MAX_IMAGE_PIXELS, load_image

RED, GREEN, BLUE, WHITE, BLACK = (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255), (0, 0, 0)
JPEG_TOLERANCE = 8  # flat colours survive JPEG within a few levels


def four_colour_card(height=40, width=60):
    """An H x W x 3 RGB uint8 test card: red, green on top; blue, white below."""
    card = np.empty((height, width, 3), np.uint8)
    card[: height // 2, : width // 2] = RED
    card[: height // 2, width // 2:] = GREEN
    card[height // 2:, : width // 2] = BLUE
    card[height // 2:, width // 2:] = WHITE
    return card


def quadrant_centres(image):
    """The pixels at the centres of the four quadrants: top-left, top-right, bottom-left, bottom-right."""
    h, w = image.shape[:2]
    return [image[y, x].tolist() for y in (h // 4, 3 * h // 4) for x in (w // 4, 3 * w // 4)]


def photo_like_bgr(height=240, width=320, seed=0):
    """An H x W x 3 BGR uint8 image with smooth shapes and noise, like a photo to a JPEG encoder."""
    rng = np.random.default_rng(seed)
    coarse = rng.integers(0, 256, (height // 16, width // 16, 3), dtype=np.uint8)
    smooth = cv2.resize(coarse, (width, height), interpolation=cv2.INTER_CUBIC)
    noise = rng.integers(-12, 13, (height, width, 3))
    return np.clip(smooth + noise, 0, 255).astype(np.uint8)


def assert_is_a_loaded_image(image, shape):
    assert image.shape == shape
    assert image.dtype == np.uint8
    assert image.flags.c_contiguous and image.flags.writeable


def pillow_mode(path):
    """The pixel mode Pillow reads from the file's header ("RGB", "P", "I;16", "CMYK", ...)."""
    with Image.open(path) as picture:
        return picture.mode


def png_header_only(path, width, height):
    """A PNG file that declares width x height RGB pixels but holds none: tiny, and cheap to make."""

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"")  # none: a decoder would fail, the size check must not
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))
    return path


# --- the four formats, both colour orders -----------------------------------------------------


@pytest.mark.parametrize(
    "suffix, options, tolerance",
    [
        (".jpg", [cv2.IMWRITE_JPEG_QUALITY, 95], JPEG_TOLERANCE),
        (".png", [], 0),
        (".bmp", [], 0),
        (".webp", [cv2.IMWRITE_WEBP_QUALITY, 101], 0),  # quality above 100: lossless
    ],
)
def test_each_format_loads_in_either_order(tmp_path, suffix, options, tolerance):
    path = tmp_path / f"card{suffix}"
    cv2.imwrite(str(path), four_colour_card()[..., ::-1], options)
    rgb, bgr = load_image(path, "RGB"), load_image(path, "BGR")
    assert_is_a_loaded_image(rgb, (40, 60, 3))
    assert_is_a_loaded_image(bgr, (40, 60, 3))
    np.testing.assert_allclose(quadrant_centres(rgb), [RED, GREEN, BLUE, WHITE], atol=tolerance)
    np.testing.assert_array_equal(bgr, rgb[..., ::-1])


# --- identical to cv2.imread for ordinary files ------------------------------------------------


def _save_with_opencv(path, image):
    cv2.imwrite(str(path), image)


def _save_progressive_444_with_pillow(path, image):
    Image.fromarray(image[..., ::-1]).save(path, quality=90, progressive=True, subsampling=0)


def _save_grey_jpeg(path, image):
    cv2.imwrite(str(path), cv2.cvtColor(image, cv2.COLOR_BGR2GRAY))


@pytest.mark.parametrize(
    "name, save",
    [
        ("baseline.jpg", _save_with_opencv),
        ("progressive.jpg", _save_progressive_444_with_pillow),
        ("grey.jpg", _save_grey_jpeg),
        ("photo.png", _save_with_opencv),
    ],
)
def test_ordinary_files_give_exactly_the_pixels_of_cv2_imread(tmp_path, name, save):
    path = tmp_path / name
    save(path, photo_like_bgr())
    expected = cv2.imread(str(path), cv2.IMREAD_COLOR)
    np.testing.assert_array_equal(load_image(path, "BGR"), expected)
    np.testing.assert_array_equal(load_image(path, "RGB"), cv2.cvtColor(expected, cv2.COLOR_BGR2RGB))


def test_ordinary_files_are_decoded_once_by_opencv(tmp_path, monkeypatch):
    # Pillow only reads the header: the pipeline's throughput depends on decoding once.
    path = tmp_path / "photo.jpg"
    cv2.imwrite(str(path), photo_like_bgr())
    decoded = []
    real_imdecode = cv2.imdecode

    def count_decodes(*args):
        decoded.append(args)
        return real_imdecode(*args)

    def pillow_must_not_decode(self):
        raise AssertionError("Pillow decoded an ordinary JPEG")

    monkeypatch.setattr(cv2, "imdecode", count_decodes)
    monkeypatch.setattr(ImageFile.ImageFile, "load", pillow_must_not_decode)
    load_image(path)
    assert len(decoded) == 1


# --- EXIF orientation ---------------------------------------------------------------------------


def _save_with_orientation(path, rgb, orientation, **options):
    exif = Image.Exif()
    exif[0x0112] = orientation
    Image.fromarray(rgb).save(path, exif=exif, **options)


def test_phone_photo_with_orientation_6_stands_upright(tmp_path):
    # A phone held upright stores the picture lying on its side, with orientation 6: "turn me
    # 90 degrees clockwise". The stored left edge (red over blue) becomes the top edge.
    path = tmp_path / "phone.jpg"
    _save_with_orientation(path, four_colour_card(40, 60), 6, quality=95)
    upright = load_image(path, "RGB")
    assert_is_a_loaded_image(upright, (60, 40, 3))
    np.testing.assert_allclose(quadrant_centres(upright), [BLUE, RED, WHITE, GREEN], atol=JPEG_TOLERANCE)
    np.testing.assert_array_equal(load_image(path, "BGR"), cv2.imread(str(path), cv2.IMREAD_COLOR))


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_is_turned_as_pillow_turns_it(tmp_path, orientation):
    path = tmp_path / f"orientation{orientation}.png"  # lossless, so the comparison is exact
    _save_with_orientation(path, four_colour_card(40, 60), orientation)
    with Image.open(path) as picture:
        expected = np.asarray(ImageOps.exif_transpose(picture).convert("RGB"))
    np.testing.assert_array_equal(load_image(path, "RGB"), expected)


# --- unusual pixel formats ----------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".png", ".jpg"])
def test_grey_images_give_three_equal_channels(tmp_path, suffix):
    path = tmp_path / f"grey{suffix}"
    grey = np.zeros((20, 30), np.uint8)
    grey[:, 15:] = 200
    Image.fromarray(grey, "L").save(path)
    image = load_image(path, "RGB")
    assert_is_a_loaded_image(image, (20, 30, 3))
    np.testing.assert_allclose(quadrant_centres(image), [BLACK, (200,) * 3, BLACK, (200,) * 3], atol=2)
    assert (image[..., 0] == image[..., 1]).all() and (image[..., 1] == image[..., 2]).all()


def _palette_card(transparent_index=None):
    """A 2 x 2 palette image: red, green / blue, and index 3 (grey, or transparent)."""
    picture = Image.new("P", (2, 2))
    picture.putpalette([*RED, *GREEN, *BLUE, 128, 128, 128])
    picture.putdata([0, 1, 2, 3])
    if transparent_index is not None:
        picture.info["transparency"] = transparent_index
    return picture


def test_palette_png_gives_the_palette_colours(tmp_path):
    path = tmp_path / "palette.png"
    _palette_card().save(path)
    assert pillow_mode(path) == "P"
    assert load_image(path, "RGB").reshape(4, 3).tolist() == [list(RED), list(GREEN), list(BLUE), [128] * 3]
    assert load_image(path, "BGR")[0, 0].tolist() == [0, 0, 255]


def test_palette_png_with_a_transparent_colour_gives_white_there(tmp_path):
    path = tmp_path / "palette_transparent.png"
    _palette_card(transparent_index=3).save(path, transparency=3)
    assert load_image(path, "RGB").reshape(4, 3).tolist() == [list(RED), list(GREEN), list(BLUE), list(WHITE)]


def test_16_bit_grey_png_is_scaled_to_8_bits(tmp_path):
    path = tmp_path / "grey16.png"
    values = np.array([[0, 1000, 128 * 257, 65535]], np.uint16)
    cv2.imwrite(str(path), values)
    assert pillow_mode(path) == "I;16"
    image = load_image(path, "BGR")
    assert_is_a_loaded_image(image, (1, 4, 3))
    # divided by 257 and rounded: 1000 / 257 = 3.9 -> 4 (cv2.imread's shift by 8 bits gives 3)
    assert image[0, :, 0].tolist() == [0, 4, 128, 255]
    assert (image == image[..., :1]).all()


def test_16_bit_colour_png_is_scaled_to_8_bits(tmp_path):
    path = tmp_path / "colour16.png"
    bgr16 = np.zeros((2, 2, 3), np.uint16)
    bgr16[0, 0] = (0, 0, 65535)  # red
    bgr16[0, 1] = (65535, 128 * 257, 1000)  # blue, half green, a little red
    cv2.imwrite(str(path), bgr16)
    assert path.read_bytes()[24] == 16  # the bit depth the PNG declares
    rgb = load_image(path, "RGB")
    assert rgb[0, 0].tolist() == [255, 0, 0]
    assert rgb[0, 1].tolist() == [4, 128, 255]  # 1000 / 257 rounded; keeping the high byte gives 3
    assert load_image(path, "BGR")[0, 0].tolist() == [0, 0, 255]


def test_cmyk_jpeg_gives_the_right_colours(tmp_path):
    path = tmp_path / "cmyk.jpg"
    picture = Image.new("CMYK", (32, 16), (0, 255, 255, 0))  # no cyan, full magenta and yellow: red
    picture.paste((255, 0, 0, 0), (16, 0, 32, 16))  # full cyan: cyan
    picture.save(path, quality=95)
    assert pillow_mode(path) == "CMYK"
    image = load_image(path, "RGB")
    assert_is_a_loaded_image(image, (16, 32, 3))
    np.testing.assert_allclose(image[8, 4], RED, atol=JPEG_TOLERANCE)
    np.testing.assert_allclose(image[8, 28], (0, 255, 255), atol=JPEG_TOLERANCE)
    np.testing.assert_allclose(load_image(path, "BGR")[8, 4], (0, 0, 255), atol=JPEG_TOLERANCE)


@pytest.mark.parametrize("suffix", [".png", ".webp"])
def test_rgba_is_composited_on_white(tmp_path, suffix):
    path = tmp_path / f"rgba{suffix}"
    pixels = np.array([[[255, 0, 0, 0], [255, 0, 0, 255], [255, 0, 0, 128], [0, 0, 255, 51]]], np.uint8)
    Image.fromarray(pixels, "RGBA").save(path, lossless=True)  # PNG ignores "lossless"
    rgb = load_image(path, "RGB")
    assert_is_a_loaded_image(rgb, (1, 4, 3))
    # transparent: white; opaque: the colour; in between: a blend with white
    assert rgb[0].tolist() == [list(WHITE), list(RED), [255, 127, 127], [204, 204, 255]]
    assert load_image(path, "BGR")[0, 3].tolist() == [255, 204, 204]


def test_grey_with_alpha_is_composited_on_white(tmp_path):
    path = tmp_path / "la.png"
    Image.fromarray(np.array([[[0, 0], [0, 255], [100, 255]]], np.uint8), "LA").save(path)
    assert load_image(path, "RGB")[0].tolist() == [list(WHITE), list(BLACK), [100] * 3]


@pytest.mark.parametrize(
    "suffix, mode, colour",
    [(suffix, "RGB", BLUE) for suffix in (".jpg", ".png", ".bmp", ".webp")]
    + [(suffix, "L", 77) for suffix in (".jpg", ".png", ".bmp", ".webp")]
    + [(suffix, "RGBA", (0, 255, 0, 255)) for suffix in (".png", ".webp")],
)
def test_one_pixel_images(tmp_path, suffix, mode, colour):
    path = tmp_path / f"dot{suffix}"
    Image.new(mode, (1, 1), colour).save(path, lossless=True)
    image = load_image(path, "RGB")
    assert_is_a_loaded_image(image, (1, 1, 3))
    expected = (colour,) * 3 if mode == "L" else colour[:3]
    np.testing.assert_allclose(image[0, 0], expected, atol=JPEG_TOLERANCE if suffix == ".jpg" else 0)


# --- files that cannot be used ------------------------------------------------------------------


@pytest.mark.parametrize("kind, what_is_wrong", [
    ("missing", "not found"), ("folder", "is a folder"), ("text", "not an image"), ("empty", "empty"),
])
def test_unusable_files_say_what_is_wrong_and_what_to_do(tmp_path, kind, what_is_wrong):
    path = tmp_path / "photo.jpg"
    if kind == "folder":
        path.mkdir()
    elif kind == "text":
        path.write_text("not a picture")
    elif kind == "empty":
        path.write_bytes(b"")
    with pytest.raises(ImageLoadError, match=what_is_wrong) as raised:
        load_image(path)
    message = str(raised.value)
    assert str(path) in message
    assert any(advice in message for advice in ("Check", "Pass", "Copy", "Use"))


def _random_bytes(path):
    path.write_bytes(np.random.default_rng(1).integers(0, 256, 5000, dtype=np.uint8).tobytes())


def _jpeg_start_then_noise(path):
    path.write_bytes(b"\xff\xd8\xff\xe0" + np.random.default_rng(2).integers(0, 256, 5000, dtype=np.uint8).tobytes())


def _png_with_damaged_pixels(path):
    cv2.imwrite(str(path), photo_like_bgr(60, 80))
    data = bytearray(path.read_bytes())
    start = data.index(b"IDAT") + 20
    data[start:start + 200] = bytes(200)  # zeros in the middle of the compressed pixels
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("make", [_random_bytes, _jpeg_start_then_noise, _png_with_damaged_pixels])
def test_corrupt_bytes_raise(tmp_path, make):
    path = tmp_path / "corrupt.png"
    make(path)
    with pytest.raises(ImageLoadError, match="corrupt.png"):
        load_image(path)


def _cut_in_half(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


@pytest.mark.parametrize("suffix, message", [
    # JPEG and PNG: refused from their missing end marker, whatever the decoder would make of
    # them (cv2.imread decodes a JPEG cut short with only a warning, the missing part grey).
    (".jpg", "truncated"), (".png", "truncated"),
    (".webp", "cut short"),  # Pillow's header reader already fails
])
def test_a_file_cut_in_half_raises(tmp_path, suffix, message):
    path = tmp_path / f"cut{suffix}"
    cv2.imwrite(str(path), photo_like_bgr())
    load_image(path)  # whole, it loads
    _cut_in_half(path)
    with pytest.raises(ImageLoadError, match=message):
        load_image(path)


def test_an_end_marker_in_the_header_does_not_hide_a_cut_jpeg(tmp_path):
    # An EXIF thumbnail is a small JPEG inside the header, with its own end-of-image marker.
    thumbnail = tmp_path / "thumbnail.jpg"
    cv2.imwrite(str(thumbnail), photo_like_bgr(16, 16))
    path = tmp_path / "with_thumbnail.jpg"
    Image.fromarray(photo_like_bgr()[..., ::-1]).save(path, comment=thumbnail.read_bytes())
    data = path.read_bytes()
    assert data.find(b"\xff\xda", data.index(b"\xff\xd9")) != -1  # an end marker before the picture's scan
    load_image(path)
    _cut_in_half(path)
    with pytest.raises(ImageLoadError, match="truncated"):
        load_image(path)


# --- huge images and decompression bombs --------------------------------------------------------


@pytest.mark.filterwarnings("error")  # Pillow's DecompressionBombWarning must not leak out
def test_a_huge_image_is_refused_from_its_header(tmp_path):
    # 10000 x 10000: over our limit and over Pillow's warning threshold. The file holds no
    # pixels at all: had it been decoded, the error would say "damaged", not the size.
    path = png_header_only(tmp_path / "huge.png", 10_000, 10_000)
    assert path.stat().st_size < 100
    with pytest.raises(ImageLoadError, match=f"10000 x 10000 = 100,000,000 pixels.*limit of {MAX_IMAGE_PIXELS:,}"):
        load_image(path)


@pytest.mark.filterwarnings("error")
def test_a_decompression_bomb_is_refused(tmp_path):
    # 20000 x 20000 is past twice Pillow's limit: Pillow refuses while reading the header.
    path = png_header_only(tmp_path / "bomb.png", 20_000, 20_000)
    with pytest.raises(ImageLoadError, match=r"bomb\.png is too large: .*400000000 pixels.*limit"):
        load_image(path)


def test_max_pixels_sets_the_limit(tmp_path):
    path = tmp_path / "100x50.png"
    cv2.imwrite(str(path), np.zeros((50, 100, 3), np.uint8))
    assert load_image(path, max_pixels=5000).shape == (50, 100, 3)
    with pytest.raises(ImageLoadError, match="100 x 50 = 5,000 pixels, more than the limit of 4,999"):
        load_image(path, max_pixels=4999)


def test_a_cut_png_is_refused_from_its_missing_end_without_libpng_noise(tmp_path, capfd):
    # OpenCV would refuse it too, but libpng would print "libpng error: ..." on stderr first.
    path = tmp_path / "cut.png"
    cv2.imwrite(str(path), photo_like_bgr())
    _cut_in_half(path)
    with pytest.raises(ImageLoadError, match="PNG end marker is missing"):
        load_image(path)
    assert capfd.readouterr().err == ""


def test_load_image_in_either_colour_order(red_png):
    assert load_image(red_png, "BGR")[0, 0].tolist() == [0, 0, 255]
    assert load_image(red_png, "RGB")[0, 0].tolist() == [255, 0, 0]
    with pytest.raises(ValueError, match="colour order"):
        load_image(red_png, "RGBA")
