"""Convert the Keras model to OpenVINO IR in Open Model Zoo's layout, as omz_converter would,
and say where each precision's IR lives (``ir_path``, the one place that knows).

The IR matches the card: input ``input_1`` 1x224x224x3 NHWC taking **BGR** (the channels are
reversed at conversion, like omz_converter's ``--reverse_input_channels``), output named
``StatefulPartitionedCall/MobilenetV3small/Predictions/Softmax`` 1x1000. FP32 keeps float32
weights; FP16 stores them compressed to float16 (computation precision is the device's choice).
The INT8 IR (``FP32-INT8``, as Open Model Zoo names a quantized model's folder) is made by
Lesson 06 or ``python -m helpers.quantize``, not here.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import openvino as ov

from helpers import config
from helpers.errors import ConversionError, TutorialError
from helpers.ir_files import missing_ir, publish_ir, recorded_provenance, reusable_ir
from helpers.keras_model import build_keras_model
from helpers.model_card import (
    CONVERTED_COLOR_ORDER,
    INPUT_LAYOUT,
    INPUT_NAME,
    INPUT_SHAPE,
    INT8,
    MODEL_NAME,
    OUTPUT_NAME,
    PRECISIONS,
)
from helpers.runtime import openvino_reason
from helpers.weights import WeightsInfo

# PRECISIONS: the IR that convert_to_ir makes; INT8: the quantized IR's folder (both from the model card).
# Every IR the command lines can run, by the name they take ("INT8" is short for FP32-INT8).
CLI_PRECISIONS = ("FP32", "FP16", "INT8")
_FOLDERS = {"FP32": "FP32", "FP16": "FP16", "INT8": INT8, INT8: INT8}
# Where the IR records what it was made from (read back with ir_provenance).
RT_INFO_KEY = "mobilenet_tutorial"
# Raised whenever the conversion changes, so that IR made by an older recipe is rebuilt.
# 2: the IR can be reshaped to any batch size. 3: a record of its files' sha256 beside it (helpers.ir_files).
CONVERSION_RECIPE = "3"


def ir_path(precision: str = "FP32", models_root: Path | None = None) -> Path:
    """``<models>/public/<model>/<folder>/<model>.xml``, Open Model Zoo's layout, for ``precision``
    "FP32", "FP16" or "INT8" (also written "FP32-INT8", its folder). Whether the file exists is not
    checked here (see ``existing_ir``)."""
    if precision not in _FOLDERS:
        raise ValueError(f"precision must be one of {tuple(_FOLDERS)}, not {precision!r}")
    root = config.model_dir() if models_root is None else Path(models_root) / "public" / MODEL_NAME
    return root / _FOLDERS[precision] / f"{MODEL_NAME}.xml"


def existing_ir(precision: str, models_root: Path | None = None) -> Path:
    """``ir_path(precision)`` when its .xml and .bin are there; otherwise ModelNotFoundError saying
    which step makes it."""
    xml = ir_path(precision, models_root)
    if xml.is_file() and xml.with_suffix(".bin").is_file():
        return xml
    raise missing_ir(xml)


def keras_to_ov(keras_model, weights: WeightsInfo) -> ov.Model:
    """Convert the Keras model in memory to an ``ov.Model`` that takes BGR and carries the card's names."""
    model = ov.convert_model(keras_model, input=[list(INPUT_SHAPE)])
    ppp = ov.preprocess.PrePostProcessor(model)
    ppp.input().tensor().set_layout(ov.Layout(INPUT_LAYOUT))
    ppp.input().model().set_layout(ov.Layout(INPUT_LAYOUT))
    ppp.input().preprocess().reverse_channels()
    model = ppp.build()
    model.input().get_tensor().set_names({INPUT_NAME})
    model.input().get_node().set_friendly_name(INPUT_NAME)
    model.output().get_tensor().set_names({OUTPUT_NAME})
    model.set_friendly_name(MODEL_NAME)
    for key, value in {
        "weights_file": weights.path.name,
        "weights_sha384": weights.sha384,
        "color_order": str(CONVERTED_COLOR_ORDER),
        "recipe": CONVERSION_RECIPE,
    }.items():
        model.set_rt_info(value, [RT_INFO_KEY, key])
    return model


def ir_provenance(model: ov.Model | Path) -> dict[str, str]:
    """What the tutorial recorded in an IR (a path or an ``ov.Model``) when converting it: weights_file,
    weights_sha384, color_order, recipe (empty for an IR made elsewhere)."""
    return recorded_provenance(model, RT_INFO_KEY)


def save_ir(model: ov.Model, xml: Path, precision: str) -> Path:
    """Save ``model`` as IR at ``xml`` (FP16 compresses the weights): staged, its files' sha256 recorded beside
    them, and moved into place as a pair under the folder's lock (``helpers.ir_files.publish_ir``)."""
    return publish_ir(model, xml, compress_to_fp16=(precision == "FP16"))


@dataclass(frozen=True)
class PreparedIR:
    precision: str
    xml: Path
    reused: bool  # True when an IR made from the same weights was already there

    @property
    def bin(self) -> Path:
        return self.xml.with_suffix(".bin")


def convert_to_ir(weights: WeightsInfo, keras_model=None, *, rebuild: bool = False,
                  models_root: Path | None = None) -> dict[str, PreparedIR]:
    """Make the FP32 and FP16 IR from ``weights``; reuse those already made from the same weights.

    ``keras_model`` saves rebuilding the Keras model when the caller has it. An IR made from
    other weights (another sha384), or by an older conversion recipe, is rebuilt, so switching
    weights never mixes models.
    """
    prepared = {}
    model = None
    for precision in PRECISIONS:
        xml = ir_path(precision, models_root)
        if not rebuild and reusable_ir(xml, RT_INFO_KEY, {"weights_sha384": weights.sha384,
                                                          "recipe": CONVERSION_RECIPE}):
            prepared[precision] = PreparedIR(precision, xml, reused=True)
            continue
        if model is None:
            config.writable_folder(xml.parent)  # a read-only models folder is said before converting, not after
            if keras_model is None:
                keras_model = build_keras_model(weights)
            try:
                model = keras_to_ov(keras_model, weights)
            except Exception as error:  # OpenVINO's converter fails in many ways; all end here
                raise ConversionError(
                    f"Converting the Keras model to OpenVINO IR failed: {_one_line(error)}. Check that the "
                    "pinned openvino and tensorflow of requirements.txt are installed (./tutorial does it)."
                ) from error
        try:
            saved = save_ir(model, xml, precision)
        except TutorialError:  # already one line naming the folder and the fix
            raise
        except (OSError, RuntimeError) as error:
            raise ConversionError(
                f"Could not save the {precision} IR into {xml.parent}: {_one_line(error)}. Free some disk "
                f"space, check that the folder is writable, or set {config.ENV_MODELS} to another folder."
            ) from error
        prepared[precision] = PreparedIR(precision, saved, reused=False)
    return prepared


def _one_line(error: Exception) -> str:
    return openvino_reason(error) if isinstance(error, RuntimeError) else (str(error).strip() or type(error).__name__)
