"""Every command fails clearly: one ``error:`` line naming the thing and the fix, exit status 2 for a
mistake in the arguments (found before anything slow starts) and 1 for the rest."""
import gzip
import re
import shutil
import subprocess
import sys

import pytest

from helpers import cli, prepare
from helpers.cli import classify, evaluate
from helpers.cli import prepare as prepare_command
from helpers.convert import ir_path
from helpers.demo_photos import demo_photo
from helpers.errors import ConfigError, TutorialError

NO_SUCH_DEVICE = "NOSUCHDEVICE"  # "GPU" on a machine without one fails the same way


def error_line(capsys) -> str:
    """The one line a failed command printed on stderr."""
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


@pytest.fixture
def nothing_slow(monkeypatch):
    """Argument errors must be found before the model is prepared."""
    def must_not_run(**kwargs):
        raise AssertionError("the model was prepared before the arguments were checked")

    monkeypatch.setattr(prepare, "prepare_models", must_not_run)


@pytest.mark.parametrize("main, arguments, message", [
    (evaluate.main, ["data", "--limit", "-3"], "argument --limit: must be a whole number of at least 1, not '-3'"),
    (evaluate.main, ["data", "--limit", "0"], "argument --limit: must be a whole number of at least 1"),
    (evaluate.main, ["data", "--protocol", "imagenet"], "argument --protocol: invalid choice: 'imagenet'"),
    (evaluate.main, ["data", "--precision", "INT4"], "argument --precision: invalid choice: 'INT4'"),
    (classify.main, ["photo.jpg", "--precision", "fp16"], "argument --precision: invalid choice: 'fp16'"),
    (classify.main, ["photo.jpg", "--top", "0"], "argument --top: must be a whole number from 1 to 1000"),
    (prepare_command.main, ["--rebuilt"], "unrecognized arguments: --rebuilt"),
])
def test_argument_errors_exit_2_with_one_line(nothing_slow, capsys, main, arguments, message):
    with pytest.raises(SystemExit) as exited:
        main(arguments)
    assert exited.value.code == cli.EXIT_USAGE
    line = error_line(capsys)
    assert message in line and line.endswith("--help)"), line


def test_a_device_that_cannot_compile_is_named_with_the_devices_there(tiny_dataset, prepared_ir, capsys):
    assert evaluate.main([str(tiny_dataset), "--device", NO_SUCH_DEVICE]) == 1
    line = error_line(capsys)
    assert line.startswith(f"error: OpenVINO could not compile the model for {NO_SUCH_DEVICE}: ")
    assert "Choose one of the devices here: CPU" in line and "Exception from" not in line
    assert classify.main([str(demo_photo("coffee").path), "--device", NO_SUCH_DEVICE]) == 1
    assert f"could not compile the model for {NO_SUCH_DEVICE}" in error_line(capsys)


def test_int8_is_accepted_and_its_absence_says_which_step_makes_it(models_copy, tiny_dataset, capsys):
    photo = str(demo_photo("coffee").path)
    assert classify.main([photo, "--precision", "INT8"]) == 1
    line = error_line(capsys)
    assert f"No INT8 IR at {ir_path('INT8')}" in line and "FP32-INT8" in line
    assert "Lesson 06" in line and "python -m helpers.quantize" in line
    assert evaluate.main([str(tiny_dataset), "--precision", "INT8"]) == 1
    assert "python -m helpers.quantize" in error_line(capsys)
    # With an INT8 IR in its place (a copy of the FP32 one stands in), both commands use it.
    int8 = ir_path("INT8")
    int8.parent.mkdir()
    for suffix in (".xml", ".bin"):
        shutil.copy(ir_path("FP32").with_suffix(suffix), int8.with_suffix(suffix))
    assert classify.main([photo, "--precision", "INT8", "--top", "1"]) == 0
    assert capsys.readouterr().out.startswith("model: OpenVINO FP32-INT8 on CPU")
    assert evaluate.main([str(tiny_dataset), "--precision", "INT8"]) == 0
    assert "OpenVINO FP32-INT8" in capsys.readouterr().out


def test_a_binary_annotation_file_is_named(tiny_dataset, tmp_path, capsys):
    archive = tmp_path / "ILSVRC2012_devkit_t12.tar.gz"
    archive.write_bytes(gzip.compress(b"ILSVRC2012_validation_ground_truth.txt" * 100))
    assert evaluate.main([str(tiny_dataset), "--annotation", str(archive)]) == 1
    line = error_line(capsys)
    assert f"{archive} is not a text file" in line and "extract" in line


def test_tutorial_models_naming_a_file_is_a_clear_error(clean_env, tmp_path, capsys):
    not_a_folder = tmp_path / "models.txt"
    not_a_folder.write_text("oops")
    clean_env.setenv("TUTORIAL_MODELS", str(not_a_folder))
    assert prepare_command.main([]) == 1
    line = error_line(capsys)
    assert line == (f"error: TUTORIAL_MODELS={not_a_folder} is a file, not a folder. Set it to a folder for the "
                    "models (it is created if missing), or unset it to use models/ in the project.")


def test_a_json_report_in_no_folder_is_named_before_evaluating(nothing_slow, tiny_dataset, tmp_path, capsys):
    report = tmp_path / "no such folder" / "report.json"
    assert evaluate.main([str(tiny_dataset), "--json", str(report)]) == 1
    assert f"Cannot write --json {report}: there is no folder {report.parent}" in error_line(capsys)


def test_run_turns_tutorial_errors_into_status_1_and_lets_bugs_through(capsys):
    def fails():
        raise ConfigError("TUTORIAL_QUICK='maybe' is not understood. Use 1 or 0.")

    assert cli.run(fails) == cli.EXIT_FAILED
    assert error_line(capsys) == "error: TUTORIAL_QUICK='maybe' is not understood. Use 1 or 0."
    assert cli.run(lambda: None) == 0
    with pytest.raises(ZeroDivisionError):
        cli.run(lambda: 1 / 0)
    assert issubclass(ConfigError, TutorialError) and issubclass(ConfigError, ValueError)


def test_evaluating_the_ir_imports_no_tensorflow_and_prints_no_start_up_noise(tiny_dataset, prepared_ir):
    code = ("import sys; from helpers.cli.evaluate import main; status = main(sys.argv[1:]); "
            "assert 'tensorflow' not in sys.modules, 'TensorFlow was imported'; sys.exit(status)")
    done = subprocess.run([sys.executable, "-c", code, str(tiny_dataset), "--limit", "2"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    # Only the progress bars (tqdm's "...%|...| n/N" lines, redrawn after carriage returns) may be there.
    other = [line for line in re.split(r"[\r\n]", done.stderr) if line.strip() and "%|" not in line]
    assert other == [], other
    assert "top-1" in done.stdout


def test_importing_helpers_first_keeps_tensorflow_start_up_lines_out():
    done = subprocess.run([sys.executable, "-c", "import helpers, tensorflow"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and done.stderr == "", done.stderr
