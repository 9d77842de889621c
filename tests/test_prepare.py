from helpers import config
from helpers.cli.prepare import main


def test_prepare_prints_the_weights_and_the_paths(prepared_ir, capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    assert "Weights file:" in out and "sha384:" in out
    for ir in prepared_ir.values():
        assert f"{ir.precision}: {ir.xml} (reused)" in out


def test_prepare_reports_a_bad_weights_file(monkeypatch, tmp_path, capsys):
    bad = tmp_path / "weights.h5"
    bad.write_text("not weights")
    monkeypatch.setenv(config.ENV_WEIGHTS, str(bad))
    assert main([]) == 1
    err = capsys.readouterr().err
    assert f"error: Weights file {bad} (from MOBILENET_WEIGHTS) is not an HDF5 file" in err


def _ir_only_models_folder(tmp_path, prepared_ir, monkeypatch):
    """TUTORIAL_MODELS with the FP32 IR and nothing else; MOBILENET_WEIGHTS unset; no network, no conversion."""
    import shutil
    import socket

    from helpers.convert import ir_path

    target = ir_path("FP32", tmp_path)
    target.parent.mkdir(parents=True)
    shutil.copy(prepared_ir["FP32"].xml, target)
    shutil.copy(prepared_ir["FP32"].bin, target.with_suffix(".bin"))
    monkeypatch.setenv(config.ENV_MODELS, str(tmp_path))
    monkeypatch.delenv(config.ENV_WEIGHTS, raising=False)

    def refuse(*args, **kwargs):
        raise AssertionError("reached for the network or a conversion with the IR already there")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr("helpers.prepare.prepare_models", refuse)
    return target


def test_commands_use_the_ir_already_there_offline_and_name_its_weights(prepared_ir, weights, tmp_path,
                                                                         monkeypatch, capsys):
    from helpers.cli.classify import main as classify
    from helpers.demo_photos import demo_photo

    _ir_only_models_folder(tmp_path, prepared_ir, monkeypatch)
    assert classify([str(demo_photo("coffee").path), "--top", "1"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert f"weights: {weights.path.name} (sha384 {weights.sha384[:16]}" in first
    assert "used offline" in first
    assert ("), the official file" in first) == weights.is_official
    assert ("), NOT the official file" in first) == (not weights.is_official)


def test_with_the_weights_at_hand_the_ir_is_checked_against_them(prepared_ir, weights, monkeypatch):
    """MOBILENET_WEIGHTS set: the IR goes through prepare_models, which re-converts an IR made from other weights."""
    from helpers import prepare

    if weights.source != config.ENV_WEIGHTS:
        monkeypatch.setenv(config.ENV_WEIGHTS, str(weights.path))
    calls = []
    real = prepare.prepare_models
    monkeypatch.setattr(prepare, "prepare_models", lambda **kwargs: calls.append(kwargs) or real(**kwargs))
    xml, used = prepare.ir_for_command("FP32")
    assert calls and xml == prepared_ir["FP32"].xml
    assert (used.file, used.sha384, used.found_offline) == (weights.path.name, weights.sha384, False)
