"""The original model: Keras MobileNetV3Small with the card's input name.

It takes RGB, NHWC float32 in [0, 255]: its Rescaling layer is inside the model.
"""
from __future__ import annotations

import warnings
from pathlib import Path

from helpers.config import ENV_WEIGHTS
from helpers.model_card import INPUT_NAME, INPUT_SHAPE, NUM_CLASSES, OFFICIAL_WEIGHTS
from helpers.weights import WeightsFileError, WeightsInfo


def build_keras_model(weights: WeightsInfo | Path):
    """Build ``keras.applications.MobileNetV3Small`` (alpha 1.0, 224, with its preprocessing
    and classifier) and load ``weights``.

    The input is named ``input_1`` explicitly: Keras 3 would otherwise call it ``input_layer``.
    Raises WeightsFileError when the file does not hold weights for this architecture.
    """
    import keras  # imported here: TensorFlow takes seconds to import

    path = Path(weights.path if isinstance(weights, WeightsInfo) else weights)
    # No fixed batch size: Keras would bake it into the Flatten before the softmax, and the
    # converted IR could then not be reshaped to take a batch of images.
    inputs = keras.Input(shape=INPUT_SHAPE[1:], name=INPUT_NAME)
    try:
        # Keras only warns when a file matches the architecture partly, and keeps random weights
        # for the rest: such a model would silently give garbage, so a warning here is an error.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model = keras.applications.MobileNetV3Small(
                input_tensor=inputs,
                alpha=1.0,
                minimalistic=False,
                include_top=True,
                weights=str(path),
                classes=NUM_CLASSES,
                include_preprocessing=True,
            )
        problems = [str(w.message) for w in caught if "saving" in w.filename]
        if problems:
            raise ValueError(f"{len(problems)} loading problems, the first: {problems[0]}")
        return model
    except (ValueError, OSError, KeyError) as error:
        raise WeightsFileError(
            f"Could not load weights from {path}: {error}. The file must hold Keras weights of "
            f"MobileNetV3Small (alpha 1.0, 224x224, {NUM_CLASSES} classes), such as the official "
            f"{OFFICIAL_WEIGHTS.name}; check {ENV_WEIGHTS} or delete the file so that it is downloaded again."
        ) from error


def keras_predict(keras_model, batch_rgb, batch_size: int = 50) -> "np.ndarray":
    """Probabilities (N x 1000 float32) of the Keras model for an N x 224 x 224 x 3 RGB batch
    in [0, 255], run ``batch_size`` images at a time."""
    import numpy as np

    batch_rgb = np.asarray(batch_rgb, dtype=np.float32)
    # The functional model's inputs are a list of one tensor; passing a list avoids Keras'
    # structure warning.
    return np.concatenate([
        np.asarray(keras_model([batch_rgb[start:start + batch_size]], training=False))
        for start in range(0, len(batch_rgb), batch_size)
    ])
