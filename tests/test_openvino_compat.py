"""helpers.openvino_compat: in-memory conversion of a Keras model on every supported Python."""
import sys

import numpy as np
import openvino as ov
import pytest
from openvino.frontend.tensorflow import utils

from helpers import model_card as card
from helpers import openvino_compat
from helpers.card_check import PARITY_TOLERANCE
from helpers.convert import keras_to_ov
from helpers.keras_model import keras_predict
from helpers.runtime import core

ON_PEP_667 = sys.version_info >= (3, 13)


def test_import_helpers_installs_the_fix_where_python_needs_it():
    assert getattr(utils.get_environment_setup, "tolerates_pep_667", False) == ON_PEP_667


@pytest.mark.skipif(not ON_PEP_667, reason="the exec() pair works before Python 3.13 (PEP 667)")
def test_openvino_still_needs_the_fix():
    original = utils.get_environment_setup.__wrapped__ if ON_PEP_667 else utils.get_environment_setup
    with pytest.raises(NameError, match="tensorflow"):
        original("tf")  # when this stops failing, OpenVINO fixed it: helpers.openvino_compat can go


def test_the_fix_reports_what_openvino_would(monkeypatch):
    import tensorflow as tf

    real = getattr(utils.get_environment_setup, "__wrapped__", utils.get_environment_setup)

    def as_on_python_3_13(framework):  # the failure PEP 667 brings: after the import, before returning
        if framework == "tf":
            raise NameError("name 'tensorflow' is not defined")
        return real(framework)

    monkeypatch.setattr(utils, "get_environment_setup", as_on_python_3_13)
    openvino_compat.fix_in_memory_tensorflow_conversion()
    openvino_compat.fix_in_memory_tensorflow_conversion()  # twice: still one wrapper
    fixed = utils.get_environment_setup
    assert fixed.__wrapped__ is as_on_python_3_13
    setup = fixed("tf")
    assert setup == {"python_version": "{}.{}.{}".format(*sys.version_info[:3]), "sys_platform": sys.platform,
                     "tensorflow": tf.__version__}
    assert fixed("pytorch") == {"python_version": setup["python_version"], "sys_platform": sys.platform}


def test_lesson_01s_in_memory_conversion_and_keras_to_ov(keras_model, weights, demo_rgb_224):
    direct = ov.convert_model(keras_model, input=[list(card.INPUT_SHAPE)])  # Lesson 01's call
    helper = keras_to_ov(keras_model, weights)
    rgb = demo_rgb_224[None].astype(np.float32)
    expected = keras_predict(keras_model, rgb)
    f32 = {"INFERENCE_PRECISION_HINT": "f32"}
    from_lesson = core().compile_model(direct, "CPU", f32)(rgb)[0]
    from_helper = core().compile_model(helper, "CPU", f32)(rgb[..., ::-1])[0]  # the helper's model takes BGR
    assert np.abs(from_lesson - expected).max() <= PARITY_TOLERANCE
    assert np.abs(from_helper - expected).max() <= PARITY_TOLERANCE
