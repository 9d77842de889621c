"""helpers.bundle's targets: every supported Python, Linux and macOS, a clear refusal for the rest."""
import tomllib

import pytest
from packaging.specifiers import SpecifierSet

from helpers import config
from helpers.bundle import check_target
from helpers.errors import BundleError

REQUIRES = SpecifierSet(tomllib.loads((config.PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
                        ["project"]["requires-python"])
SUPPORTED = [f"3.{minor}" for minor in range(6, 20) if f"3.{minor}" in REQUIRES]


def test_supported_pythons_are_three():
    assert SUPPORTED == ["3.11", "3.12", "3.13"]


@pytest.mark.parametrize("python_version", SUPPORTED)
@pytest.mark.parametrize("platform", [None, "manylinux_2_28_x86_64", "macosx_11_0_arm64"])
def test_every_supported_python_and_platform_is_accepted(platform, python_version, monkeypatch):
    monkeypatch.setattr("sys.platform", "linux")
    check_target(platform, python_version, config.PROJECT_ROOT)


@pytest.mark.parametrize("python_version", ["3.10", "3.14", "3", "3.11.7", "py3.11"])
def test_an_unsupported_python_is_refused_in_one_line(python_version):
    with pytest.raises(BundleError, match=rf"--python-version {python_version}: .*need Python .*3\.14") as error:
        check_target(None, python_version, config.PROJECT_ROOT)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize(("platform", "machine"), [("win_amd64", "linux"), (None, "win32")])
def test_windows_is_refused_saying_what_to_do(platform, machine, monkeypatch):
    monkeypatch.setattr("sys.platform", machine)
    with pytest.raises(BundleError, match=r"bash, for Linux and macOS only.*--platform manylinux_2_28_x86_64"):
        check_target(platform, "3.11", config.PROJECT_ROOT)
