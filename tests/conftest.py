"""Fixtures shared by the tests: the weights, the Keras model and the converted IR.

They use the same configuration as the notebooks: MOBILENET_WEIGHTS (CI points it at the
offline copy in ../shared) or else the official download.
"""
import pytest

from helpers.images import demo_image_path, load_image
from helpers.preprocess import resize_and_crop


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
    from helpers import config
    from helpers.datasets import evenly_spaced, read_dataset

    folder = config.data_dir(required=False)
    if folder is None:
        pytest.skip("TUTORIAL_DATA is not set: these tests measure accuracy on real labelled images")
    return evenly_spaced(read_dataset(folder), 100)
