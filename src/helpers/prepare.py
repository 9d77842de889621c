"""Make the model ready to run: get the weights and convert them to IR, like ``omz_downloader`` + ``omz_converter``
(images are ``helpers.preprocess``'s, or ``helpers.preprocessing_model``'s inside the IR).

    python -m helpers.prepare [--rebuild]

prints the weights used and the IR paths it wrote or found. Lessons call ``prepare_models()``,
which does the same and also returns the original Keras model. Each step fails with its own
error, so the message says which one failed: getting the weights (``DownloadError``,
``WeightsFileError``), loading them into Keras (``WeightsFileError``), converting and saving the
IR (``ConversionError``).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from helpers.convert import PreparedIR, convert_to_ir, existing_ir, ir_path, ir_provenance
from helpers.ir_files import check_ir
from helpers.keras_model import build_keras_model
from helpers.model_card import OFFICIAL_WEIGHTS
from helpers.weights import WeightsInfo, resolve_weights, weights_at_hand


@dataclass
class PreparedModels:
    weights: WeightsInfo
    irs: dict[str, PreparedIR]  # by precision: "FP32", "FP16"
    keras_model: object | None  # the original model, when asked for


def prepare_models(*, with_keras: bool = True, rebuild: bool = False, progress: bool = True) -> PreparedModels:
    """Resolve the weights (download or MOBILENET_WEIGHTS), then make or reuse the FP32 and FP16 IR.

    Idempotent: a second call reuses the download and the IR. ``with_keras`` also builds the
    original Keras model (about a second), which conversion needs anyway when the IR is missing.
    """
    weights = resolve_weights(progress=progress)
    keras_model = None
    if with_keras:
        keras_model = build_keras_model(weights)
    irs = convert_to_ir(weights, keras_model, rebuild=rebuild)
    return PreparedModels(weights, irs, keras_model)


@dataclass(frozen=True, kw_only=True)
class IRWeights:
    """Which weights an IR was made from: the file's name, its sha384 (None when unknown), and whether the IR was
    taken as it was found in the models folder, without the weights at hand."""

    file: str
    sha384: str | None
    found_offline: bool = False

    @property
    def is_official(self) -> bool:
        return self.sha384 == OFFICIAL_WEIGHTS.digest

    def describe(self) -> str:
        """One line for a learner."""
        if self.sha384 is None:
            return f"weights: unknown (the IR {self.file} carries no provenance record: it was made elsewhere)"
        line = (f"weights: {self.file} (sha384 {self.sha384[:16]}…), "
                + ("the official file" if self.is_official else
                   "NOT the official file: accuracy will differ from the card's"))
        return line + (" (the IR already in the models folder, used offline)" if self.found_offline else "")

    def as_dict(self) -> dict:
        return {"file": self.file, "sha384": self.sha384, "official": self.is_official}


def ir_weights(xml: Path, found_offline: bool = False) -> IRWeights:
    """The weights an IR was made from, read from the provenance record in the IR (an INT8 IR's are its FP32
    IR's)."""
    made_from = ir_provenance(xml) or ir_provenance(ir_path("FP32"))
    if not made_from:
        return IRWeights(file=Path(xml).name, sha384=None, found_offline=found_offline)
    return IRWeights(file=made_from.get("weights_file", "?"), sha384=made_from.get("weights_sha384"),
                     found_offline=found_offline)


def ir_for_command(precision: str = "FP32") -> tuple[Path, IRWeights]:
    """The IR a command runs for ``precision`` ("FP32", "FP16", "INT8"), and the weights it was made from.

    With the weights at hand (``weights_at_hand``), the FP32/FP16 IR is made, or checked against them and reused,
    by ``prepare_models``. Without them, an IR already in the models folder is used as it is, offline, and its
    provenance record names its weights; only when it is missing too are the weights downloaded. The INT8 IR is
    never made here (Lesson 06 or ``python -m helpers.quantize`` makes it): ModelNotFoundError says so.
    An IR used as found is checked first (``helpers.ir_files.check_ir``): a damaged one, or a .bin that does not
    belong with its .xml, is a DamagedIRError naming the file and the command that makes it again.
    """
    if precision == "INT8":
        xml = existing_ir("INT8")
        check_ir(xml)
        return xml, ir_weights(xml)
    xml = ir_path(precision)
    if not weights_at_hand() and xml.is_file() and xml.with_suffix(".bin").is_file():
        check_ir(xml)
        return xml, ir_weights(xml, found_offline=True)
    prepared = prepare_models(with_keras=False)
    return prepared.irs[precision].xml, IRWeights(file=prepared.weights.path.name, sha384=prepared.weights.sha384)


if __name__ == "__main__":
    from helpers.cli.prepare import main  # the command line lives in helpers.cli

    raise SystemExit(main())
