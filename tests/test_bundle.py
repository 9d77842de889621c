"""The offline classroom bundle (helpers.bundle).

The fast tests build a bundle from a tiny fake requirements set (one hand-made wheel, found with
``--no-index``), so its layout, checksums, scripts and size table are checked without a network.
``test_offline_install_runs_lesson_01`` builds a real one (the pinned set, a few images), unpacks its
archive elsewhere, installs it into a fresh virtual environment with every package index switched off
(and, where the kernel allows it, inside a network namespace with no network at all), and runs
Lesson 01 in quick mode from it. It takes about six minutes on a 2-core machine.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import cv2
import numpy as np
import pytest

from helpers import bundle, config
from helpers.bundle import build_bundle, format_size_table, platform_tags
from helpers.cli.bundle import main as bundle_command
from helpers.datasets import evenly_spaced, read_dataset
from helpers.errors import BundleError, DownloadError
from helpers.model_card import OFFICIAL_WEIGHTS, imagenet_classes
from helpers.sample import manifest
from helpers.weights import HDF5_SIGNATURE

PROJECT = config.PROJECT_ROOT
LESSON_01 = "01_get_and_convert_the_model.ipynb"


# --- a tiny world: one wheel, fake weights, a few images -----------------------------------------


def make_wheel(folder: Path, name: str = "tinypkg", version: str = "1.0") -> Path:
    """A minimal valid pure-Python wheel (what pip needs to download and install it)."""
    folder.mkdir(parents=True, exist_ok=True)
    dist_info = f"{name}-{version}.dist-info"
    files = {
        f"{name}/__init__.py": b"VALUE = 42\n",
        f"{dist_info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode(),
        f"{dist_info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = [f"{path},sha256={_urlsafe_sha256(data)},{len(data)}" for path, data in files.items()]
    files[f"{dist_info}/RECORD"] = ("\n".join(record + [f"{dist_info}/RECORD,,"]) + "\n").encode()
    wheel = folder / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, data in files.items():
            archive.writestr(path, data)
    return wheel


def _urlsafe_sha256(data: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


@pytest.fixture(scope="module")
def project_wheel(tmp_path_factory):
    """This project built as a wheel once (pip wheel takes seconds), as every bundle build does."""
    folder = tmp_path_factory.mktemp("project-wheel")
    return bundle.build_project_wheel(PROJECT, folder, ("--no-index", "--no-build-isolation"))


@pytest.fixture
def tiny_world(tmp_path, monkeypatch, project_wheel):
    """Settings pointing at fake weights and four labelled images; a requirements file naming one local wheel.

    The bundles reuse the project wheel built once by ``project_wheel`` (the real build step).
    """
    monkeypatch.setattr(bundle.build, "build_project_wheel",
                        lambda project, dest, pip_args=(): Path(shutil.copy2(project_wheel, dest)))
    wheels = tmp_path / "index"
    make_wheel(wheels)
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("tinypkg==1.0\n")
    weights = tmp_path / "stand_in.weights.h5"
    weights.write_bytes(HDF5_SIGNATURE + b"\0" * 1000)
    images = tmp_path / "images"
    images.mkdir()
    rng = np.random.default_rng(0)
    synsets = [imagenet_classes()[i].synset for i in (0, 250, 500, 999)]
    for synset in synsets:
        cv2.imwrite(str(images / f"{synset}_photo.JPEG"), rng.integers(0, 256, (40, 50, 3), dtype=np.uint8))
    monkeypatch.setenv(config.ENV_WEIGHTS, str(weights))
    monkeypatch.setenv(config.ENV_DATA, str(images))
    monkeypatch.setenv(config.ENV_MODELS, str(tmp_path / "models"))
    # Only the local wheel may be found; the project's wheel is built with the setuptools already here.
    pip_args = ("--no-index", "--find-links", str(wheels), "--no-build-isolation")
    return {"requirements": requirements, "pip_args": pip_args, "weights": weights, "synsets": synsets,
            "out": tmp_path / "build" / "bundle"}


def build_tiny(world, **options):
    return build_bundle(world["out"], requirements=world["requirements"], pip_args=world["pip_args"],
                        log=lambda message: None, **options)


# --- fast tests ----------------------------------------------------------------------------------


def test_platform_tags_widen_a_manylinux_platform_to_every_older_glibc():
    tags = platform_tags("manylinux_2_28_x86_64")
    assert tags[0] == "manylinux_2_28_x86_64"
    for older in ("manylinux_2_27_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64", "manylinux1_x86_64"):
        assert older in tags
    assert "manylinux_2_29_x86_64" not in tags
    assert platform_tags("manylinux_2_12_x86_64")[-2:] == ["manylinux2010_x86_64", "manylinux1_x86_64"]
    assert platform_tags("macosx_11_0_arm64") == ["macosx_11_0_arm64"]


def test_needed_glibc_is_the_highest_of_each_wheels_lowest_tag():
    wheels = [
        "numpy-2.4.6-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl",  # needs 2.27
        "grpcio-1.85.3-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.whl",  # needs 2.17
        "tqdm-4.70.1-py3-none-any.whl",
    ]
    assert bundle.needed_glibc(wheels) == (2, 27)
    assert bundle.needed_glibc(wheels + ["openvino-2026.4.1-22982-cp311-cp311-manylinux_2_28_x86_64.whl"]) == (2, 28)
    assert bundle.needed_glibc(["tqdm-4.70.1-py3-none-any.whl"]) is None


def test_a_bundle_holds_every_part_with_checksums_scripts_and_an_archive(tiny_world):
    report = build_tiny(tiny_world, images=3, solutions=True)
    out = tiny_world["out"]
    assert report.folder == out.absolute() and report.archive == out.with_name("bundle.tar").absolute()
    assert not out.with_name("bundle.partial").exists()

    wheels = sorted(p.name for p in (out / "wheels").iterdir())
    assert wheels[0].startswith("mobilenet_v3_tutorial_helpers-") and wheels[1] == "tinypkg-1.0-py3-none-any.whl"
    assert len(wheels) == 2
    with zipfile.ZipFile(out / "wheels" / wheels[0]) as built:  # the package with its class names
        names = set(built.namelist())
    assert {"helpers/bundle/__init__.py", "helpers/bundle/templates/install.sh", "helpers/exercises/__init__.py",
            "helpers/data/imagenet_2012.txt"} <= names
    assert not any("__pycache__" in name for name in names)
    assert (out / "requirements.txt").read_text() == "tinypkg==1.0\n"

    assert (out / "weights" / "stand_in.weights.h5").read_bytes() == tiny_world["weights"].read_bytes()
    note = (out / "weights" / "WEIGHTS.md").read_text()
    assert "NOT the official" in note and OFFICIAL_WEIGHTS.name in note
    assert hashlib.sha384(tiny_world["weights"].read_bytes()).hexdigest() in note
    assert "NOT the official" in report.weights_note

    from importlib import resources
    assert (out / "labels" / "imagenet_2012.txt").read_bytes() == \
        resources.files("helpers").joinpath("data/imagenet_2012.txt").read_bytes()

    shipped = read_dataset(out / "images")  # the bundle's images are in a layout the lessons read
    assert report.images == len(shipped) == 3
    assert [item.label for item in shipped] == [0, 250, 500]  # 3 of the 4, evenly spread
    notebooks = sorted(p.name for p in (out / "notebooks").glob("*.ipynb"))
    assert notebooks == sorted(p.name for p in (PROJECT / "notebooks").glob("*.ipynb"))
    assert (out / "notebooks" / "glossary.md").is_file()
    assert sorted(p.name for p in (out / "notebooks" / ".originals").iterdir()) == notebooks
    assert (out / "solutions").is_dir() == (PROJECT / "solutions").is_dir()

    for script in ("install.sh", "lab.sh", "reset.sh"):
        assert os.access(out / script, os.X_OK), script
        subprocess.run(["bash", "-n", str(out / script)], check=True)  # valid bash
    manifest = json.loads((out / "bundle.json").read_text())
    assert manifest["images"] == 3 and manifest["wheels"] == 2 and manifest["weights_official"] is False
    instructions = (out / "INSTRUCTIONS.md").read_text()
    assert "./install.sh" in instructions and "NOT the official" in instructions and "3 labelled" in instructions

    checked = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=out, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    listed = {line.split("  ", 1)[1] for line in (out / "SHA256SUMS").read_text().splitlines()}
    assert "weights/stand_in.weights.h5" in listed and f"wheels/{wheels[1]}" in listed
    assert not any(name.startswith("notebooks/") for name in listed)  # learners edit those

    with tarfile.open(report.archive) as tar:
        in_tar = {member.name for member in tar.getmembers() if member.isfile()}
        assert tar.getmember("bundle/install.sh").mode & 0o111
    on_disk = {"bundle/" + p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert in_tar == on_disk


def test_the_size_table_adds_up_and_names_what_dominates(tiny_world):
    report = build_tiny(tiny_world, images=0, archive=False)
    out = tiny_world["out"]
    assert report.archive is None and not out.with_name("bundle.tar").exists()
    assert not (out / "images").exists() and report.images == 0
    every_file = [p for p in out.rglob("*") if p.is_file()]
    assert report.total_bytes == sum(p.stat().st_size for p in every_file)
    assert sum(part.files for part in report.parts) == len(every_file)
    assert [part.bytes for part in report.parts] == sorted((part.bytes for part in report.parts), reverse=True)
    by_name = {part.name: part for part in report.parts}
    assert by_name["wheels"].files == 2 and by_name["weights"].files == 2
    assert by_name["instructions and scripts"].files == len([p for p in out.iterdir() if p.is_file()])

    table = format_size_table(report.parts, report.largest_files)
    rows = table.splitlines()
    assert rows[0].split() == ["part", "files", "MB", "share"]
    shares = [float(row.split()[-2]) for row in rows[1:1 + len(report.parts)]]
    assert abs(sum(shares) - 100) < 0.1 * len(shares)
    assert report.largest_files[0][0] in table
    assert bundle.dominant_part(report.parts, report.largest_files).startswith(f"The {report.parts[0].name} are ")


def test_a_rebuild_replaces_the_bundle_but_never_a_foreign_folder(tiny_world):
    build_tiny(tiny_world, images=4, archive=False)
    build_tiny(tiny_world, images=1, archive=False)  # an earlier bundle is replaced, not merged into
    assert len(list((tiny_world["out"] / "images").iterdir())) == 1
    foreign = tiny_world["out"].with_name("mine")
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("precious")
    with pytest.raises(BundleError, match="not a bundle made by this command"):
        build_bundle(foreign, requirements=tiny_world["requirements"], pip_args=tiny_world["pip_args"], images=0)
    assert (foreign / "thesis.tex").read_text() == "precious"


def test_install_refuses_a_damaged_copy_before_installing_anything(tiny_world):
    build_tiny(tiny_world, images=1, archive=False)
    out = tiny_world["out"]
    wheel = out / "wheels" / "tinypkg-1.0-py3-none-any.whl"
    wheel.write_bytes(wheel.read_bytes()[:-10])  # cut short, as a failing USB stick leaves it
    result = subprocess.run([str(out / "install.sh")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "damaged or missing" in result.stderr and "tinypkg" in result.stdout + result.stderr
    assert not (out / ".venv").exists()


def test_reset_puts_a_lesson_back_and_keeps_the_learners_copy(tiny_world):
    build_tiny(tiny_world, images=0, archive=False)
    notebooks = tiny_world["out"] / "notebooks"
    lesson = notebooks / LESSON_01
    shipped = lesson.read_bytes()
    lesson.write_text("the learner's edits")
    result = subprocess.run([str(tiny_world["out"] / "reset.sh"), "01"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert lesson.read_bytes() == shipped
    backups = list(notebooks.glob(LESSON_01 + ".*.bak"))
    assert len(backups) == 1 and backups[0].read_text() == "the learner's edits"
    wrong = subprocess.run([str(tiny_world["out"] / "reset.sh"), "99"], capture_output=True, text=True)
    assert wrong.returncode == 1 and "no lesson numbered '99'" in wrong.stderr


def test_no_weights_says_how_to_get_them(tiny_world, monkeypatch):
    monkeypatch.delenv(config.ENV_WEIGHTS)
    with pytest.raises(BundleError) as error:
        build_tiny(tiny_world, images=0)
    assert "python -m helpers.prepare" in str(error.value) and config.ENV_WEIGHTS in str(error.value)
    assert not tiny_world["out"].exists()


def test_without_an_image_folder_the_sample_is_downloaded_through_the_mirror(tiny_world, monkeypatch, sample_mirror):
    monkeypatch.delenv(config.ENV_DATA)
    monkeypatch.setattr(config, "sample_dir", lambda: tiny_world["out"].parent / "sample")
    monkeypatch.setenv(config.ENV_MIRROR, sample_mirror.url)
    built = build_tiny(tiny_world, images=3, archive=False)
    shipped = sorted(p.name for p in (tiny_world["out"] / "images").iterdir())
    assert built.images == 3 and shipped == [f.name for f in evenly_spaced(list(manifest()), 3)]
    assert build_tiny(tiny_world, images=0, archive=False).images == 0


def test_without_an_image_folder_or_a_source_the_error_names_the_remedies(tiny_world, offline_sample):
    with pytest.raises(DownloadError) as error:
        build_tiny(tiny_world, images=2)
    assert config.ENV_DATA in str(error.value).splitlines()[0] and config.ENV_MIRROR in str(error.value)


def test_command_line_rejects_a_negative_image_count(capsys):
    with pytest.raises(SystemExit) as exit_:
        bundle_command(["--images", "-3"])
    assert exit_.value.code == 2
    assert "--images" in capsys.readouterr().err


def test_command_line_reports_a_missing_weights_file_as_one_error_line(tiny_world, monkeypatch, capsys):
    monkeypatch.setenv(config.ENV_WEIGHTS, str(tiny_world["out"].parent / "nowhere.h5"))
    assert bundle_command(["--out", str(tiny_world["out"]), "--images", "0"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "nowhere.h5" in err


# --- the real thing: build, install offline, run Lesson 01 ----------------------------------------


def _can_unshare_network() -> bool:
    """True when this process may run a command in a new network namespace (no network but loopback)."""
    if not shutil.which("unshare") or not shutil.which("ip"):
        return False
    return subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0


def _offline(command: str) -> list[str]:
    """``command`` (bash) run with no network where possible; loopback stays up for Jupyter's kernel."""
    if _can_unshare_network():
        return ["unshare", "-n", "bash", "-c", f"ip link set lo up && {command}"]
    return ["bash", "-c", command]


def test_offline_install_runs_lesson_01(weights, tmp_path):
    if sys.platform != "linux":
        pytest.skip("the bundle's install.sh is for Linux and macOS; this test builds Linux wheels")
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "VIRTUAL_ENV", "PIP_FIND_LINKS", "PIP_CONSTRAINT")}
    env.update({config.ENV_WEIGHTS: str(weights.path), config.ENV_QUICK: "1"})
    env.pop(config.ENV_MODELS, None)
    out = tmp_path / "build" / "bundle"
    built = subprocess.run([sys.executable, "-m", "helpers.bundle", "--out", str(out), "--images", "8"],
                           env=env, capture_output=True, text=True, timeout=1800)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    assert "largest files:" in built.stdout and "tensorflow" in built.stdout

    # A learner's machine: the archive unpacked elsewhere, the build folder gone.
    classroom = tmp_path / "classroom"
    classroom.mkdir()
    with tarfile.open(out.with_name("bundle.tar")) as tar:
        tar.extractall(classroom, filter="tar")
    shutil.rmtree(out.parent)
    here = classroom / "bundle"

    offline_env = {key: value for key, value in env.items()
                   if not key.startswith(("MOBILENET_", "TUTORIAL_", "JUPYTER_"))}
    offline_env.update({
        "PIP_NO_INDEX": "1", "PIP_INDEX_URL": "http://127.0.0.1:9/nowhere", "TUTORIAL_QUICK": "1",
        "PYTHON": sys.executable,
        # Jupyter looks in the user's folders before the environment's: keep a kernel of the same
        # name elsewhere on this machine from standing in for the bundle's.
        "JUPYTER_DATA_DIR": str(tmp_path / "jupyter-data"), "JUPYTER_CONFIG_DIR": str(tmp_path / "jupyter-config"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "jupyter-runtime"),
    })
    try:
        installed = subprocess.run(_offline(f"{here}/install.sh"), env=offline_env, capture_output=True,
                                   text=True, timeout=1800)
        assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]
        venv = here / ".venv"
        where = subprocess.run([str(venv / "bin/python"), "-c", "import helpers; print(helpers.__file__)"],
                               env=offline_env, capture_output=True, text=True, check=True).stdout
        assert Path(where.strip()).is_relative_to(venv), f"helpers imported from {where}, not from the bundle"
        specs = json.loads(subprocess.run([str(venv / "bin/jupyter"), "kernelspec", "list", "--json"],
                                          env=offline_env, capture_output=True, text=True, check=True).stdout)
        kernel = specs["kernelspecs"][bundle.KERNEL_NAME]
        assert Path(kernel["spec"]["argv"][0]).is_relative_to(venv)

        executed = subprocess.run(_offline(
            f"source {here}/env.sh && cd {here}/notebooks && jupyter nbconvert --to notebook --execute "
            f"--ExecutePreprocessor.timeout=1200 --ExecutePreprocessor.kernel_name={bundle.KERNEL_NAME} "
            f"--output-dir {tmp_path}/executed {LESSON_01}"), env=offline_env, capture_output=True, text=True,
            timeout=1800)
        assert executed.returncode == 0, (
            f"Lesson 01 failed when run from the installed bundle:\n{executed.stderr[-5000:]}")
        assert (tmp_path / "executed" / LESSON_01).is_file()
        made = list((here / "models").rglob("*.xml"))  # the lesson converted into the bundle's models/
        assert made, "Lesson 01 ran but wrote no IR into the bundle's models folder"
    finally:
        shutil.rmtree(classroom, ignore_errors=True)  # a few GB: the virtual environment
