"""The Dockerfile of a room's single-user image stays in step with the project: its Python is a supported one, it
installs the bundle's requirements.txt (the pins) and nothing pinned otherwise, with the JupyterHub the hub runs,
and registers the kernel the lessons name. (No Docker here: building and running the image is not tested.)"""
from __future__ import annotations

import json
import re
import tomllib

from helpers import config
from helpers.hub import lesson_files

DOCKERFILE = config.PROJECT_ROOT / "Dockerfile"


def _pins(text: str) -> dict[str, str]:
    return {name.lower(): version for name, version in re.findall(r"^([A-Za-z0-9_.-]+)==([^\s;]+)", text, re.M)}


def _instructions() -> str:
    """The Dockerfile without comments, continuation lines joined."""
    lines = [line for line in DOCKERFILE.read_text().splitlines() if not line.lstrip().startswith("#")]
    return "\n".join(lines).replace("\\\n", " ")


def test_the_base_image_is_a_supported_python():
    version = re.search(r"^FROM python:(\d+)\.(\d+)", _instructions(), re.M)
    assert version, "the image must start FROM an official python:X.Y image"
    requires = tomllib.loads((config.PROJECT_ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    low = tuple(int(x) for x in re.search(r">=\s*(\d+)\.(\d+)", requires).groups())
    high = re.search(r"<\s*(\d+)\.(\d+)", requires)
    image = (int(version.group(1)), int(version.group(2)))
    assert image >= low and (high is None or image < tuple(int(x) for x in high.groups()))


def test_the_image_installs_the_bundles_pins_and_no_others():
    text = _instructions()
    assert re.search(r"pip install [^\n]*--no-index[^\n]*-r /opt/tutorial/requirements\.txt", text)
    assert "COPY build/bundle/requirements.txt /opt/tutorial/requirements.txt" in text
    assert not re.search(r"==\d", text), "pins belong in requirements.txt, which the bundle carries"
    pins = _pins((config.PROJECT_ROOT / "requirements.txt").read_text())
    assert "jupyterhub" in pins, "the image's jupyterhub-singleuser must match the hub's JupyterHub"
    assert "jupyterhub-singleuser" in text


def test_the_image_registers_the_kernel_the_lessons_name():
    names = {json.loads(p.read_text(encoding="utf-8"))["metadata"]["kernelspec"]["name"]
             for p in lesson_files() if p.suffix == ".ipynb"}
    registered = re.search(r"ipykernel install [^\n]*--name (\S+)", _instructions())
    assert registered and names == {registered.group(1)}
