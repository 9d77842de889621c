"""Solutions to Lesson 06's exercises (06_int8_quantization.ipynb)."""
import nncf
import numpy as np

from helpers import exercises
from helpers.preprocess import load_and_crop_one


# 06.1 A calibration split you can trust: a seeded random choice, so it is reproducible and, unlike the first
# N files of a folder sorted by class, spread over all the classes; the rest is held out for evaluation.
def split(items, calibration_size, seed):
    rng = np.random.default_rng(seed)
    chosen = set(rng.choice(len(items), size=calibration_size, replace=False).tolist())
    calibration = [item for i, item in enumerate(items) if i in chosen]
    evaluation = [item for i, item in enumerate(items) if i not in chosen]
    return calibration, evaluation


# 06.2 Quantize with a given subset size: the transform gives the IR exactly what it gets at inference
# (BGR, resized to 256x256 and centre-cropped to 224, float32 0..255, a batch of one).
def quantize(fp32_model, calibration_items, subset_size):
    def transform(item):
        return load_and_crop_one(item.path, order="BGR")[None].astype(np.float32)

    dataset = nncf.Dataset(calibration_items, transform)
    return nncf.quantize(fp32_model, dataset, subset_size=subset_size)


if __name__ == "__main__":
    from helpers.convert import existing_ir
    from helpers.runtime import core
    from helpers.sample import labelled_images

    print(exercises.check_calibration_split(split))
    calibration, evaluation = split(labelled_images().items, 300, seed=0)
    int8_model = quantize(core().read_model(existing_ir("FP32")), calibration, subset_size=64)
    print(exercises.check_int8_model(int8_model))
