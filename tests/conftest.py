"""Fixtures shared by the test modules: the weights, the Keras model, the converted IR, images,
a clean environment and a local HTTP server.

They use the same configuration as the notebooks: MOBILENET_WEIGHTS (CI points it at the
offline copy in ../shared) or else the official download.
"""
import http.server
import shutil
import socket
import threading

import pytest

from helpers import config
from helpers.images import demo_image_path, load_image
from helpers.preprocess import resize_and_crop
from tests.support import FaultyHandler


@pytest.fixture(scope="session")
def weights():
    from helpers.weights import resolve_weights

    return resolve_weights(progress=False)


@pytest.fixture(scope="session")
def keras_model(weights):
    from helpers.keras_model import build_keras_model

    return build_keras_model(weights)


@pytest.fixture(scope="session")
def prepared_ir(weights, keras_model):
    """The FP32 and FP16 IR in the configured models folder, as the notebooks use them."""
    from helpers.convert import convert_to_ir

    return convert_to_ir(weights, keras_model)


@pytest.fixture(scope="session")
def demo_rgb_224():
    """The demo photo, resized and cropped to 224x224, RGB uint8."""
    return resize_and_crop(load_image(demo_image_path(), "RGB"))


@pytest.fixture(scope="session")
def sample_images():
    """A fixed, evenly spread 100 of the labelled images in TUTORIAL_DATA (CI: the ImageNet sample)."""
    from helpers.datasets import evenly_spaced, read_dataset

    folder = config.data_dir(required=False)
    if folder is None:
        pytest.skip("TUTORIAL_DATA is not set: these tests measure accuracy on real labelled images")
    return evenly_spaced(read_dataset(folder), 100)


@pytest.fixture
def tiny_dataset(tmp_path):
    """Three demo photos named by synset, and one damaged file that must count as a miss."""
    from helpers.demo_photos import demo_photo
    from helpers.model_card import imagenet_classes

    folder = tmp_path / "tiny"
    folder.mkdir()
    synset = {c.index: c.synset for c in imagenet_classes()}
    for name, label in [("grace_hopper", 652), ("chelsea", 285), ("coffee", 967)]:
        photo = demo_photo(name).path
        shutil.copy(photo, folder / f"{synset[label]}_{name}{photo.suffix}")
    (folder / f"{synset[0]}_broken.JPEG").write_bytes(b"\xff\xd8\xff\xe0 not really a JPEG")
    return folder


@pytest.fixture
def models_copy(tmp_path, monkeypatch, weights, prepared_ir):
    """TUTORIAL_MODELS pointed at a fresh folder holding a copy of the prepared FP32 and FP16 IR with their records
    (so they are reused, not converted again) and of downloaded weights; returns that folder."""
    from helpers.convert import ir_path
    from helpers.ir_files import RECORD_SUFFIX

    root = tmp_path / "models"
    if weights.source == "download":  # else MOBILENET_WEIGHTS names them wherever they are
        (root / weights.path.relative_to(config.models_dir())).parent.mkdir(parents=True)
        shutil.copy(weights.path, root / weights.path.relative_to(config.models_dir()))
    for precision, ir in prepared_ir.items():
        target = ir_path(precision, root)
        target.parent.mkdir(parents=True, exist_ok=True)
        for suffix in (".xml", ".bin", RECORD_SUFFIX):
            shutil.copy(ir.xml.with_suffix(suffix), target.with_suffix(suffix))
    monkeypatch.setenv(config.ENV_MODELS, str(root))
    return root


@pytest.fixture
def clean_env(monkeypatch):
    """None of the tutorial's environment variables set (undone after the test)."""
    for name in (config.ENV_WEIGHTS, config.ENV_MODELS, config.ENV_DATA, config.ENV_QUICK):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.fixture(scope="session")
def server():
    """A local HTTP server on 127.0.0.1 serving tests.support.PAYLOAD with faults (see FaultyHandler)."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FaultyHandler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def refused_url():
    """A URL on a loopback port where nothing listens. The port stays bound (not listening) while the
    test runs, so no other program can take it meanwhile: connecting is refused for sure."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/weights.h5"
