import hashlib

import pytest

from helpers import config
from helpers import weights as weights_module
from helpers.errors import WeightsFileError
from helpers.keras_model import build_keras_model
from helpers.model_card import OFFICIAL_WEIGHTS, RemoteFile
from helpers.weights import check_weights_file, resolve_weights
from tests.support import PAYLOAD


def make_bad_file(path, kind):
    if kind == "folder":
        path.mkdir()
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "html":
        path.write_text("<html>404 Not Found</html>")
    return path


@pytest.mark.parametrize(
    "kind, problem",
    [
        ("missing", "Weights file not found"),
        ("folder", "is not a file"),
        ("empty", "is empty"),
        ("html", "is not an HDF5 file"),
    ],
)
def test_unusable_local_files_are_refused_with_the_fix(tmp_path, kind, problem):
    path = make_bad_file(tmp_path / "weights.h5", kind)
    with pytest.raises(WeightsFileError, match=problem) as error:
        check_weights_file(path, source=config.ENV_WEIGHTS)
    assert str(path) in str(error.value)
    assert "Set MOBILENET_WEIGHTS to" in str(error.value)


def test_environment_variable_pointing_nowhere(monkeypatch, tmp_path):
    monkeypatch.setenv(config.ENV_WEIGHTS, str(tmp_path / "missing.h5"))
    with pytest.raises(WeightsFileError, match="missing.h5 \\(from MOBILENET_WEIGHTS\\)"):
        resolve_weights(progress=False)


def fake_official_weights(content: bytes) -> RemoteFile:
    """An official weights entry whose file is ``content``, under the real file's name."""
    return RemoteFile(OFFICIAL_WEIGHTS.name, len(content), hashlib.sha384(content).hexdigest(), ())


@pytest.mark.parametrize("same_bytes", [True, False])
def test_a_local_copy_is_official_only_when_its_bytes_are(monkeypatch, tmp_path, same_bytes):
    local = tmp_path / "copy.h5"
    local.write_bytes(b"\x89HDF\r\n\x1a\n" + b"trained weights")
    official = b"\x89HDF\r\n\x1a\n" + (b"trained weights" if same_bytes else b"other weights!!")
    monkeypatch.setattr(weights_module, "OFFICIAL_WEIGHTS", fake_official_weights(official))
    monkeypatch.setenv(config.ENV_WEIGHTS, str(local))
    info = resolve_weights(progress=False)
    assert info.path == local and info.source == "MOBILENET_WEIGHTS"
    assert info.sha384 == hashlib.sha384(local.read_bytes()).hexdigest()
    assert info.is_official is same_bytes
    description = info.describe()
    assert str(local) in description and info.sha384 in description
    if same_bytes:
        assert description.endswith(f"These are the official weights ({OFFICIAL_WEIGHTS.name}).")
    else:
        assert f"NOT the official {OFFICIAL_WEIGHTS.name}" in description and "from MOBILENET_WEIGHTS" in description


def test_the_configured_weights_say_which_they_are(weights):
    # Whichever file CI or a learner uses, describe() tells the truth about it.
    official = hashlib.sha384(weights.path.read_bytes()).hexdigest() == OFFICIAL_WEIGHTS.digest
    assert ("NOT the official" in weights.describe()) is not official


def test_without_a_local_copy_the_official_file_is_downloaded_into_the_model_folder(monkeypatch, tmp_path, server):
    fake_official = RemoteFile(OFFICIAL_WEIGHTS.name, len(PAYLOAD), hashlib.sha384(PAYLOAD).hexdigest(),
                               (f"{server}/missing/x.h5", f"{server}/good/x.h5"))
    monkeypatch.setattr(weights_module, "OFFICIAL_WEIGHTS", fake_official)
    monkeypatch.delenv(config.ENV_WEIGHTS, raising=False)
    monkeypatch.setenv(config.ENV_MODELS, str(tmp_path))
    info = resolve_weights(progress=False)
    assert info.path == config.model_dir() / OFFICIAL_WEIGHTS.name
    assert info.source == "download" and info.is_official
    assert info.path.read_bytes() == PAYLOAD


def test_a_truncated_weights_file_gets_a_clear_error(weights, tmp_path):
    truncated = tmp_path / "truncated.weights.h5"
    truncated.write_bytes(weights.path.read_bytes()[: weights.path.stat().st_size // 2])
    with pytest.raises(WeightsFileError, match="Could not load weights from .*truncated.weights.h5"):
        build_keras_model(check_weights_file(truncated, source="test"))


def test_a_file_that_fills_the_model_only_partly_is_refused(weights, monkeypatch):
    # Keras may only warn when a file matches the architecture partly, keeping initial values for
    # the rest. Simulated here: a load that warns and fills nothing.
    import warnings

    import keras

    def load_nothing(model, path, *args, **kwargs):
        warnings.warn("Skipping loading weights for layer #3 (named conv)", stacklevel=2)

    monkeypatch.setattr(keras.Model, "load_weights", load_nothing)
    with pytest.raises(WeightsFileError, match="weight tensors were not filled.*Keras said: Skipping loading"):
        build_keras_model(weights)


def test_weights_of_another_architecture_get_a_clear_error(tmp_path):
    import keras

    other = tmp_path / "other.weights.h5"
    keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)]).save_weights(other)
    with pytest.raises(WeightsFileError, match="MobileNetV3Small"):
        build_keras_model(check_weights_file(other, source="test"))
