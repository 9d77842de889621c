"""tutorial.py, the launcher for every OS: which Python it picks, the venv's paths, the install stamp, settings."""
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("tutorial_launcher", ROOT / "tutorial.py")
tutorial = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tutorial)


def test_supported_pythons_agree_with_pyproject():
    import tomllib

    from packaging.specifiers import SpecifierSet

    requires = SpecifierSet(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
                            ["project"]["requires-python"])
    supported = {f"{major}.{minor}" for major, minor in tutorial.SUPPORTED}
    assert {f"3.{minor}" for minor in range(6, 20) if f"3.{minor}" in requires} == supported
    assert tutorial.SUPPORTED == tuple(sorted(tutorial.SUPPORTED, reverse=True)), "newest first"
    assert sys.version_info[:2] in tutorial.SUPPORTED, "the tests run on a supported Python"


@pytest.mark.parametrize(("os_name", "parts"), [("nt", ("Scripts", "python.exe")), ("posix", ("bin", "python"))])
def test_venv_python_is_scripts_on_windows_and_bin_elsewhere(os_name, parts):
    assert tutorial.venv_python(Path("v"), os_name).parts == ("v", *parts)


def test_python_version_reads_a_real_interpreter_and_none_for_a_missing_one(tmp_path):
    assert tutorial.python_version([sys.executable]) == sys.version_info[:2]
    assert tutorial.python_version([str(tmp_path / "no-python")]) is None


def fake_pythons(versions: dict[str, tuple[int, int]]):
    """which() and version_of() for a machine with these commands (name -> version)."""
    def which(name):
        return f"/usr/bin/{name}" if name in versions else None

    def version_of(command):
        name = Path(command[0]).name
        return versions.get(command[1][1:] if name == "py" else name) if name in versions else None

    return which, version_of


def find(versions, os_name="posix", running=""):
    """find_python on a fake machine; running="" leaves out the Python running the tests."""
    which, version_of = fake_pythons(versions)
    return tutorial.find_python({}, os_name, which, version_of, running)


def test_the_newest_supported_python_found_is_picked():
    versions = {"python3.11": (3, 11), "python3.12": (3, 12), "python3": (3, 14), "python": (3, 10)}
    assert find(versions) == (["/usr/bin/python3.12"], (3, 12))
    assert find({"python3": (3, 13), "python3.11": (3, 11)}) == (["/usr/bin/python3"], (3, 13))
    assert find({"python": (3, 11)}) == (["/usr/bin/python"], (3, 11))


def test_the_python_running_the_launcher_counts():
    found = find({"python3.13": (3, 13), "python3.11": (3, 11)}, running="/opt/py/python3.13")
    assert found == (["/opt/py/python3.13"], (3, 13))
    assert tutorial.candidates("posix", lambda name: None)[0] == [sys.executable], "by default, this Python"


def test_windows_asks_the_py_launcher_for_each_supported_version():
    versions = {"py": None, "3.12": (3, 12), "3.11": (3, 11), "python": (3, 10)}
    which, version_of = fake_pythons(versions)

    def py_version_of(command):  # py -3.13 fails (not installed), py -3.12 starts 3.12
        return versions.get(command[1][1:]) if Path(command[0]).name == "py" else version_of(command)

    assert tutorial.find_python({}, "nt", which, py_version_of, "") == (["/usr/bin/py", "-3.12"], (3, 12))
    commands = tutorial.candidates("posix", which, "")
    assert not any(Path(c[0]).name == "py" for c in commands), "py is Windows' launcher only"


def test_python_env_wins_and_must_be_supported():
    versions = {"python3.13": (3, 13), "/opt/python3.11": (3, 11), "/opt/python3.10": (3, 10)}

    def version_of(command):
        return versions.get(command[0]) or versions.get(Path(command[0]).name)

    which = fake_pythons(versions)[0]
    assert tutorial.find_python({"PYTHON": "/opt/python3.11"}, "posix", which, version_of, "") == (
        ["/opt/python3.11"], (3, 11))
    with pytest.raises(tutorial.LauncherError, match=r"PYTHON=/opt/python3.10 is Python 3.10.*3.11, 3.12, 3.13"):
        tutorial.find_python({"PYTHON": "/opt/python3.10"}, "posix", which, version_of, "")
    with pytest.raises(tutorial.LauncherError, match="PYTHON=/nowhere does not start a Python"):
        tutorial.find_python({"PYTHON": "/nowhere"}, "posix", which, version_of, "")


def test_no_supported_python_is_one_clear_line():
    with pytest.raises(tutorial.LauncherError, match=r"no Python 3.11, 3.12, 3.13 found.*PYTHON=") as error:
        find({"python3": (3, 10), "python": (2, 7)})
    assert "\n" not in str(error.value)


def test_the_stamp_follows_requirements_and_pyproject(tmp_path):
    for name in tutorial.STAMPED_FILES:
        (tmp_path / name).write_text(f"{name}\n", encoding="utf-8")
    venv = tmp_path / ".venv"
    venv.mkdir()
    assert tutorial.needs_install(venv, tmp_path), "no stamp yet"
    (venv / tutorial.STAMP_NAME).write_text(tutorial.wanted_stamp(tmp_path) + "\n", encoding="utf-8")
    assert not tutorial.needs_install(venv, tmp_path)
    for name in tutorial.STAMPED_FILES:
        before = tutorial.wanted_stamp(tmp_path)
        (tmp_path / name).write_text(f"{name}\nchanged\n", encoding="utf-8")
        assert tutorial.wanted_stamp(tmp_path) != before
        assert tutorial.needs_install(venv, tmp_path), f"a change of {name} reinstalls"


def test_the_stamp_is_the_sha256_the_bash_launcher_wrote():
    """Unchanged files keep an existing .venv: sha256 of requirements.txt then pyproject.toml, as before."""
    concatenated = b"".join((ROOT / name).read_bytes() for name in tutorial.STAMPED_FILES)
    import hashlib

    assert tutorial.wanted_stamp(ROOT) == hashlib.sha256(concatenated).hexdigest()


def test_relative_path_settings_become_absolute_others_stay(tmp_path):
    cwd = tmp_path / "a folder with spaces and ünïcödé"
    environ = {"MOBILENET_WEIGHTS": "w ü.h5", "TUTORIAL_DATA": str(tmp_path / "data"), "TUTORIAL_MODELS": "",
               "TUTORIAL_MIRROR": "http://127.0.0.1:8000/mirror", "TUTORIAL_QUICK": "1"}
    assert tutorial.absolute_settings(environ, cwd) == {"MOBILENET_WEIGHTS": str(cwd / "w ü.h5")}
    assert tutorial.absolute_settings({"TUTORIAL_MODELS": os.path.join("..", "m")}, cwd) == {
        "TUTORIAL_MODELS": str(cwd / ".." / "m")}


@pytest.mark.parametrize("root", [True, False])
def test_lab_allows_root_only_as_root(monkeypatch, root):
    monkeypatch.setattr(tutorial, "is_root", lambda: root)
    command = tutorial.command_line("lab", Path("py"), ["--no-browser"])
    assert command[:3] == ["py", "-m", "jupyterlab"]
    assert ("--allow-root" in command) == root
    assert command[-1] == "--no-browser"


def test_every_command_runs_through_the_venvs_python():
    python = Path("venv") / "bin" / "python"
    assert tutorial.command_line("test", python, ["-q"]) == [str(python), "-m", "pytest", "-q"]
    assert tutorial.command_line("docs", python, [])[1] == str(Path("docs") / "build.py")
    assert tutorial.command_line("bundle", python, ["--images", "0"])[1:] == ["-m", "helpers.bundle", "--images", "0"]
    assert tutorial.command_line("hub", python, ["--prepare"])[1:] == ["-m", "helpers.hub", "--prepare"]


def test_an_unknown_command_prints_usage_and_exits_2(capsys):
    assert tutorial.main(["labb"]) == 2
    assert capsys.readouterr().err.strip() == tutorial.USAGE
    assert subprocess.run([sys.executable, str(ROOT / "tutorial.py")], capture_output=True).returncode == 2


def test_setup_creates_the_venv_in_an_awkward_path_installs_once_and_again_after_a_change(tmp_path, monkeypatch,
                                                                                          capsys):
    root = tmp_path / "mes leçons à moi"  # spaces and non-ASCII letters
    root.mkdir()
    for name in tutorial.STAMPED_FILES:
        (root / name).write_text(f"{name}\n", encoding="utf-8")
    venv = root / ".venv"
    installs = []

    def run(command, **kwargs):
        if command[1:3] == ["-m", "venv"]:  # really create it (without pip, quicker) to see its layout
            subprocess.run([*command[:3], "--without-pip", *command[3:]], check=True)
        else:
            installs.append(command[1:])

    monkeypatch.setattr(tutorial, "run", run)
    monkeypatch.setenv("PYTHON", sys.executable)
    python = tutorial.setup(venv, root)
    assert python == tutorial.venv_python(venv) and python.is_file()
    assert tutorial.python_version([str(python)]) == sys.version_info[:2]
    assert installs == [["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", str(root)],
                        ["-m", "ipykernel", "install", "--sys-prefix", "--name", "python3"]]
    said = capsys.readouterr().out
    assert f"Creating .venv with Python {sys.version_info[0]}.{sys.version_info[1]} ({sys.executable})" in said

    tutorial.setup(venv, root)
    assert len(installs) == 2, "nothing changed: no reinstall"
    (root / "requirements.txt").write_text("changed\n", encoding="utf-8")
    tutorial.setup(venv, root)
    assert len(installs) == 4, "requirements.txt changed: reinstalled"
