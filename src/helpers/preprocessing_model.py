"""Preprocess images inside the model: OpenVINO's PrePostProcessor builds into the IR what ``helpers.preprocess``
does in numpy and OpenCV (``helpers.prepare`` makes the IR itself).

The result takes what a decoder gives: uint8 NHWC images of any size in the colour order you
choose. Inside the model it resizes (bilinear) to 224x224, converts to float32 and reorders the
channels to the BGR the IR expects. A crop cannot be compiled in for images of any size, so it
stays outside, a free numpy slice: cropping the central 224/256 of the photo first and then
resizing keeps the same part of the picture as Open Model Zoo's resize to 256x256 and crop of
the central 224x224. The pixels are close but not identical (resizing a smaller region
interpolates differently), so ``numpy_pipeline`` does the crop-first steps in numpy and OpenCV
as the fair comparison.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import openvino as ov
import openvino.opset13 as ops
from openvino.preprocess import ColorFormat, PrePostProcessor, ResizeAlgorithm

from helpers.color_order import ColorOrder
from helpers.model_card import CONVERTED_COLOR_ORDER, INPUT_HEIGHT, INPUT_LAYOUT, INPUT_WIDTH
from helpers.preprocess import RESIZE_SIDE, center_crop
from helpers.progress import tqdm
from helpers.runtime import compile_model, read_model

# Open Model Zoo keeps the central 224 of 256 in both directions.
OMZ_CROP_FRACTION = INPUT_HEIGHT / RESIZE_SIDE

_COLOR_FORMATS = {ColorOrder.BGR: ColorFormat.BGR, ColorOrder.RGB: ColorFormat.RGB}


def with_preprocessing(ir: ov.Model | Path, image_order: str = "BGR") -> ov.Model:
    """A copy of the IR that takes 1 x H x W x 3 uint8 images in ``image_order``, any H and W.

    Resize to 224x224 (bilinear, on uint8), conversion to float32 and colour order run inside
    the model.
    """
    image_order = ColorOrder.of(image_order)
    model = read_model(ir, copy=True)
    ppp = PrePostProcessor(model)
    tensor = ppp.input().tensor()
    tensor.set_element_type(ov.Type.u8)
    tensor.set_layout(ov.Layout(INPUT_LAYOUT))
    tensor.set_spatial_dynamic_shape()
    tensor.set_color_format(_COLOR_FORMATS[image_order])
    steps = ppp.input().preprocess()
    # Resizing the uint8 image before converting it is faster on CPU (measured: about 0.25 ms
    # an image less) and, like OpenCV, rounds the resized pixels to integers.
    steps.resize(ResizeAlgorithm.RESIZE_LINEAR)
    steps.convert_element_type(ov.Type.f32)
    steps.convert_color(_COLOR_FORMATS[CONVERTED_COLOR_ORDER])
    ppp.input().model().set_layout(ov.Layout(INPUT_LAYOUT))
    return ppp.build()


def identity_model() -> ov.Model:
    """A model that returns its 1x224x224x3 float32 input: with ``with_preprocessing`` it shows
    the picture OpenVINO's in-model preprocessing hands to the network."""
    image = ops.parameter([1, INPUT_HEIGHT, INPUT_WIDTH, 3], ov.Type.f32, name="image")
    return ov.Model([ops.result(image)], [image], "identity")


def crop_central_share(image: np.ndarray, fraction: float = OMZ_CROP_FRACTION) -> np.ndarray:
    """The central ``fraction`` of an H x W x C image in both directions (a view, no copy)."""
    h, w = image.shape[:2]
    return center_crop(image, max(1, round(h * fraction)), max(1, round(w * fraction)))


@dataclass(frozen=True)
class PipelineComparison:
    """The in-model preprocessing against the numpy/OpenCV pipeline doing the same steps."""

    images: int
    top1_agreement: float  # share of images (0..1) with the same top-1 class
    median_max_abs_diff: float  # per image, the largest probability difference; median over images
    max_abs_diff: float
    ms_in_model: float  # median time per image: crop slice + inference with preprocessing inside
    ms_numpy: float  # median time per image: crop + cv2.resize + float conversion + inference


def numpy_pipeline(image: np.ndarray) -> np.ndarray:
    """The steps of ``with_preprocessing`` done outside: central crop, bilinear resize, float32."""
    crop = crop_central_share(image)
    return cv2.resize(crop, (INPUT_WIDTH, INPUT_HEIGHT), interpolation=cv2.INTER_LINEAR)[None].astype(np.float32)


def compare_with_numpy_pipeline(images_bgr: list[np.ndarray], ir: Path, progress: bool = True) -> PipelineComparison:
    """Run both pipelines (f32 inference) on each decoded BGR image; agreement, differences and
    median time per image. The first image of each pipeline is a warm-up and is not timed."""
    in_model = compile_model(with_preprocessing(ir, "BGR"), precision="f32").create_infer_request()
    plain = compile_model(ir, precision="f32").create_infer_request()
    agree, diffs, t_model, t_numpy = [], [], [], []
    for n, image in enumerate(tqdm(images_bgr, desc="both pipelines", unit="img", disable=not progress)):
        start = time.perf_counter()
        p_model = in_model.infer({0: crop_central_share(image)[None]})[0][0]
        middle = time.perf_counter()
        p_numpy = plain.infer({0: numpy_pipeline(image)})[0][0]
        end = time.perf_counter()
        if n:
            t_model.append(middle - start)
            t_numpy.append(end - middle)
        agree.append(p_model.argmax() == p_numpy.argmax())
        diffs.append(float(np.abs(p_model - p_numpy).max()))
    return PipelineComparison(len(images_bgr), float(np.mean(agree)), float(np.median(diffs)), float(np.max(diffs)),
                              1e3 * float(np.median(t_model or [np.nan])), 1e3 * float(np.median(t_numpy or [np.nan])))
