"""Get the weights and convert the model, like ``omz_downloader`` + ``omz_converter``.

    python -m helpers.prepare [--rebuild]

prints the weights used and the IR paths it wrote or found. Lessons call ``prepare_models()``,
which does the same and also returns the original Keras model. Each step fails with its own
error, so the message says which one failed: getting the weights (``DownloadError``,
``WeightsFileError``), loading them into Keras (``WeightsFileError``), converting and saving the
IR (``ConversionError``).
"""
from __future__ import annotations

import sys
from dataclasses import dataclass

from helpers import cli
from helpers.convert import PreparedIR, convert_to_ir
from helpers.weights import WeightsInfo, resolve_weights


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
        from helpers.keras_model import build_keras_model
        keras_model = build_keras_model(weights)
    irs = convert_to_ir(weights, keras_model, rebuild=rebuild)
    return PreparedModels(weights, irs, keras_model)


def main(argv: list[str] | None = None) -> int:
    parser = cli.ArgumentParser(prog="python -m helpers.prepare", description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="convert again even if the IR is there")
    args = parser.parse_args(argv)
    return cli.run(lambda: _prepare(args.rebuild))


def _prepare(rebuild: bool) -> int:
    prepared = prepare_models(with_keras=False, rebuild=rebuild)
    print(prepared.weights.describe())
    for ir in prepared.irs.values():
        print(f"{ir.precision}: {ir.xml} ({'reused' if ir.reused else 'written'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
