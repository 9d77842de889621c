"""Any Jupyter: the lessons run in any environment where the project is installed, without tutorial.py.

The lessons name Jupyter's generic kernel, ``python3``, which every environment with ipykernel has and which
runs that environment's own Python: Jupyter Lab or Notebook started from the environment, VS Code with the
environment's interpreter selected, nbval, nbconvert.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
LESSON_01 = NOTEBOOKS / "01_get_and_convert_the_model.ipynb"


def test_every_lesson_names_the_generic_python3_kernel():
    lessons = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    assert lessons
    for lesson in lessons:
        kernelspec = json.loads(lesson.read_text(encoding="utf-8"))["metadata"]["kernelspec"]
        assert (kernelspec["name"], kernelspec["language"]) == ("python3", "python"), lesson.name


def _venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


@pytest.mark.plain_pip
def test_plain_pip_install_runs_lesson_01_in_the_notebooks_own_kernel(tmp_path):
    venv = tmp_path / "a plain venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = _venv_python(venv)
    # As the environment's activation would have it: its own scripts first, no other environment's settings.
    env = {name: value for name, value in os.environ.items() if name not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = str(python.parent) + os.pathsep + env.get("PATH", "")
    env["JUPYTER_DATA_DIR"] = str(tmp_path / "jupyter-data")  # no kernels but the environment's own
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", str(ROOT)],
                   check=True, env=env)

    where = subprocess.run([str(python), "-c", "from jupyter_client.kernelspec import KernelSpecManager; "
                            "print(KernelSpecManager().get_kernel_spec('python3').resource_dir)"],
                           env=env, check=True, capture_output=True, text=True).stdout.strip()
    assert Path(where).is_relative_to(venv), f"python3 should be the environment's own kernel, not {where}"

    # nbval without --nbval-current-env (addopts emptied): it starts the kernel the notebook names.
    run = subprocess.run([str(python), "-m", "pytest", "-o", "addopts=", "-p", "no:cacheprovider", "--nbval-lax",
                          "-q", str(LESSON_01)], cwd=ROOT, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and " failed" not in run.stdout
