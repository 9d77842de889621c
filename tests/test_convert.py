import dataclasses

import numpy as np
import openvino as ov
import pytest

from helpers import convert
from helpers import model_card as card
from helpers.convert import PRECISIONS, convert_to_ir, ir_path, ir_provenance
from helpers.runtime import core


def test_ir_is_in_open_model_zoo_layout(prepared_ir):
    for precision in PRECISIONS:
        xml = prepared_ir[precision].xml
        assert xml == ir_path(precision)
        assert xml.parts[-4:] == ("public", card.MODEL_NAME, precision, f"{card.MODEL_NAME}.xml")
        assert xml.with_suffix(".bin").is_file()


@pytest.mark.parametrize("precision", PRECISIONS)
def test_ir_has_the_card_names_shapes_and_layout(prepared_ir, weights, precision):
    model = core().read_model(prepared_ir[precision].xml)
    assert len(model.inputs) == 1 and len(model.outputs) == 1
    assert model.input().get_names() == {card.INPUT_NAME}
    assert tuple(model.input().get_shape()) == card.INPUT_SHAPE
    assert model.input().get_element_type() == ov.Type.f32
    assert str(ov.layout_helpers.get_layout(model.input())) == "[N,H,W,C]"
    assert card.OUTPUT_NAME in model.output().get_names()
    assert tuple(model.output().get_shape()) == card.OUTPUT_SHAPE
    assert ir_provenance(prepared_ir[precision].xml)["weights_sha384"] == weights.sha384


def test_fp16_stores_half_size_weights(prepared_ir):
    fp32, fp16 = (prepared_ir[p].bin.stat().st_size for p in PRECISIONS)
    assert 0.45 < fp16 / fp32 < 0.55


def test_converted_model_takes_bgr_and_matches_keras(prepared_ir, keras_model, demo_rgb_224):
    from helpers.card_check import PARITY_TOLERANCE, measure_color_order

    check = measure_color_order(prepared_ir["FP32"].xml, keras_model, demo_rgb_224)
    assert check.order == "BGR"
    assert check.max_abs_diff_bgr <= PARITY_TOLERANCE
    assert check.max_abs_diff_rgb > 100 * PARITY_TOLERANCE, "feeding RGB to the IR must visibly change the output"


def test_conversion_is_reused_unless_weights_change_or_rebuild_is_asked(weights, keras_model, tmp_path):
    first = convert_to_ir(weights, keras_model, models_root=tmp_path)
    assert not any(ir.reused for ir in first.values())
    stamps = {p: ir.xml.stat().st_mtime_ns for p, ir in first.items()}

    again = convert_to_ir(weights, keras_model, models_root=tmp_path)
    assert all(ir.reused for ir in again.values())
    assert {p: ir.xml.stat().st_mtime_ns for p, ir in again.items()} == stamps

    other_weights = dataclasses.replace(weights, sha384="0" * 96)
    switched = convert_to_ir(other_weights, keras_model, models_root=tmp_path)
    assert not any(ir.reused for ir in switched.values()), "an IR from other weights must not be reused"
    assert ir_provenance(switched["FP32"].xml)["weights_sha384"] == "0" * 96

    rebuilt = convert_to_ir(other_weights, keras_model, models_root=tmp_path, rebuild=True)
    assert not any(ir.reused for ir in rebuilt.values())


def test_an_interrupted_save_leaves_no_ir(weights, keras_model, tmp_path, monkeypatch):
    def crash(model, path, compress_to_fp16):
        path.with_suffix(".bin").write_bytes(b"half")
        raise KeyboardInterrupt

    monkeypatch.setattr(convert.ov, "save_model", crash)
    with pytest.raises(KeyboardInterrupt):
        convert_to_ir(weights, keras_model, models_root=tmp_path)
    leftovers = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert leftovers == []


def test_a_damaged_ir_is_rebuilt(weights, keras_model, tmp_path):
    xml = convert_to_ir(weights, keras_model, models_root=tmp_path)["FP32"].xml
    xml.write_text("<net")
    again = convert_to_ir(weights, keras_model, models_root=tmp_path)
    assert not again["FP32"].reused and again["FP16"].reused
    assert core().read_model(xml).input().get_names() == {card.INPUT_NAME}


def test_unknown_precision_is_refused():
    with pytest.raises(ValueError, match="precision must be one of"):
        ir_path("INT4")


def test_converted_ir_predicts_like_keras_on_a_photo(prepared_ir, keras_model, demo_rgb_224):
    from helpers.keras_model import keras_predict
    from helpers.preprocess import to_model_input
    from helpers.runtime import compile_model

    expected = keras_predict(keras_model, to_model_input(demo_rgb_224, "RGB", card.ORIGINAL_COLOR_ORDER))
    compiled = compile_model(prepared_ir["FP32"].xml, precision="f32")
    got = compiled(to_model_input(demo_rgb_224, "RGB", card.CONVERTED_COLOR_ORDER))[0]
    assert got.argmax() == expected.argmax()
    np.testing.assert_allclose(got, expected, atol=1e-4)


def test_ir_records_its_provenance(prepared_ir, weights):
    from helpers.convert import CONVERSION_RECIPE

    assert ir_provenance(prepared_ir["FP32"].xml) == {
        "weights_file": weights.path.name, "weights_sha384": weights.sha384,
        "color_order": card.CONVERTED_COLOR_ORDER, "recipe": CONVERSION_RECIPE,
    }


def test_ir_from_an_older_recipe_is_rebuilt(weights, keras_model, tmp_path, monkeypatch):
    convert_to_ir(weights, keras_model, models_root=tmp_path)
    monkeypatch.setattr(convert, "CONVERSION_RECIPE", "next")
    assert not any(ir.reused for ir in convert_to_ir(weights, keras_model, models_root=tmp_path).values())


@pytest.mark.parametrize("batch", [2, 8])
def test_ir_can_be_reshaped_to_a_batch(prepared_ir, batch):
    model = core().read_model(prepared_ir["FP32"].xml)
    model.reshape({card.INPUT_NAME: [batch, *card.INPUT_SHAPE[1:]]})
    assert tuple(model.output().get_shape()) == (batch, card.NUM_CLASSES)
