"""Compile models with OpenVINO, with the precision stated rather than left to the device.

OpenVINO's CPU plugin runs in bf16 by default on CPUs that have it (AMX, AVX512-BF16), which
changes probabilities by some hundredths and the top-1 class of a few images (Lesson 04 measures
it). Checks that compare against Keras use ``precision="f32"``.
"""
from __future__ import annotations

from pathlib import Path

import openvino as ov

from helpers.errors import CompileError
from helpers.ir_files import check_ir
from helpers.openvino_core import core, openvino_reason, read_model

# core, read_model and openvino_reason live in helpers.openvino_core (which helpers.ir_files imports too);
# lessons import them from here.
__all__ = ["compile_model", "core", "default_inference_precision", "device_options", "openvino_reason",
           "read_model", "with_uint8_input"]


def device_options() -> list[str]:
    """The devices OpenVINO sees here, plus AUTO (which picks among them). The one list of them:
    ``helpers.benchmark.devices`` (all else the tutorial knows about devices) builds on it."""
    return [*core().available_devices, "AUTO"]


def with_uint8_input(model: ov.Model) -> ov.Model:
    """The model taking its 1x224x224x3 input as uint8 (converted to float32 inside, exactly), as
    ``benchmark_app`` feeds image inputs, so decoded crops go in without a float copy in Python."""
    ppp = ov.preprocess.PrePostProcessor(model)
    ppp.input().tensor().set_element_type(ov.Type.u8)
    ppp.input().preprocess().convert_element_type(ov.Type.f32)
    return ppp.build()


def default_inference_precision(device: str = "CPU") -> str:
    """The inference precision a device uses when none is asked for (for example 'bf16' or 'f32')."""
    return core().get_property(device, "INFERENCE_PRECISION_HINT").get_type_name()


def compile_model(model: ov.Model | Path | str, device: str = "CPU", precision: str | None = "f32",
                  config: dict | None = None) -> ov.CompiledModel:
    """Compile an ``ov.Model`` or an IR path for ``device``.

    ``precision`` sets ``INFERENCE_PRECISION_HINT`` ("f32", "f16", "bf16"); None keeps the
    device's default. Other properties go in ``config``. An IR path is read by ``helpers.ir_files.check_ir``
    (ModelNotFoundError for a missing IR, DamagedIRError for damaged files). Raises CompileError (a RuntimeError)
    naming the device, OpenVINO's reason and the devices there are, when OpenVINO refuses.
    """
    properties = dict(config or {})
    if precision is not None:
        properties["INFERENCE_PRECISION_HINT"] = precision
    if isinstance(model, (str, Path)):
        model = check_ir(model)
    try:
        return core().compile_model(model, device, properties)
    except RuntimeError as error:
        raise CompileError(
            f"OpenVINO could not compile the model for {device}: {openvino_reason(error)}. "
            f"Choose one of the devices here: {', '.join(device_options())}."
        ) from error
