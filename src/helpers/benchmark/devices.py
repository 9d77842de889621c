"""Which OpenVINO devices this machine can run, and, for a plugin that is installed but cannot
run, the missing piece (for example the GPU plugin without ``libOpenCL.so.1``); which devices a
lesson offers and benchmarks; whether the CPU has what makes INT8 fast.

``device_options`` (the devices OpenVINO sees, then AUTO) is defined in ``helpers.runtime``, whose
``compile_model`` names them in its error and which must not import this package; it is used from here.
"""
from __future__ import annotations

import re
from pathlib import Path

from helpers.runtime import core, device_options

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
    here = f"Devices here: {', '.join(device_options())}"
    if missing:
        return (f"{device}: OpenVINO's {base} plugin is installed but cannot load: {missing.group(1)} is missing; "
                f"{fix}. {here}")
    if base not in (*HARDWARE_PLUGINS, "AUTO", "HETERO", "MULTI", "BATCH"):
        return f"{device}: OpenVINO has no device of that name. {here}"
    if device not in core().available_devices and base in HARDWARE_PLUGINS:
        return f"{device}: the {base} plugin loads but finds no {base} device on this machine; {fix}. {here}"
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
    """What a lesson benchmarks: ``device_options``, AUTO first, then every device OpenVINO sees."""
    return sorted(device_options(), key=lambda name: name != "AUTO")


def cpu_int8_support(device: str = "CPU") -> dict[str, bool]:
    """The CPU features that make INT8 fast, from /proc/cpuinfo (Linux; all False elsewhere) and OpenVINO:
    VNNI (AVX512-VNNI or AVX-VNNI: int8 dot products), AMX-INT8 (int8 matrix tiles), and whether OpenVINO's
    device lists INT8 among its OPTIMIZATION_CAPABILITIES."""
    try:
        flags = set(next((line.split(":", 1)[1].split() for line in Path("/proc/cpuinfo").read_text().splitlines()
                          if line.startswith("flags")), []))
    except OSError:
        flags = set()
    capabilities = core().get_property(device, "OPTIMIZATION_CAPABILITIES")
    return {"AVX512-VNNI": "avx512_vnni" in flags, "AVX-VNNI": "avx_vnni" in flags, "AMX-INT8": "amx_int8" in flags,
            "OpenVINO INT8 capability": "INT8" in capabilities}
