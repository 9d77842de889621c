"""The original model: Keras MobileNetV3Small with the card's input name.

It takes RGB, NHWC float32 in [0, 255]: its Rescaling layer is inside the model.
"""
from __future__ import annotations

import os
import tempfile
import warnings
from pathlib import Path

import numpy as np

from helpers.config import ENV_WEIGHTS
from helpers.errors import WeightsFileError
from helpers.model_card import INPUT_NAME, INPUT_SHAPE, NUM_CLASSES, OFFICIAL_WEIGHTS
from helpers.weights import KERAS3, KERAS_SUFFIX, WeightsInfo, keras_weights_format


def build_keras_model(weights: WeightsInfo | Path):
    """Build ``keras.applications.MobileNetV3Small`` (alpha 1.0, 224, with its preprocessing
    and classifier) and load ``weights``.

    The input is named ``input_1`` explicitly: Keras 3 would otherwise call it ``input_layer``. The file's layout
    (Keras 2's, as the official file, or Keras 3's) is read from its content, whatever its name.
    Raises WeightsFileError when the file does not hold weights for every part of this architecture.
    """
    import keras  # imported here: TensorFlow takes seconds to import

    path = Path(weights.path if isinstance(weights, WeightsInfo) else weights)
    # No fixed batch size: Keras would bake it into the Flatten before the softmax, and the
    # converted IR could then not be reshaped to take a batch of images.
    inputs = keras.Input(shape=INPUT_SHAPE[1:], name=INPUT_NAME)
    model = keras.applications.MobileNetV3Small(
        input_tensor=inputs, alpha=1.0, minimalistic=False, include_top=True, weights=None,
        classes=NUM_CLASSES, include_preprocessing=True,
    )
    # Keras may load a file that matches the architecture only partly, warning and keeping the
    # initial values for the rest: such a model would silently give garbage. So every variable
    # starts as NaN, and any NaN left after loading means the file did not fill it.
    variables = [v for v in model.weights if np.issubdtype(np.dtype(v.dtype), np.floating)]
    for variable in variables:
        variable.assign(np.full(variable.shape, np.nan, variable.dtype))
    try:
        layout = keras_weights_format(path)
    except ValueError as error:
        raise _cannot_load(path, str(error)) from error
    try:
        with warnings.catch_warnings(record=True) as caught, tempfile.TemporaryDirectory() as folder:
            warnings.simplefilter("always")
            model.load_weights(str(_named_for_keras(path, layout, Path(folder))))
    except (ValueError, OSError, KeyError) as error:
        raise _cannot_load(path, str(error).strip().splitlines()[0] if str(error).strip() else repr(error)) from error
    unfilled = [variable.path for variable in variables if np.isnan(np.asarray(variable)).any()]
    if unfilled:
        said = f"; Keras said: {str(caught[0].message).strip().splitlines()[0]}" if caught else ""
        raise _cannot_load(path, f"{len(unfilled)} of {len(variables)} weight tensors were not filled "
                                 f"(or hold NaN), the first {unfilled[0]}{said}")
    return model


def _named_for_keras(path: Path, layout: str, folder: Path) -> Path:
    """``path``, or a link to it in ``folder`` whose name ends as Keras expects for the layout: Keras chooses its
    reader by the name (``.weights.h5``: Keras 3's; other ``.h5``: Keras 2's), so a renamed file would be misread."""
    name = path.name  # as Keras compares it
    keras3_name = name.endswith(".weights.h5")
    if (keras3_name if layout == KERAS3 else name.endswith((".h5", ".hdf5")) and not keras3_name):
        return path
    link = folder / f"weights{KERAS_SUFFIX[layout]}"
    os.symlink(path.resolve(), link)
    return link


def _cannot_load(path: Path, reason: str) -> WeightsFileError:
    return WeightsFileError(
        f"Could not load weights from {path}: {reason}. The file must hold Keras weights of "
        f"MobileNetV3Small (alpha 1.0, 224x224, {NUM_CLASSES} classes), such as the official "
        f"{OFFICIAL_WEIGHTS.name}; check {ENV_WEIGHTS} or delete the file so that it is downloaded again."
    )


def keras_predict(keras_model, batch_rgb, batch_size: int = 50) -> np.ndarray:
    """Probabilities (N x 1000 float32) of the Keras model for an N x 224 x 224 x 3 RGB batch
    in [0, 255], run ``batch_size`` images at a time."""
    batch_rgb = np.asarray(batch_rgb, dtype=np.float32)
    # The functional model's inputs are a list of one tensor; passing a list avoids Keras'
    # structure warning.
    return np.concatenate([
        np.asarray(keras_model([batch_rgb[start:start + batch_size]], training=False))
        for start in range(0, len(batch_rgb), batch_size)
    ])
