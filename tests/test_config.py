import re

import pytest

from helpers import config

PROJECT = config.PROJECT_ROOT


def test_defaults(clean_env):
    assert config.local_weights_path() is None
    assert config.models_dir() == config.PROJECT_ROOT / "models"
    assert config.model_dir() == config.PROJECT_ROOT / "models" / "public" / "mobilenet-v3-small-1.0-224-tf"
    assert config.data_dir(required=False) is None
    assert config.quick_mode() is False


def test_paths_come_from_the_environment_relative_to_the_current_folder(clean_env, tmp_path):
    clean_env.chdir(tmp_path)
    (tmp_path / "images").mkdir()
    clean_env.setenv(config.ENV_MODELS, "my-models")
    clean_env.setenv(config.ENV_DATA, "images")
    clean_env.setenv(config.ENV_WEIGHTS, "w.h5")
    assert config.models_dir() == tmp_path / "my-models"
    assert config.data_dir() == tmp_path / "images"
    assert config.local_weights_path() == tmp_path / "w.h5"


def test_models_folder_that_is_a_file_says_how_to_fix(clean_env, tmp_path):
    (tmp_path / "models").write_text("not a folder")
    clean_env.setenv(config.ENV_MODELS, str(tmp_path / "models"))
    with pytest.raises(config.ConfigError, match="TUTORIAL_MODELS=.*models is a file, not a folder.*unset it"):
        config.model_dir()
    clean_env.setenv(config.ENV_MODELS, str(tmp_path / "new"))
    assert config.models_dir() == tmp_path / "new", "a folder that does not exist yet is fine"


def test_missing_or_wrong_data_folder_says_how_to_fix(clean_env, tmp_path):
    with pytest.raises(config.ConfigError, match="TUTORIAL_DATA is not set.*export TUTORIAL_DATA="):
        config.data_dir()
    clean_env.setenv(config.ENV_DATA, str(tmp_path / "nowhere"))
    with pytest.raises(config.ConfigError, match="nowhere is not a folder"):
        config.data_dir()


@pytest.mark.parametrize("value, quick", [("1", True), ("true", True), ("0", False), ("", False), ("no", False)])
def test_quick_mode_values(clean_env, value, quick):
    clean_env.setenv(config.ENV_QUICK, value)
    assert config.quick_mode() is quick


def test_quick_mode_rejects_unclear_values(clean_env):
    clean_env.setenv(config.ENV_QUICK, "maybe")
    with pytest.raises(config.ConfigError, match="TUTORIAL_QUICK='maybe'"):
        config.quick_mode()


def test_every_environment_variable_the_project_reads_is_in_the_readme():
    """Each TUTORIAL_* and MOBILENET_* name in the package, the tests, tutorial.py, CI and the Dockerfile is
    explained in README.md, where users look for the settings."""
    sources = [*(PROJECT / "src").rglob("*.py"), *(PROJECT / "tests").rglob("*.py"), PROJECT / "tutorial.py",
               PROJECT / ".ci" / "run", PROJECT / "Dockerfile"]
    names = {name for path in sources
             for name in re.findall(r"\b(?:TUTORIAL|MOBILENET)_[A-Z0-9_]*[A-Z0-9]\b", path.read_text(encoding="utf-8"))}
    assert {"MOBILENET_WEIGHTS", "TUTORIAL_DATA", "TUTORIAL_QUICK"} <= names  # the scan finds what it should
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    assert sorted(name for name in names if not re.search(rf"\b{name}\b", readme)) == []
