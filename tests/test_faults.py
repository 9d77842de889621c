"""A workshop's faults (issue 19, part 3): two runs at once on one models folder, killed runs, damaged model files,
read-only folders, weights files under other names and in the official file's Keras 2 layout, one-line errors.

Each fault is made for real: other processes (subprocess) write at the same time or are killed with SIGKILL, files
are cut short or zeroed on disk, and read-only folders are read-only bind mounts in a mount namespace of their own
(``unshare -rm``; where that is not allowed, a non-root user's ``chmod``), so that even root cannot write there.
"""
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import h5py
import numpy as np
import pytest

from helpers import config
from helpers import model_card as card
from helpers.convert import PRECISIONS, RT_INFO_KEY, convert_to_ir, ir_path
from helpers.demo_photos import demo_photo
from helpers.errors import DamagedIRError, WeightsFileError
from helpers.hashing import file_hash
from helpers.ir_files import RECORD_SUFFIX, STAGING_PREFIX, check_ir, publish_ir, recorded_hashes
from helpers.runtime import compile_model, core, openvino_reason

SRC = Path(__file__).resolve().parents[1] / "src"
RUN_LIMIT_S = 240  # any one child process; a hang is a failure, not a stuck suite


# --- helpers of these tests ---------------------------------------------------------------------------------------


def child_env(**settings) -> dict:
    """The environment for a child process: this checkout's sources first, the tutorial's settings as given
    (None removes one)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    for name, value in settings.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = str(value)
    return env


def run_python(args: list[str], env: dict, prefix: list[str] = ()) -> subprocess.CompletedProcess:
    return subprocess.run([*prefix, sys.executable, *args], env=env, capture_output=True, text=True,
                          timeout=RUN_LIMIT_S)


def one_error_line(result: subprocess.CompletedProcess) -> str:
    """The single line a failed command printed on stderr (exit status 1)."""
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: "), lines
    return lines[0]


def demo_input() -> np.ndarray:
    """The demo photo as the IR takes it: 1x224x224x3 float32 BGR."""
    from helpers.preprocess import load_and_crop_one

    return load_and_crop_one(demo_photo("coffee").path, order=card.CONVERTED_COLOR_ORDER)[None].astype(np.float32)


def ir_output(xml: Path) -> np.ndarray:
    return compile_model(xml, precision="f32")(demo_input())[0][0]


def copy_ir(xml: Path, target: Path) -> Path:
    """A copy of an IR (its record too: a copied folder keeps its checks) under another name."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in (".xml", ".bin", RECORD_SUFFIX):
        shutil.copy(xml.with_suffix(suffix), target.with_suffix(suffix))
    record = target.with_suffix(RECORD_SUFFIX)
    record.write_text(record.read_text().replace(xml.stem, target.stem))
    return target


def zero_bytes(path: Path, count: int = 4096) -> None:
    """Zero ``count`` bytes in the middle of a file, keeping its size (a disk or copy fault)."""
    size = path.stat().st_size
    with open(path, "r+b") as stream:
        stream.seek(size // 2)
        stream.write(b"\0" * count)
    assert path.stat().st_size == size


@pytest.fixture(scope="module")
def other_weights(tmp_path_factory, weights):
    """A copy of the weights in use with the classifier's kernel scaled by 1.5: other weights, other answers."""
    path = tmp_path_factory.mktemp("other") / "other.weights.h5"
    shutil.copy(weights.path, path)
    scaled = []

    def scale(name, item):
        if isinstance(item, h5py.Dataset) and item.ndim == 4 and item.shape[-1] == card.NUM_CLASSES:
            item[...] = item[...] * 1.5
            scaled.append(name)

    with h5py.File(path, "r+") as file:
        file.visititems(scale)
    assert scaled, "no classifier kernel found to change"
    from helpers.weights import check_weights_file

    return check_weights_file(path, source="a test")


@pytest.fixture(scope="module")
def references(tmp_path_factory, weights, keras_model, prepared_ir, other_weights):
    """{weights sha384: the FP32 IR's output on the demo photo} for the weights in use and the other weights, each
    converted alone into a folder of its own."""
    from helpers.keras_model import build_keras_model

    other = convert_to_ir(other_weights, build_keras_model(other_weights),
                          models_root=tmp_path_factory.mktemp("other-ir"))
    outputs = {weights.sha384: ir_output(prepared_ir["FP32"].xml), other_weights.sha384: ir_output(other["FP32"].xml)}
    assert np.abs(outputs[weights.sha384] - outputs[other_weights.sha384]).max() > 1e-2
    xml = {weights.sha384: prepared_ir["FP32"].xml, other_weights.sha384: other["FP32"].xml}
    return {"outputs": outputs, "xml": xml}


def assert_pair_is_whole_and_answers_as_its_weights(xml: Path, references) -> str:
    """The IR at ``xml`` passes check_ir and the model it read answers as the reference IR of the weights its record
    names (one read: the files may be replaced meanwhile). Returns the sha384 it names."""
    model = check_ir(xml)
    named = model.get_rt_info([RT_INFO_KEY, "weights_sha384"]).astype(str)
    assert named in references["outputs"], "the IR names weights neither run used"
    output = compile_model(model, precision="f32")(demo_input())[0][0]
    for sha384, expected in references["outputs"].items():
        distance = np.abs(output - expected).max()
        if sha384 == named:
            assert distance < 1e-3, f"{xml} answers unlike the weights it names (max diff {distance})"
        else:
            assert distance > 1e-2, f"{xml} answers like the weights it does not name"
    return named


# --- two runs at once ---------------------------------------------------------------------------------------------


def test_two_prepare_runs_at_once_with_other_weights_leave_whole_pairs(tmp_path, weights, other_weights, references):
    """Two learners run python -m helpers.prepare at the same moment, on one models folder, with other weights."""
    models = tmp_path / "models"
    runs = [subprocess.Popen([sys.executable, "-m", "helpers.prepare"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=child_env(**{config.ENV_MODELS: models, config.ENV_WEIGHTS: w.path}))
            for w in (weights, other_weights)]
    for run in runs:
        out, err = run.communicate(timeout=RUN_LIMIT_S)
        assert run.returncode == 0, err
    for precision in PRECISIONS:
        xml = ir_path(precision, models)
        check_ir(xml)
        assert not list(xml.parent.glob(f"{STAGING_PREFIX}*"))
    assert_pair_is_whole_and_answers_as_its_weights(ir_path("FP32", models), references)


PUBLISHER = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    from helpers import ir_files
    from helpers.runtime import core

    source, target, marker, role = sys.argv[1], sys.argv[2], Path(sys.argv[3]), sys.argv[4]
    model = core().read_model(source)
    if role == "first":  # paused between its .bin and its .xml (a busy machine), the other writer starting meanwhile
        real_replace = os.replace

        def slow_replace(src, dst):
            real_replace(src, dst)
            if str(dst).endswith(".bin"):
                marker.touch()
                time.sleep(3)

        ir_files.os.replace = slow_replace
    else:  # starts once the first one has put its .bin in place
        deadline = time.monotonic() + 120
        while not marker.exists():
            if time.monotonic() > deadline:
                sys.exit("the first writer never put its .bin in place")
            time.sleep(0.01)
    ir_files.publish_ir(model, target)
""")


def test_a_writer_paused_between_its_two_files_never_leaves_a_mixed_pair(tmp_path, weights, other_weights,
                                                                        references):
    """Two processes publish IR of other weights into one place; the first pauses between its .bin and its .xml, and
    the second starts to publish during that pause (without the folder's lock, the second's .bin would end up beside
    the first's .xml). Meanwhile this process reads the pair: it may find it missing or mixed (check_ir says so), but
    never a mixed pair that passes the check; and the last pair is whole, the second writer's."""
    target = tmp_path / "models" / "FP32" / f"{card.MODEL_NAME}.xml"
    script = tmp_path / "publisher.py"
    script.write_text(PUBLISHER)
    writers = [subprocess.Popen([sys.executable, str(script), str(references["xml"][w.sha384]), str(target),
                                 str(tmp_path / "first-bin-in-place"), role], env=child_env(), stderr=subprocess.PIPE,
                                text=True)
               for role, w in (("first", weights), ("second", other_weights))]
    deadline = time.monotonic() + RUN_LIMIT_S
    while any(writer.poll() is None for writer in writers) and time.monotonic() < deadline:
        try:
            assert_pair_is_whole_and_answers_as_its_weights(target, references)
        except (DamagedIRError, FileNotFoundError):  # missing, or mixed and refused: look again
            pass
        time.sleep(0.05)
    for writer in writers:
        assert writer.wait(timeout=RUN_LIMIT_S) == 0, writer.stderr.read()
    assert assert_pair_is_whole_and_answers_as_its_weights(target, references) == other_weights.sha384
    assert not list(target.parent.glob(f"{STAGING_PREFIX}*"))


# --- killed runs and their staging folders --------------------------------------------------------------------------


KILLED_WHILE_SAVING = textwrap.dedent("""
    import os, signal, sys
    import openvino as ov
    from helpers import ir_files
    from helpers.runtime import core

    def save_then_die(model, path, compress_to_fp16=False):
        open(str(path).replace(".xml", ".bin"), "wb").write(b"half a model")
        os.kill(os.getpid(), signal.SIGKILL)

    ov.save_model = save_then_die
    ir_files.publish_ir(core().read_model(sys.argv[1]), sys.argv[2])
""")


def test_a_killed_run_leaves_a_staging_folder_that_the_next_run_removes(tmp_path, weights, keras_model, prepared_ir):
    target = ir_path("FP32", tmp_path)
    script = tmp_path / "killed.py"
    script.write_text(KILLED_WHILE_SAVING)
    killed = run_python([str(script), str(prepared_ir["FP32"].xml), str(target)], child_env())
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    left = list(target.parent.glob(f"{STAGING_PREFIX}*"))
    assert len(left) == 1 and (left[0] / f"{card.MODEL_NAME}.bin").is_file(), "the killed run left its staging"
    assert not target.exists()
    started = time.monotonic()
    made = convert_to_ir(weights, keras_model, models_root=tmp_path)  # the lock died with the process
    assert time.monotonic() - started < RUN_LIMIT_S
    assert not made["FP32"].reused and not target.parent.joinpath(left[0].name).exists()
    check_ir(target)


LIVE_STAGING = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from helpers import ir_files

    folder = Path(sys.argv[1])
    with ir_files._folder_lock(folder):
        staging = folder / ".saving-live"
        staging.mkdir()
        (staging / "part.bin").write_bytes(b"being written")
        print("staging", flush=True)
        time.sleep(2)
        sys.exit(0 if (staging / "part.bin").is_file() else 3)
""")


def test_a_live_runs_staging_folder_is_left_alone(tmp_path, prepared_ir):
    target = tmp_path / "FP32" / f"{card.MODEL_NAME}.xml"
    target.parent.mkdir()
    script = tmp_path / "live.py"
    script.write_text(LIVE_STAGING)
    live = subprocess.Popen([sys.executable, str(script), str(target.parent)], env=child_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert live.stdout.readline().strip() == "staging", live.stderr.read()
    started = time.monotonic()
    publish_ir(core().read_model(prepared_ir["FP32"].xml), target)  # waits for the other process's lock
    waited = time.monotonic() - started
    assert live.wait(timeout=RUN_LIMIT_S) == 0, "the other process's staging folder was removed while it was live"
    assert waited > 0.5, "publishing did not wait for the process that held the folder"
    assert not (target.parent / ".saving-live").exists(), "once that process ended, its staging folder is stale"
    check_ir(target)


# --- damaged model files ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("precision", PRECISIONS)
def test_a_zeroed_bin_of_the_same_size_is_found_and_rebuilt(tmp_path, weights, keras_model, precision, references):
    made = convert_to_ir(weights, keras_model, models_root=tmp_path)
    recorded = recorded_hashes(made[precision].xml)[made[precision].bin.name]
    assert recorded == file_hash(made[precision].bin, "sha256")
    zero_bytes(made[precision].bin)
    with pytest.raises(DamagedIRError, match="does not belong with the rest of its IR"):
        check_ir(made[precision].xml)
    again = convert_to_ir(weights, keras_model, models_root=tmp_path)
    assert not again[precision].reused and all(ir.reused for p, ir in again.items() if p != precision)
    assert file_hash(again[precision].bin, "sha256") == recorded
    if precision == "FP32":
        assert_pair_is_whole_and_answers_as_its_weights(again[precision].xml, references)


def test_a_zeroed_int8_bin_is_found_and_quantized_again(tmp_path, prepared_ir):
    from dataclasses import replace

    from helpers.datasets import read_dataset
    from helpers.quantize import RECOMMENDED, quantize_ir

    folder = config.data_dir(required=False)
    if folder is None:
        pytest.skip("TUTORIAL_DATA is not set: quantization calibrates on real labelled images")
    items, small = read_dataset(folder)[:60], replace(RECOMMENDED, calibration_images=16)
    int8 = quantize_ir(items, small, fp32_xml=prepared_ir["FP32"].xml, int8_xml=tmp_path / "FP32-INT8" / "m.xml")
    recorded = file_hash(int8.bin, "sha256")
    assert quantize_ir(items, small, fp32_xml=prepared_ir["FP32"].xml, int8_xml=int8.xml).reused
    zero_bytes(int8.bin)
    again = quantize_ir(items, small, fp32_xml=prepared_ir["FP32"].xml, int8_xml=int8.xml)
    assert not again.reused and file_hash(again.bin, "sha256") == recorded


def truncate_bin(xml: Path) -> None:
    path = xml.with_suffix(".bin")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def garbage_xml(xml: Path) -> None:
    xml.write_text("garbage, not an IR")


def zeroed_bin(xml: Path) -> None:
    zero_bytes(xml.with_suffix(".bin"))


@pytest.fixture
def offline_models(tmp_path, prepared_ir):
    """A models folder holding only the FP32 and FP16 IR (no weights at hand: the commands use the IR as found)."""
    root = tmp_path / "models"
    for precision, ir in prepared_ir.items():
        copy_ir(ir.xml, ir_path(precision, root))
    return root


@pytest.mark.parametrize("damage", [truncate_bin, garbage_xml, zeroed_bin])
@pytest.mark.parametrize("command", ["classify", "evaluate", "benchmark"])
def test_a_damaged_ir_ends_each_command_with_one_line_naming_the_file_and_the_fix(offline_models, tiny_dataset,
                                                                                   damage, command):
    xml = ir_path("FP32", offline_models)
    damage(xml)
    args = {"classify": [str(demo_photo("coffee").path)], "evaluate": [str(tiny_dataset)],
            "benchmark": ["--time", "1", "--no-benchmark-app"]}[command]
    env = child_env(**{config.ENV_MODELS: offline_models, config.ENV_WEIGHTS: None})
    line = one_error_line(run_python(["-m", f"helpers.{command}", *args], env))
    damaged = xml.with_suffix(".bin") if damage is zeroed_bin else xml
    assert str(damaged) in line and "python -m helpers.prepare --rebuild" in line, line
    assert "Exception from" not in line and "Check '" not in line and "Traceback" not in line


def test_a_damaged_int8_ir_names_the_command_that_makes_it_again(offline_models, prepared_ir):
    int8 = ir_path("INT8", offline_models)
    copy_ir(prepared_ir["FP32"].xml, int8)  # a published IR (it records its .bin) stands in for the INT8 one
    zeroed_bin(int8)
    env = child_env(**{config.ENV_MODELS: offline_models, config.ENV_WEIGHTS: None})
    line = one_error_line(run_python(["-m", "helpers.classify", str(demo_photo("coffee").path), "--precision", "INT8"],
                                     env))
    assert str(int8.with_suffix(".bin")) in line and "python -m helpers.quantize --rebuild" in line, line


def test_openvino_reason_keeps_what_went_wrong_and_drops_where_in_its_sources(tmp_path, prepared_ir):
    xml = copy_ir(prepared_ir["FP32"].xml, tmp_path / "FP32" / "m.xml")
    truncate_bin(xml)
    with pytest.raises(RuntimeError) as error:
        core().read_model(xml)
    assert "\n" in str(error.value) and ".cpp" in str(error.value)
    assert openvino_reason(error.value) == "Incorrect weights in bin file!"


# --- read-only folders ------------------------------------------------------------------------------------------


def _unshare_works() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", 'mount --bind -o ro "$0" "$0"', "/tmp"],
                           capture_output=True, timeout=30)
    return probe.returncode == 0


@pytest.fixture
def read_only():
    """``read_only(folder)``: the prefix of a command line that runs it with ``folder`` read-only: a read-only bind
    mount in a namespace of its own (EROFS, which even root meets), else, for a non-root user, chmod a-w."""
    restore = []

    def prefix(folder: Path) -> list[str]:
        if _unshare_works():
            return ["unshare", "-rm", "sh", "-c", 'mount --bind -o ro "$0" "$0" && exec "$@"', str(folder)]
        if os.geteuid() != 0:
            for path in [folder, *folder.rglob("*")]:
                if path.is_dir():
                    restore.append((path, path.stat().st_mode))
                    path.chmod(path.stat().st_mode & ~0o222)
            return []
        pytest.skip("cannot make a folder read-only for root here: unshare -rm is not allowed")

    yield prefix
    for path, mode in reversed(restore):
        path.chmod(mode)


@pytest.mark.parametrize("with_weights", [True, False], ids=["MOBILENET_WEIGHTS", "download"])
def test_an_empty_read_only_models_folder_ends_prepare_with_one_line_naming_the_setting(tmp_path, weights, read_only,
                                                                                      with_weights):
    models = tmp_path / "models"
    models.mkdir()
    env = child_env(**{config.ENV_MODELS: models, config.ENV_WEIGHTS: weights.path if with_weights else None})
    line = one_error_line(run_python(["-m", "helpers.prepare"], env, read_only(models)))
    assert str(models) in line and "TUTORIAL_MODELS" in line and "export TUTORIAL_MODELS=" in line, line
    assert list(models.iterdir()) == []


def test_a_prepared_read_only_models_folder_is_used_without_writing(tmp_path, weights, prepared_ir, read_only):
    models = tmp_path / "models"
    for precision, ir in prepared_ir.items():
        copy_ir(ir.xml, ir_path(precision, models))
    before = {path: path.stat().st_mtime_ns for path in models.rglob("*")}
    prefix = read_only(models)
    env = child_env(**{config.ENV_MODELS: models, config.ENV_WEIGHTS: weights.path})
    prepared = run_python(["-m", "helpers.prepare"], env, prefix)
    assert prepared.returncode == 0, prepared.stderr
    assert prepared.stdout.count("(reused)") == len(PRECISIONS), prepared.stdout
    for settings in (env, child_env(**{config.ENV_MODELS: models, config.ENV_WEIGHTS: None})):
        classified = run_python(["-m", "helpers.classify", str(demo_photo("coffee").path), "--top", "1"], settings,
                                prefix)
        assert classified.returncode == 0, classified.stderr
    assert {path: path.stat().st_mtime_ns for path in models.rglob("*")} == before


def test_the_read_only_check_really_stops_writes(tmp_path, read_only):
    """The way these tests make a folder read-only stops even this process's user (root in CI) from writing."""
    folder = tmp_path / "ro"
    folder.mkdir()
    result = subprocess.run([*read_only(folder), "sh", "-c", f'touch "{folder}/x"'], capture_output=True, text=True,
                            timeout=30)
    assert result.returncode != 0 and not (folder / "x").exists()


# --- weights by content, and the official file's layout -------------------------------------------------------------


@pytest.fixture(scope="module")
def keras2_weights(tmp_path_factory, keras_model):
    """The weights in use written in Keras 2's legacy HDF5 layout, as the official file is, under its name."""
    from keras.src.legacy.saving import legacy_h5_format

    path = tmp_path_factory.mktemp("official-layout") / card.OFFICIAL_WEIGHTS.name
    with h5py.File(path, "w") as file:
        legacy_h5_format.save_weights_to_hdf5_group(file, keras_model)
    with h5py.File(path, "r") as file:
        assert "layer_names" in file.attrs and "layers" not in file
        assert all("weight_names" in file[name].attrs for name in file.attrs["layer_names"])
    return path


@pytest.fixture(scope="module")
def keras_output(keras_model, demo_rgb_224):
    return np.asarray(keras_model([demo_rgb_224[None].astype(np.float32)]))


def predictions_of(path: Path, demo_rgb_224) -> np.ndarray:
    from helpers.keras_model import build_keras_model

    return np.asarray(build_keras_model(path)([demo_rgb_224[None].astype(np.float32)]))


def test_the_official_files_layout_loads_through_resolve_weights(keras2_weights, keras_output, demo_rgb_224,
                                                                 monkeypatch, tmp_path):
    from helpers import weights as weights_module
    from helpers.keras_model import build_keras_model
    from helpers.model_card import RemoteFile
    from helpers.weights import KERAS2, keras_weights_format, resolve_weights

    assert keras_weights_format(keras2_weights) == KERAS2
    monkeypatch.setenv(config.ENV_WEIGHTS, str(keras2_weights))
    local = resolve_weights(progress=False)
    np.testing.assert_array_equal(np.asarray(build_keras_model(local)([demo_rgb_224[None].astype(np.float32)])),
                                  keras_output)
    # Where a download puts it (the checksum made to be this file's, so that no download is tried).
    monkeypatch.delenv(config.ENV_WEIGHTS)
    monkeypatch.setenv(config.ENV_MODELS, str(tmp_path / "models"))
    monkeypatch.setattr(weights_module, "OFFICIAL_WEIGHTS", RemoteFile(
        card.OFFICIAL_WEIGHTS.name, keras2_weights.stat().st_size, file_hash(keras2_weights, "sha384"), ()))
    downloaded = weights_module.downloaded_weights_path()
    downloaded.parent.mkdir(parents=True)
    shutil.copy(keras2_weights, downloaded)
    found = resolve_weights(progress=False)
    assert found.source == "download" and found.path == downloaded
    np.testing.assert_array_equal(predictions_of(found.path, demo_rgb_224), keras_output)


@pytest.mark.parametrize("name", ["renamed.h5", "renamed", "weights.bin", "legacy.weights.h5"])
@pytest.mark.parametrize("layout", ["keras3", "keras2"])
def test_weights_load_by_their_content_whatever_their_name(tmp_path, weights, keras2_weights, keras_output,
                                                            demo_rgb_224, name, layout):
    from helpers.weights import check_weights_file

    path = tmp_path / name
    shutil.copy(weights.path if layout == "keras3" else keras2_weights, path)
    check_weights_file(path, source="a test")
    np.testing.assert_array_equal(predictions_of(path, demo_rgb_224), keras_output)


def test_an_hdf5_file_without_keras_weights_is_named(tmp_path):
    from helpers.keras_model import build_keras_model

    path = tmp_path / "data.h5"
    with h5py.File(path, "w") as file:
        file["numbers"] = np.arange(3)
    with pytest.raises(WeightsFileError, match="holds no Keras weights") as error:
        build_keras_model(path)
    assert str(path) in str(error.value) and "\n" not in str(error.value)
