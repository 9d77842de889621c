"""A room mirror (helpers.mirror, TUTORIAL_MIRROR): written by its command, served by http.server, checked file by
file by every download, so a mirror can never hand out a wrong file."""
from __future__ import annotations

import hashlib
import shutil

import pytest

from helpers import config, mirror
from helpers.cli import mirror as mirror_command
from helpers.download import fetch
from helpers.errors import DownloadError
from helpers.model_card import OFFICIAL_WEIGHTS, SAMPLE_MIRROR_FOLDER
from helpers.sample import ensure_sample, manifest, unverified
from tests.sample_server import http_server_command


def test_the_mirror_holds_the_verified_sample_and_never_a_stand_in_as_official(mirror_folder):
    assert unverified(manifest(), mirror_folder / SAMPLE_MIRROR_FOLDER) == []
    # CI's weights are the stand-in: they must not appear under the official name.
    official = mirror_folder / OFFICIAL_WEIGHTS.name
    assert not official.exists() or hashlib.sha384(official.read_bytes()).hexdigest() == OFFICIAL_WEIGHTS.digest
    assert not list(mirror_folder.rglob("*.part"))


def test_the_command_says_how_to_serve_it_and_what_learners_set(verified_sample, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(config.ENV_DATA, str(verified_sample))
    assert mirror_command.main([str(tmp_path / "m"), "--no-sample"]) == 0
    out = capsys.readouterr().out
    assert f"python -m http.server --directory {tmp_path / 'm'} 8000" in out
    assert f"{config.ENV_MIRROR}=http://" in out and "weights: none" in out


def test_the_sample_comes_from_the_mirror_verified(sample_mirror, sample_server, monkeypatch):
    monkeypatch.setenv(config.ENV_MIRROR, sample_mirror.url)
    wanted = list(manifest())[::250]
    folder = ensure_sample(wanted, progress=False)
    assert unverified(wanted, folder) == []
    assert sample_server.requests == []  # nothing from the public sources


def test_an_altered_image_in_a_mirror_is_refused_and_the_public_source_is_tried(
        sample_mirror, sample_server, tmp_path, monkeypatch):
    wanted = list(manifest())[:3]
    room = tmp_path / "altered mirror"
    (room / SAMPLE_MIRROR_FOLDER).mkdir(parents=True)
    for remote in wanted:
        shutil.copy(sample_mirror.folder / SAMPLE_MIRROR_FOLDER / remote.name, room / SAMPLE_MIRROR_FOLDER)
    damaged = room / SAMPLE_MIRROR_FOLDER / wanted[1].name
    data = damaged.read_bytes()
    damaged.write_bytes(data[:-64] + bytes(64))
    with http_server_command(room) as url:
        monkeypatch.setenv(config.ENV_MIRROR, url)
        folder = ensure_sample(wanted, progress=False)
    assert unverified(wanted, folder) == []
    assert sample_server.file_requests() == [wanted[1].name]  # only the refused one came from the public URL


def test_a_mirror_offering_wrong_weights_under_the_official_name_is_refused(tmp_path, monkeypatch, refused_url):
    room = tmp_path / "room"
    room.mkdir()
    (room / OFFICIAL_WEIGHTS.name).write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(OFFICIAL_WEIGHTS.size - 8))
    with http_server_command(room) as url:
        monkeypatch.setenv(config.ENV_MIRROR, url)
        offline = type(OFFICIAL_WEIGHTS)(name=OFFICIAL_WEIGHTS.name, size=OFFICIAL_WEIGHTS.size,
                                         digest=OFFICIAL_WEIGHTS.digest, urls=(refused_url,))
        with pytest.raises(DownloadError) as error:
            fetch(offline, tmp_path / "models", progress=False, timeout=2)
    message = str(error.value)
    assert f"{url}/{OFFICIAL_WEIGHTS.name}: checksum mismatch" in message
    assert not (tmp_path / "models" / OFFICIAL_WEIGHTS.name).exists()


def test_the_mirror_setting_must_be_a_url(monkeypatch):
    monkeypatch.setenv(config.ENV_MIRROR, "/media/usb/mirror")
    with pytest.raises(config.ConfigError, match="file://"):
        config.mirror_url()
    monkeypatch.setenv(config.ENV_MIRROR, "file:///media/usb/mirror/")
    assert config.mirror_url() == "file:///media/usb/mirror"


def test_a_file_url_mirror_works_like_a_served_one(mirror_folder, sample_server, monkeypatch):
    monkeypatch.setenv(config.ENV_MIRROR, mirror_folder.as_uri())
    wanted = list(manifest())[1::300]
    assert unverified(wanted, ensure_sample(wanted, progress=False)) == []
    assert sample_server.requests == []


def test_official_weights_at_hand_skips_a_file_that_is_not_official(tmp_path, monkeypatch):
    fake = tmp_path / OFFICIAL_WEIGHTS.name
    fake.write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(100))
    monkeypatch.setenv(config.ENV_WEIGHTS, str(fake))
    monkeypatch.setenv(config.ENV_MODELS, str(tmp_path / "models"))
    assert mirror.official_weights_at_hand() is None
    report = mirror.write_mirror(tmp_path / "m", with_sample=False)
    assert not report.weights and "not the official one" in report.describe()
    assert not (tmp_path / "m" / OFFICIAL_WEIGHTS.name).exists()

