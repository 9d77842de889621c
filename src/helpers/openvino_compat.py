"""Let ``ov.convert_model(keras_model)`` (in memory) run on Python 3.13, the one workaround for it.

OpenVINO 2026.4.1 (the newest release on PyPI when this was written) reads TensorFlow's version in
``openvino.frontend.tensorflow.utils.get_environment_setup`` with ``exec("import tensorflow")`` and then
``exec("del tensorflow")`` inside a function. Since Python 3.13 (PEP 667) each ``exec`` in a function gets a
fresh snapshot of the local variables, so the second one raises ``NameError: name 'tensorflow' is not defined``
and every in-memory conversion of a Keras model fails; converting a SavedModel folder does not use it.

``fix_in_memory_tensorflow_conversion`` wraps that function: when it raises NameError, the wrapper returns
what it would have returned, reading the version of the TensorFlow its first ``exec`` imported. When an
OpenVINO release fixes the function, the wrapper just passes its result through, and
``tests/test_openvino_compat.py`` says that this module can go. ``import helpers`` calls it on Python 3.13
and newer, so Lesson 01's own ``ov.convert_model`` call and ``helpers.convert.keras_to_ov`` both work there.
"""
from __future__ import annotations

import functools
import sys


def fix_in_memory_tensorflow_conversion() -> None:
    """Wrap OpenVINO's ``get_environment_setup`` (see above); calling it again changes nothing."""
    # Here, not at the top: OpenVINO's TensorFlow frontend loads only on the Python that needs this fix.
    from openvino.frontend.tensorflow import utils

    original = utils.get_environment_setup
    if getattr(original, "tolerates_pep_667", False):
        return

    @functools.wraps(original)
    def get_environment_setup(framework):
        try:
            return original(framework)
        except NameError:  # its exec("del tensorflow"), after the import succeeded
            setup = original(None)  # the Python version and platform, without TensorFlow's
            setup["tensorflow"] = utils.get_imported_module_version(sys.modules["tensorflow"])
            return setup

    get_environment_setup.tolerates_pep_667 = True
    utils.get_environment_setup = get_environment_setup
