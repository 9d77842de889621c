"""INT8 post-training quantization of the FP32 IR with NNCF, as Lesson 06 teaches it, with bookkeeping.

    python -m helpers.quantize [DATA_DIR] [--calibration N] [--seed S] [--plain] [--rebuild]

What ``quantize_ir`` adds to the lesson's few lines of ``nncf.quantize``: a fixed, stated split of the labelled
images into calibration and held-out images (``split_calibration``), images decoded once in threads (an unreadable
calibration image is an error naming the file), the result saved atomically as
``<models>/public/<model>/FP32-INT8/<model>.xml`` (``helpers.convert.ir_path("INT8")``), and provenance in the
IR's rt_info: the sha256 of the FP32 IR it was made from, of the calibration images, and the settings. An INT8 IR
made from the same FP32 IR, images and settings is reused; anything else is quantized again.

The IR keeps the FP32 model's interface: 1x224x224x3 NHWC float32 **BGR** in [0, 255], output 1x1000 softmax.
"""
from __future__ import annotations

import hashlib
import os
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import openvino as ov

from helpers import config
from helpers.convert import RT_INFO_KEY, ir_path, save_ir
from helpers.datasets import LabeledImage
from helpers.errors import DatasetError, QuantizationError, TutorialError
from helpers.hashing import add_file, files_hash
from helpers.ir_files import check_ir, missing_ir, recorded_provenance, reusable_ir
from helpers.model_card import CONVERTED_COLOR_ORDER
from helpers.preprocess import load_and_crop_one
from helpers.runtime import read_model

# Where the INT8 IR records how it was made (beside the FP32 IR's own RT_INFO_KEY, which it keeps).
INT8_RT_INFO_KEY = f"{RT_INFO_KEY}_int8"
# Raised whenever quantize_model changes, so that INT8 IR made by an older recipe is made again.
# 2: a record of the IR's sha256 beside it, checked before reuse (helpers.ir_files).
# 3: histogram activation ranges with the full bias correction are the recommended settings.
QUANTIZATION_RECIPE = "3"
# Fewer calibration images than this give ranges from too few samples to mean anything.
MIN_CALIBRATION_IMAGES = 8



@dataclass(frozen=True)
class QuantizationSettings:
    """What ``nncf.quantize`` is asked to do (every field is recorded in the INT8 IR).

    - ``calibration_images``: how many images calibrate (NNCF's ``subset_size``);
    - ``seed``: which images: the first ``calibration_images`` of a permutation of the dataset by this seed;
    - ``preset``: ``"performance"`` (symmetric activations, NNCF's default) or ``"mixed"`` (asymmetric
      activations, which suits activations that are mostly positive, such as hard-swish outputs);
    - ``fast_bias_correction``: NNCF's quick bias correction, each layer alone on its FP32 inputs (False runs the
      full one, which corrects layer after layer on the quantized model's own activations: slower, and here better);
    - ``activation_ranges``: ``"default"`` (NNCF 3.4's: for a per-tensor activation, the mean over the calibration
      images of each image's minimum and maximum) or ``"histogram"`` (the range that minimises the rounding error
      over a histogram of each activation's values);
    - ``ignored_types``: OpenVINO op types left in float (their outputs are not quantized).
    """

    calibration_images: int = 300
    seed: int = 0
    preset: str = "performance"
    fast_bias_correction: bool = False
    activation_ranges: str = "histogram"
    ignored_types: tuple[str, ...] = ()

    def __post_init__(self):
        if self.preset not in ("performance", "mixed"):
            raise ValueError(f"preset must be 'performance' or 'mixed', not {self.preset!r}")
        if self.activation_ranges not in ("default", "histogram"):
            raise ValueError(f"activation_ranges must be 'default' or 'histogram', not {self.activation_ranges!r}")
        if self.calibration_images < MIN_CALIBRATION_IMAGES:
            raise ValueError(f"calibration_images must be at least {MIN_CALIBRATION_IMAGES}, "
                             f"not {self.calibration_images}")

    def as_rt_info(self) -> dict[str, str]:
        return {key: ",".join(value) if isinstance(value, tuple) else str(value) for key, value in asdict(self).items()}


# nncf.quantize with its defaults: what a first try does.
PLAIN = QuantizationSettings(fast_bias_correction=True, activation_ranges="default")
# The default: histogram ranges and the full bias correction, every layer in INT8. Of the recipes compared paired
# on held-out images (NNCF's defaults, MIXED, histogram ranges, each with fast or full bias correction, several
# splits; Open Model Zoo's MIXED + full bias correction among them) it lost the least. Lesson 06's goal is half a
# point of FP32 on its held-out images; it asserts no loss the paired test can tell and at most 1.5 points.
RECOMMENDED = QuantizationSettings()


def nncf_options(settings: QuantizationSettings) -> dict:
    """The keyword arguments of ``nncf.quantize`` for ``settings`` (the dataset aside)."""
    # Imported here, not at the top: nncf takes seconds to import, and only quantizing needs it.
    import nncf
    from nncf.quantization.advanced_parameters import AdvancedQuantizationParameters
    from nncf.quantization.range_estimator import RangeEstimatorParametersSet

    options = {"preset": nncf.QuantizationPreset(settings.preset), "subset_size": settings.calibration_images,
               "fast_bias_correction": settings.fast_bias_correction}
    if settings.activation_ranges == "histogram":
        options["advanced_parameters"] = AdvancedQuantizationParameters(
            activations_range_estimator_params=RangeEstimatorParametersSet.HISTOGRAM)
    if settings.ignored_types:
        options["ignored_scope"] = nncf.IgnoredScope(types=list(settings.ignored_types))
    return options


# --- the images ------------------------------------------------------------------------------------------------


def split_calibration(items: list[LabeledImage], calibration: int, seed: int = 0,
                      evaluation: int | None = None) -> tuple[list[LabeledImage], list[LabeledImage]]:
    """(calibration images, held-out images): a permutation of ``items`` by ``seed``, its first ``calibration``
    images for calibration and the rest (at most ``evaluation`` of them, in permuted order) held out.

    Raises DatasetError when there are not enough images to calibrate and keep at least one held out.
    """
    if calibration < MIN_CALIBRATION_IMAGES:
        raise DatasetError(f"Quantization needs at least {MIN_CALIBRATION_IMAGES} calibration images, "
                           f"not {calibration}; ask for more.")
    if len(items) <= calibration:
        raise DatasetError(
            f"Only {len(items)} labelled images, too few for {calibration} calibration images and held-out images "
            f"to measure accuracy on: ask for fewer calibration images, or point {config.ENV_DATA} at a larger "
            "folder.")
    order = np.random.default_rng(seed).permutation(len(items))
    held_out = [items[i] for i in order[calibration:]]
    return [items[i] for i in order[:calibration]], held_out[:evaluation] if evaluation else held_out


def model_input(crop_bgr: np.ndarray) -> np.ndarray:
    """A 224x224x3 uint8 BGR crop to the model's 1x224x224x3 float32 input (values in [0, 255])."""
    return crop_bgr[None].astype(np.float32)


def decode_calibration_images(items: list[LabeledImage]) -> np.ndarray:
    """N x 224 x 224 x 3 uint8 BGR crops (Open Model Zoo's protocol), decoded on all cores.

    An image that cannot be decoded is an error naming it: a calibration set silently smaller than asked
    would change the ranges without saying so.
    """
    def decode(item):
        return load_and_crop_one(item.path, order=CONVERTED_COLOR_ORDER)

    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        return np.stack(list(pool.map(decode, items)))


def images_sha256(items: list[LabeledImage]) -> str:
    """sha256 over the calibration images' names and bytes, in order: the same images give the same hash."""
    digest = hashlib.sha256()
    for item in items:
        digest.update(Path(item.path).name.encode() + b"\0")
        add_file(digest, item.path)
    return digest.hexdigest()


def ir_sha256(xml: Path) -> str:
    """sha256 over an IR's .xml and .bin."""
    return files_hash([Path(xml), Path(xml).with_suffix(".bin")], "sha256")


# --- quantizing ------------------------------------------------------------------------------------------------


def quantize_model(fp32_model: ov.Model, crops_bgr: np.ndarray, settings: QuantizationSettings = RECOMMENDED
                   ) -> ov.Model:
    """``nncf.quantize`` of the FP32 model, calibrated on N x 224 x 224 x 3 uint8 BGR crops."""
    import nncf  # imported here: nncf takes seconds to import

    if len(crops_bgr) < settings.calibration_images:
        raise DatasetError(f"{len(crops_bgr)} calibration images given, {settings.calibration_images} asked for.")
    dataset = nncf.Dataset(list(crops_bgr), model_input)
    try:
        return nncf.quantize(fp32_model, dataset, **nncf_options(settings))
    except (RuntimeError, ValueError) as error:
        reason = " ".join(str(error).split())[-300:] or type(error).__name__
        raise QuantizationError(f"NNCF could not quantize the model: {reason}. Check that the pinned nncf and "
                                "openvino of requirements.txt are installed.") from error


@dataclass(frozen=True)
class QuantizedIR:
    xml: Path
    reused: bool  # True when an INT8 IR made from the same FP32 IR, images and settings was already there
    settings: QuantizationSettings
    calibration: list[LabeledImage] = field(repr=False)
    held_out: list[LabeledImage] = field(repr=False)

    @property
    def bin(self) -> Path:
        return self.xml.with_suffix(".bin")


def quantization_provenance(model: ov.Model | Path) -> dict[str, str]:
    """What ``quantize_ir`` recorded in an INT8 IR (a path or an ``ov.Model``; empty for an IR made elsewhere)."""
    return recorded_provenance(model, INT8_RT_INFO_KEY)


def _provenance(fp32_xml: Path, calibration: list[LabeledImage], settings: QuantizationSettings) -> dict[str, str]:
    import nncf  # imported here: nncf takes seconds to import

    return {"fp32_ir_sha256": ir_sha256(fp32_xml), "calibration_sha256": images_sha256(calibration),
            **settings.as_rt_info(), "nncf": nncf.__version__, "recipe": QUANTIZATION_RECIPE}


def quantize_ir(items: list[LabeledImage], settings: QuantizationSettings = RECOMMENDED, *,
                fp32_xml: Path | None = None, int8_xml: Path | None = None, rebuild: bool = False) -> QuantizedIR:
    """Quantize the FP32 IR to INT8, calibrated on the images ``split_calibration`` picks from ``items``.

    ``fp32_xml`` defaults to ``ir_path("FP32")`` and ``int8_xml`` to ``ir_path("INT8")``. Reuses an INT8 IR
    made from the same FP32 IR (sha256), calibration images (sha256) and settings unless ``rebuild``.
    Raises ModelNotFoundError when the FP32 IR is missing and DatasetError when there are too few images.
    """
    fp32_xml = Path(fp32_xml) if fp32_xml else ir_path("FP32")
    int8_xml = Path(int8_xml) if int8_xml else ir_path("INT8")
    if not (fp32_xml.is_file() and fp32_xml.with_suffix(".bin").is_file()):
        raise missing_ir(fp32_xml)
    calibration, held_out = split_calibration(items, settings.calibration_images, settings.seed)
    wanted = _provenance(fp32_xml, calibration, settings)
    # exact: a record holding a setting today's settings lack was made by another recipe.
    if not rebuild and reusable_ir(int8_xml, INT8_RT_INFO_KEY, wanted, exact=True):
        return QuantizedIR(int8_xml, True, settings, calibration, held_out)
    model = quantize_model(check_ir(fp32_xml), decode_calibration_images(calibration), settings)
    for key, value in wanted.items():
        model.set_rt_info(value, [INT8_RT_INFO_KEY, key])
    try:
        save_ir(model, int8_xml, "FP32-INT8")  # float parts stay float32, as in Open Model Zoo's FP32-INT8
    except TutorialError:  # already one line naming the folder and the fix
        raise
    except (OSError, RuntimeError) as error:
        raise QuantizationError(f"Could not save the INT8 IR into {int8_xml.parent}: {error}. Free some disk space "
                                f"or set {config.ENV_MODELS} to a writable folder.") from error
    return QuantizedIR(int8_xml, False, settings, calibration, held_out)


# --- looking inside ---------------------------------------------------------------------------------------------


def quantized_op_counts(model: ov.Model | Path) -> dict[str, int]:
    """How many ops of each type take a quantized (FakeQuantize) input, plus the FakeQuantize count itself."""
    model = read_model(model)
    counts: Counter = Counter()
    for op in model.get_ops():
        if op.get_type_name() == "FakeQuantize":
            counts["FakeQuantize"] += 1
            for consumer in {target.get_node().get_friendly_name(): target.get_node()
                             for target in op.output(0).get_target_inputs()}.values():
                counts[consumer.get_type_name()] += 1
    return dict(sorted(counts.items()))


def quantized_ops(model: ov.Model | Path) -> dict[str, str]:
    """{friendly name: op type} of every op that takes a quantized (FakeQuantize) input: the ops that compute in
    INT8. Comparing two models' sets says which ops one of them keeps in float (what accuracy control reverted)."""
    model = read_model(model)
    return {target.get_node().get_friendly_name(): target.get_node().get_type_name()
            for op in model.get_ops() if op.get_type_name() == "FakeQuantize"
            for target in op.output(0).get_target_inputs()}


def _weighted_layers(model: ov.Model | Path):
    """(layer, the node its weights come from) for each Convolution, GroupConvolution and MatMul of ``model``."""
    for op in read_model(model).get_ops():
        if op.get_type_name() not in ("Convolution", "GroupConvolution", "MatMul"):
            continue
        source = op.input_value(1).get_node()
        if source.get_type_name() == "Reshape":  # GroupConvolution's weights are reshaped to groups
            source = source.input_value(0).get_node()
        yield op, source


def int8_weights(model: ov.Model | Path) -> dict[str, np.ndarray]:
    """Each quantized layer's weights as the INT8 IR stores them, dequantized back to float32.

    Keys are the friendly names of the layers (Convolution, GroupConvolution, MatMul) whose weights are an
    int8 constant followed by Convert (and Subtract) and Multiply by a scale; values have the layer's weight shape.
    """
    return {op.get_friendly_name(): _constant_folded(source).reshape(tuple(op.input_value(1).get_shape()))
            for op, source in _weighted_layers(model) if source.get_type_name() == "Multiply"}


def _constant_folded(node) -> np.ndarray:
    """The value of a subgraph of constants (Constant, Convert, Subtract, Multiply) ending at ``node``."""
    kind = node.get_type_name()
    if kind == "Constant":
        return node.get_data().astype(np.float32)
    values = [_constant_folded(source.get_node()) for source in node.input_values()]
    if kind == "Convert":
        return values[0]
    if kind == "Subtract":
        return values[0] - values[1]
    if kind == "Multiply":
        return values[0] * values[1]
    raise ValueError(f"cannot fold a {kind} op of the weights")


def float_weights(model: ov.Model | Path) -> dict[str, np.ndarray]:
    """Each Convolution / GroupConvolution / MatMul layer's float32 weights in the FP32 IR, by friendly name."""
    return {op.get_friendly_name(): source.get_data().astype(np.float32).reshape(tuple(op.input_value(1).get_shape()))
            for op, source in _weighted_layers(model) if source.get_type_name() == "Constant"}


if __name__ == "__main__":
    from helpers.cli.quantize import main  # the command line lives in helpers.cli

    raise SystemExit(main())
