"""Compile models with OpenVINO, with the precision stated rather than left to the device.

OpenVINO's CPU plugin runs in bf16 by default on CPUs that have it (AMX, AVX512-BF16), which
changes probabilities by some hundredths and the top-1 class of a few images (Lesson 04 measures
it). Checks that compare against Keras use ``precision="f32"``.
"""
from __future__ import annotations

import re
from pathlib import Path

import openvino as ov

from helpers.errors import CompileError, ModelNotFoundError

_core: ov.Core | None = None


def core() -> ov.Core:
    """One shared OpenVINO Core for the whole process."""
    global _core
    if _core is None:
        _core = ov.Core()
    return _core


def device_options() -> list[str]:
    """The devices OpenVINO sees here, plus AUTO (which picks among them). The one list of them:
    ``helpers.benchmark.devices`` (all else the tutorial knows about devices) builds on it."""
    return [*core().available_devices, "AUTO"]


def read_model(model: ov.Model | Path | str, *, copy: bool = False) -> ov.Model:
    """The ``ov.Model`` itself when given one (a clone with ``copy=True``, for changes the caller must not
    see), else the model read from the IR path with the shared ``core()``."""
    if isinstance(model, ov.Model):
        return model.clone() if copy else model
    return core().read_model(Path(model))


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
    (DamagedIRError for damaged files). Raises CompileError (a RuntimeError) naming the device, OpenVINO's reason
    and the devices there are, when OpenVINO refuses.
    """
    properties = dict(config or {})
    if precision is not None:
        properties["INFERENCE_PRECISION_HINT"] = precision
    if isinstance(model, (str, Path)):
        if not Path(model).is_file():
            raise ModelNotFoundError(
                f"No IR at {model}. Make it with python -m helpers.prepare (or Lesson 01), or check the path."
            )
        from helpers.ir_files import check_ir  # it reads through this module's core()

        model = check_ir(model)
    try:
        return core().compile_model(model, device, properties)
    except RuntimeError as error:
        raise CompileError(
            f"OpenVINO could not compile the model for {device}: {openvino_reason(error)}. "
            f"Choose one of the devices here: {', '.join(device_options())}."
        ) from error


# OpenVINO's lines that say where in its C++ sources an error was raised, not what went wrong.
_SOURCE_LINE = re.compile(r"^(Exception from \S+:\d+:|Check '.*' failed at \S+:\d+:)$")


def openvino_reason(error: Exception) -> str:
    """OpenVINO's message on one line, without its "Exception from <source file>:<line>:" and
    "Check '...' failed at <source file>:<line>:" lines."""
    lines = [line.strip() for line in str(error).splitlines()]
    reason = " ".join(line for line in lines if line and not _SOURCE_LINE.match(line))
    return reason.rstrip(".") or type(error).__name__

