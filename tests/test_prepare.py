from helpers import config
from helpers.prepare import main


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
