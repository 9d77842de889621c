"""Check a converted model against the model card: names, shapes, layout, colour order,
parameter count and GFLOPs, each measured from the IR itself.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import openvino as ov

from helpers import model_card as card
from helpers.color_order import ColorOrder, convert_color_order
from helpers.keras_model import keras_predict
from helpers.runtime import compile_model, read_model

# Output elements of these operations cost one FLOP each (reductions: one per input element).
_ELEMENTWISE = {"Add", "Subtract", "Multiply", "Divide", "Relu", "HSwish", "HSigmoid", "Sigmoid",
                "Clamp", "Softmax", "SoftMax", "Swish", "Tanh", "Exp", "Maximum", "Minimum"}
_REDUCTIONS = {"ReduceMean", "ReduceSum", "AvgPool", "MaxPool"}
# Largest difference in probabilities between the IR (f32 inference) and Keras that still counts
# as the same model: float32 weights agree to rounding; float16-compressed ones less closely.
PARITY_TOLERANCE = 1e-4
FP16_PARITY_TOLERANCE = 5e-3


def count_parameters(model: ov.Model) -> int:
    """Number of floating-point constant values in the graph: the weights and biases.

    Shape and axis constants are integers and are not counted. BatchNorm is folded into the
    convolutions during conversion, so this matches the card's 2.537 M, not Keras' 2.555 M.
    """
    total = 0
    for op in model.get_ordered_ops():
        if op.get_type_name() == "Constant" and op.get_output_element_type(0).is_real():
            total += math.prod(op.get_output_shape(0))
    return total


def count_gflops(model: ov.Model) -> float:
    """GFLOPs of one inference, from the graph's operations.

    A multiply-accumulate in a convolution or matrix product counts as two FLOPs; element-wise
    operations one FLOP per output value; reductions and pooling one per input value.
    """
    flops = 0
    for op in model.get_ordered_ops():
        kind = op.get_type_name()
        if kind in ("Convolution", "GroupConvolution"):
            # Weights are [Cout, Cin, kh, kw], grouped ones [G, Cout/G, Cin/G, kh, kw]: either way
            # each output value takes (input channels it sees) x kh x kw multiply-accumulates.
            macs_per_output = math.prod(list(op.input(1).get_shape())[-3:])
            flops += 2 * macs_per_output * math.prod(op.get_output_shape(0))
        elif kind == "MatMul":
            inner = op.input(0).get_shape()[-1] if not op.get_transpose_a() else op.input(0).get_shape()[-2]
            flops += 2 * inner * math.prod(op.get_output_shape(0))
        elif kind in _ELEMENTWISE:
            flops += math.prod(op.get_output_shape(0))
        elif kind in _REDUCTIONS:
            flops += math.prod(op.get_input_shape(0))
    return flops / 1e9


@dataclass(frozen=True)
class ColorOrderCheck:
    """Which colour order makes the IR reproduce the original Keras model."""

    order: str  # ColorOrder.BGR, ColorOrder.RGB, or "unknown"
    max_abs_diff_bgr: float  # IR fed BGR vs Keras fed RGB
    max_abs_diff_rgb: float  # IR fed RGB vs Keras fed RGB
    tolerance: float


def has_fp16_weights(model: ov.Model) -> bool:
    """True when the graph stores weights as float16 (an FP16 IR)."""
    return any(op.get_type_name() == "Constant" and op.get_output_element_type(0) == ov.Type.f16
               for op in model.get_ordered_ops())


def measure_color_order(ir: ov.Model | Path, keras_model, image_rgb: np.ndarray) -> ColorOrderCheck:
    """Feed the same picture to both models, as RGB to Keras and as BGR and RGB to the IR.

    ``image_rgb`` is a 224x224x3 (or 1x224x224x3) RGB array with values in [0, 255].
    The IR is compiled with ``INFERENCE_PRECISION_HINT=f32`` so that bf16 on CPUs that have it
    does not blur the comparison. The tolerance is PARITY_TOLERANCE for float32 weights and
    FP16_PARITY_TOLERANCE for float16 ones.
    """
    model = read_model(ir)
    tolerance = FP16_PARITY_TOLERANCE if has_fp16_weights(model) else PARITY_TOLERANCE
    rgb = np.asarray(image_rgb, dtype=np.float32).reshape(card.INPUT_SHAPE)
    bgr = convert_color_order(rgb, ColorOrder.RGB, ColorOrder.BGR)
    expected = keras_predict(keras_model, rgb)
    compiled = compile_model(model, precision="f32")
    diff_bgr = float(np.abs(compiled(bgr)[0] - expected).max())
    diff_rgb = float(np.abs(compiled(rgb)[0] - expected).max())
    if diff_bgr <= tolerance < diff_rgb:
        order = ColorOrder.BGR
    elif diff_rgb <= tolerance < diff_bgr:
        order = ColorOrder.RGB
    else:
        order = "unknown"
    return ColorOrderCheck(order, diff_bgr, diff_rgb, tolerance)


@dataclass(frozen=True)
class CardRow:
    """One line of the card check: what the card says, what the IR shows, and whether they agree."""

    item: str
    card: str
    measured: str
    ok: bool


def _within(measured: float, expected: float) -> bool:
    return abs(measured - expected) <= card.COMPLEXITY_TOLERANCE * expected


def check_against_card(xml: Path, keras_model, image_rgb: np.ndarray) -> tuple[list[CardRow], ColorOrderCheck]:
    """Read the IR at ``xml`` and compare it with the card, row by row.

    ``keras_model`` and ``image_rgb`` (224x224x3 RGB in [0, 255]) are used for the colour-order
    check, whose details come back beside the table. Every value in the table depends only
    on the graph, not on the weights' values.
    """
    model = read_model(xml)
    inp, out = model.input(), model.output()
    layout = str(ov.layout_helpers.get_layout(inp)).strip("[]").replace(",", "")
    mparams = count_parameters(model) / 1e6
    gflops = count_gflops(model)
    color = measure_color_order(model, keras_model, image_rgb)
    rows = [
        ("input name", card.INPUT_NAME, ", ".join(sorted(inp.get_names()))),
        ("input shape", _shape(card.INPUT_SHAPE), _shape(inp.get_partial_shape())),
        ("input layout", card.INPUT_LAYOUT, layout),
        ("input colour order", card.CONVERTED_COLOR_ORDER, color.order),
        ("output name", card.OUTPUT_NAME, ", ".join(sorted(out.get_names()))),
        ("output shape", _shape(card.OUTPUT_SHAPE), _shape(out.get_partial_shape())),
    ]
    table = [CardRow(item, str(expected), str(measured), str(expected) == str(measured))
             for item, expected, measured in rows]
    table.append(CardRow("MParams", f"{card.MPARAMS:.3f}", f"{mparams:.3f}", _within(mparams, card.MPARAMS)))
    table.append(CardRow("GFLOPs", f"{card.GFLOPS:.5f}", f"{gflops:.5f}", _within(gflops, card.GFLOPS)))
    return table, color


def _shape(shape) -> str:
    return "x".join(str(d) for d in shape)
