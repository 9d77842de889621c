"""Which OpenVINO devices this machine can run, and, for a plugin that is installed but cannot
run, the missing piece (for example the GPU plugin without ``libOpenCL.so.1``)."""
from __future__ import annotations

import re

from helpers.runtime import core

# Plugins that ship with the openvino wheel, besides the virtual AUTO / HETERO / BATCH.
HARDWARE_PLUGINS = ("CPU", "GPU", "NPU")
FIXES = {
    "GPU": "install an OpenCL loader and Intel's GPU compute runtime "
           "(https://docs.openvino.ai/2025/get-started/install-openvino/configurations/configurations-intel-gpu.html)",
    "NPU": "install Intel's NPU driver "
           "(https://docs.openvino.ai/2025/get-started/install-openvino/configurations/configurations-intel-npu.html)",
}
_MISSING_LIBRARY = re.compile(r"(lib[\w.+-]+?\.so[\w.]*): cannot open shared object file")


def _base(device: str) -> str:
    return re.split(r"[.:(]", device, maxsplit=1)[0].upper()


def device_problem(device: str, error: Exception | str | None = None) -> str:
    """One line saying why ``device`` cannot run here and what to install, from OpenVINO's own
    error when given (a missing shared library is named), else from trying to load its plugin."""
    base = _base(device)
    text = str(error or "")
    if not text:
        try:
            core().get_versions(base)
        except RuntimeError as load_error:
            text = str(load_error)
    missing = _MISSING_LIBRARY.search(text)
    fix = FIXES.get(base, "check the device's driver")
    if missing:
        return (f"{device}: OpenVINO's {base} plugin is installed but cannot load: {missing.group(1)} is missing; "
                f"{fix}. Devices here: {', '.join(core().available_devices)}, AUTO")
    if base not in (*HARDWARE_PLUGINS, "AUTO", "HETERO", "MULTI", "BATCH"):
        return (f"{device}: OpenVINO has no device of that name. "
                f"Devices here: {', '.join(core().available_devices)}, AUTO")
    if device not in core().available_devices and base in HARDWARE_PLUGINS:
        return (f"{device}: the {base} plugin loads but finds no {base} device on this machine; {fix}. "
                f"Devices here: {', '.join(core().available_devices)}, AUTO")
    short = " ".join(text.split())[-400:]
    return f"{device} could not compile the model with these settings: {short}"


def device_table() -> list[dict]:
    """Every device OpenVINO sees, then each hardware plugin that is installed but has no device,
    with its full name or the reason it cannot run."""
    rows = [{"device": name, "runs here": True, "what": core().get_property(name, "FULL_DEVICE_NAME")}
            for name in core().available_devices]
    seen = {_base(name) for name in core().available_devices}
    rows += [{"device": name, "runs here": False, "what": device_problem(name).split(": ", 1)[1].split(". Devices")[0]}
             for name in HARDWARE_PLUGINS if name not in seen]
    return rows


def benchmark_targets() -> list[str]:
    """What a lesson benchmarks: AUTO, then every device OpenVINO sees."""
    return ["AUTO", *core().available_devices]
