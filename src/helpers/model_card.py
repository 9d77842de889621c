"""The model card of Open Model Zoo's mobilenet-v3-small-1.0-224-tf: every fact in one place.

Notebooks, tests and the other helpers import these names; nothing else repeats them.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from helpers.color_order import ColorOrder

MODEL_NAME = "mobilenet-v3-small-1.0-224-tf"
# The IR's folders in Open Model Zoo's layout, <models>/public/<model>/<folder>/: the precisions the converter makes,
# and the quantized model's (float32 where it is not quantized).
PRECISIONS = ("FP32", "FP16")
INT8 = "FP32-INT8"

# Input: one NHWC image, float32 values in [0, 255]. The Keras model scales them itself
# (its Rescaling layer is inside), so no mean/scale preprocessing is needed outside.
INPUT_NAME = "input_1"
INPUT_SHAPE = (1, 224, 224, 3)
INPUT_LAYOUT = "NHWC"
INPUT_HEIGHT, INPUT_WIDTH = INPUT_SHAPE[1:3]
INPUT_VALUE_RANGE = (0.0, 255.0)

# The colour order each model expects. Open Model Zoo converts with --reverse_input_channels,
# so the IR takes BGR (what OpenCV reads) while the original Keras model takes RGB.
ORIGINAL_COLOR_ORDER = ColorOrder.RGB
CONVERTED_COLOR_ORDER = ColorOrder.BGR

OUTPUT_NAME = "StatefulPartitionedCall/MobilenetV3small/Predictions/Softmax"
OUTPUT_SHAPE = (1, 1000)
NUM_CLASSES = OUTPUT_SHAPE[1]

# Published accuracy on ImageNet validation (the same for the original and the converted model).
TOP1_PERCENT = 67.36
TOP5_PERCENT = 87.44
# Complexity as the card gives it (BatchNorm folded into the convolutions).
MPARAMS = 2.537
GFLOPS = 0.11682
# How far a measured complexity may be from the card and still agree with it.
COMPLEXITY_TOLERANCE = 0.01


@dataclass(frozen=True)
class RemoteFile:
    """A file to download: its name, exact size in bytes, hex digest (``algorithm``, a ``hashlib`` name), the
    public URLs to try in order, and its path in a room mirror (``TUTORIAL_MIRROR``), tried before them."""

    name: str
    size: int
    digest: str
    urls: tuple[str, ...]
    algorithm: str = "sha384"
    mirror_path: str = ""  # default: the name, at the mirror's top level

    @property
    def path_in_mirror(self) -> str:
        return self.mirror_path or self.name


WEIGHTS_MIRROR_URL = (
    "https://storage.openvinotoolkit.org/repositories/open_model_zoo/public/2022.1/"
    "mobilenet-v3-small-1.0-224-tf/weights_mobilenet_v3_small_224_1.0_float.h5"
)
# The original source, the file keras.applications.MobileNetV3Small(weights="imagenet") fetches.
WEIGHTS_KERAS_URL = (
    "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v3/"
    "weights_mobilenet_v3_small_224_1.0_float.h5"
)
WEIGHTS_KERAS_MD5 = "8768d4c2e7dee89b9d02b2d03d65d862"

OFFICIAL_WEIGHTS = RemoteFile(
    name="weights_mobilenet_v3_small_224_1.0_float.h5",
    size=10_734_624,
    digest=(
        "d342c446ceecbcf76edf94f7a51bb94d26296fea8d91e0b28287143eff569118"
        "c98a950df3258f37a94c06f0adc4d31b"
    ),
    urls=(WEIGHTS_MIRROR_URL, WEIGHTS_KERAS_URL),
)


@dataclass(frozen=True)
class ImageNetClass:
    index: int
    synset: str
    name: str


@lru_cache(maxsize=1)
def imagenet_classes() -> tuple[ImageNetClass, ...]:
    """The 1000 ImageNet-1k classes in the model's output order (WordNet synset and names)."""
    text = resources.files("helpers").joinpath("data/imagenet_2012.txt").read_text("utf-8")
    classes = []
    for index, line in enumerate(text.splitlines()):
        synset, _, names = line.partition(" ")
        classes.append(ImageNetClass(index=index, synset=synset, name=names))
    if len(classes) != NUM_CLASSES:
        raise RuntimeError(f"the packaged label file lists {len(classes)} classes, expected {NUM_CLASSES}")
    return tuple(classes)


def class_names() -> list[str]:
    """Short class names (the first of each class's names), indexed like the model's output."""
    return [c.name.split(",")[0] for c in imagenet_classes()]


# The labelled images the lessons measure on when TUTORIAL_DATA is not set: one image per class (1000), from a
# public GitHub repository, pinned to one commit. The manifest (name, size, sha256 of each file) is
# helpers/data/imagenet_sample.tsv; helpers.sample downloads and checks them.
SAMPLE_REPOSITORY = "EliSchwartz/imagenet-sample-images"
SAMPLE_COMMIT = "bc69043e2862758a1906c6a24a792bb28c6bb2ff"
# One request for everything; an archive's bytes are not promised stable, so each file inside is checked.
SAMPLE_ARCHIVE_URL = f"https://github.com/{SAMPLE_REPOSITORY}/archive/{SAMPLE_COMMIT}.zip"
# Each file on its own (stable bytes): for what the archive did not give.
SAMPLE_FILE_URL = f"https://raw.githubusercontent.com/{SAMPLE_REPOSITORY}/{SAMPLE_COMMIT}/{{name}}"
SAMPLE_MIRROR_FOLDER = "imagenet-sample"  # the sample's folder in a room mirror (TUTORIAL_MIRROR)
