"""Fixtures shared by the test modules: the weights, the Keras model, the converted IR, images,
a clean environment and a local HTTP server.

They use the same configuration as the notebooks: MOBILENET_WEIGHTS (CI points it at the
offline copy in ../shared) or else the official download.
"""
import http.server
import shutil
import socket
import threading

import cv2
import numpy as np
import pytest

from helpers import config
from helpers.images import demo_image_path, load_image
from helpers.preprocess import resize_and_crop
from tests.sample_server import SampleServer, http_server_command, running
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
    """A fixed, evenly spread 100 labelled images, as the lessons get them (TUTORIAL_DATA, CI: the ImageNet
    sample; else the sample downloaded)."""
    from helpers.sample import labelled_images

    return labelled_images(100, progress=False).items


@pytest.fixture(scope="session")
def swap_cost(prepared_ir):
    """What the 02.2 checker measures once: the colour-swap cost on labelled images (images, interval)."""
    from helpers.color_swap import measure_swap_cost

    return measure_swap_cost()


@pytest.fixture(scope="session")
def verified_sample():
    """A folder holding every file of the ImageNet sample, verified: TUTORIAL_DATA when it is the sample (CI),
    else the sample downloaded once (online); skipped, saying why, when neither can be had."""
    from helpers.errors import DownloadError
    from helpers.sample import ensure_sample, manifest, unverified

    data = config.data_dir(required=False)
    if data is not None and not unverified(manifest(), data):
        return data
    try:
        return ensure_sample(progress=False)
    except DownloadError as error:
        pytest.skip(f"needs the ImageNet sample's files to serve: {str(error).splitlines()[0]}")


@pytest.fixture
def sample_server(verified_sample, tmp_path, monkeypatch):
    """Local stand-ins for the sample's archive and per-file URLs (tests.sample_server.SampleServer, no faults
    until the test sets some), with the sample's folder in tmp_path/sample and no mirror or TUTORIAL_DATA."""
    server = SampleServer(verified_sample)
    with running(server):
        _sample_sources_at(server.url, tmp_path / "sample", monkeypatch)
        yield server


def _sample_sources_at(base: str, folder, monkeypatch) -> None:
    """The sample's archive and files served from ``base``, downloaded into ``folder``; no mirror, no TUTORIAL_DATA."""
    from helpers import sample

    monkeypatch.setattr(sample, "ARCHIVE_URL", f"{base}/archive.zip")
    monkeypatch.setattr(sample, "FILE_URL", f"{base}/raw/{{name}}")
    monkeypatch.setattr(config, "sample_dir", lambda: folder)
    monkeypatch.delenv(config.ENV_MIRROR, raising=False)
    monkeypatch.delenv(config.ENV_DATA, raising=False)


@pytest.fixture
def offline_sample(tmp_path, monkeypatch, refused_url):
    """No source of the sample answers (nothing listens at its URLs), no mirror, no TUTORIAL_DATA."""
    base = refused_url.rsplit("/", 1)[0]
    _sample_sources_at(base, tmp_path / "sample", monkeypatch)
    return base


@pytest.fixture(scope="session")
def mirror_folder(verified_sample, tmp_path_factory):
    """A room mirror written by the command instructors run, ``python -m helpers.mirror DIR``."""
    import os
    import subprocess
    import sys

    folder = tmp_path_factory.mktemp("mirror") / "room mirror"
    env = {**os.environ, config.ENV_DATA: str(verified_sample)}
    env.pop(config.ENV_MIRROR, None)
    done = subprocess.run([sys.executable, "-m", "helpers.mirror", str(folder)], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return folder


@pytest.fixture(scope="session")
def sample_mirror(mirror_folder):
    """The mirror served by ``python -m http.server``, as the mirror command says: .url, .folder."""
    from types import SimpleNamespace

    with http_server_command(mirror_folder) as url:
        yield SimpleNamespace(url=url, folder=mirror_folder)


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
    for name in (config.ENV_WEIGHTS, config.ENV_MODELS, config.ENV_DATA, config.ENV_QUICK, config.ENV_MIRROR):
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


@pytest.fixture
def red_png(tmp_path):
    """A 400 x 300 PNG, pure red."""
    path = tmp_path / "red.png"
    image = np.zeros((300, 400, 3), np.uint8)
    image[..., 2] = 255  # red, in OpenCV's BGR
    cv2.imwrite(str(path), image)
    return path
