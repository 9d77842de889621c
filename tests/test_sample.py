"""The ImageNet sample's download (helpers.sample), against local stand-ins of its sources, with faults.

The same code that fetches from GitHub for a learner runs here against 127.0.0.1 (tests.sample_server): the
archive first, then each file still missing, every file checked against the manifest, never a wrong file under a
real name, an interrupted download resumed with only the rest fetched.
"""
from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time

import pytest

from helpers import config, sample
from helpers.datasets import evenly_spaced, read_dataset
from helpers.download import PARTIAL_SUFFIX
from helpers.errors import DownloadError
from helpers.model_card import SAMPLE_COMMIT
from helpers.sample import ensure_sample, labelled_images, manifest, unverified

FEW = 12  # files per test: enough for every path, quick to serve


@pytest.fixture
def few(monkeypatch):
    """A dozen sample files spread over the classes; the archive is tried from that many missing files on."""
    monkeypatch.setattr(sample, "ARCHIVE_MIN_FILES", 5)
    return evenly_spaced(list(manifest()), FEW)


def _only_verified_files(folder, files):
    """Every file under a sample name in ``folder`` has the manifest's bytes; nothing else but .part files."""
    by_name = {f.name: f for f in manifest()}
    for path in folder.iterdir():
        if path.name.endswith(PARTIAL_SUFFIX):
            continue
        assert path.name in by_name, f"unexpected file {path.name}"
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert digest == by_name[path.name].digest, f"{path.name} is under its real name with the wrong bytes"


def test_the_manifest_lists_1000_files_one_per_class_matching_the_labels():
    files = manifest()
    assert len(files) == 1000 and len({f.name.split("_")[0] for f in files}) == 1000
    assert [f.name for f in files] == sorted(f.name for f in files)
    assert all(len(f.digest) == 64 and f.size > 0 and f.algorithm == "sha256" for f in files)
    assert all(f.urls[0].endswith(f"/{SAMPLE_COMMIT}/{f.name}") for f in files[:3])


def test_the_manifest_holds_for_the_shared_copy(verified_sample):
    assert unverified(manifest(), verified_sample) == []


def test_the_archive_gives_every_file_in_one_request(sample_server, few):
    sample_server.archive_files = [f.name for f in few]
    folder = ensure_sample(few, progress=False)
    assert unverified(few, folder) == [] and sample_server.requests == ["/archive.zip"]
    _only_verified_files(folder, few)


def test_a_missing_archive_falls_back_to_each_file(sample_server, few):
    sample_server.archive_fault = "missing"
    folder = ensure_sample(few, progress=False)
    assert unverified(few, folder) == []
    assert sorted(sample_server.file_requests()) == sorted(f.name for f in few)


def test_a_truncated_archive_falls_back_to_each_file(sample_server, few):
    sample_server.archive_files = [f.name for f in few]
    sample_server.archive_fault = "truncated"
    folder = ensure_sample(few, progress=False)
    assert unverified(few, folder) == [] and len(sample_server.file_requests()) == FEW
    _only_verified_files(folder, few)


def test_an_altered_file_in_the_archive_is_caught_and_fetched_again(sample_server, few):
    sample_server.archive_files = [f.name for f in few]
    sample_server.altered_in_archive = {few[3].name}
    folder = ensure_sample(few, progress=False)
    assert sample_server.file_requests() == [few[3].name]
    assert unverified(few, folder) == []
    _only_verified_files(folder, few)


def test_a_stalled_server_times_out_with_a_clear_error(sample_server, few):
    sample_server.archive_fault = "missing"
    sample_server.file_faults = {few[0].name: "stall"}
    with pytest.raises(DownloadError) as error:
        ensure_sample(few, progress=False, timeout=1)
    first, *detail = str(error.value).splitlines()
    assert f"1 of {FEW} ImageNet sample images" in first and few[0].name in first
    assert config.ENV_DATA in first and config.ENV_MIRROR in first and sample.ARCHIVE_URL in first
    assert "no answer within 1 s" in "\n".join(detail)
    folder = config.sample_dir()
    assert not (folder / few[0].name).exists() and unverified(few, folder) == [few[0]]
    _only_verified_files(folder, few)


def test_a_file_that_never_verifies_is_named_and_never_kept(sample_server, few):
    sample_server.archive_files = [f.name for f in few]
    sample_server.altered_in_archive = {few[5].name}
    sample_server.file_faults = {few[5].name: "altered"}
    with pytest.raises(DownloadError, match=f"e.g. {few[5].name}") as error:
        ensure_sample(few, progress=False)
    assert "checksum mismatch" in str(error.value)
    assert not (config.sample_dir() / few[5].name).exists()
    _only_verified_files(config.sample_dir(), few)


def test_a_failed_download_keeps_what_verified_and_a_second_run_fetches_only_the_rest(sample_server, few):
    sample_server.archive_fault = "missing"
    sample_server.refuse_files_after = 5
    with pytest.raises(DownloadError, match=f"{FEW - 5} of {FEW} ImageNet sample images") as error:
        ensure_sample(few, progress=False)
    assert f"The 5 verified files are kept in {config.sample_dir()}" in str(error.value)
    got = {f.name for f in few} - {f.name for f in unverified(few, config.sample_dir())}
    assert len(got) == 5
    sample_server.refuse_files_after = None
    sample_server.requests.clear()
    ensure_sample(few, progress=False)
    assert "/archive.zip" in sample_server.requests  # 7 missing files is still "many" here (5 and more)
    assert set(sample_server.file_requests()).isdisjoint(got)
    assert unverified(few, config.sample_dir()) == []


def test_a_download_killed_half_way_resumes_with_only_the_missing_files(sample_server, few, monkeypatch):
    """A real kill (SIGKILL) of a process downloading file by file: what it left under real names verifies, its
    .part files are not taken for files, and the next run fetches only what is missing."""
    sample_server.archive_fault = "missing"
    sample_server.file_delay = 0.3
    folder = config.sample_dir()
    names = [f.name for f in few]
    script = (
        "from pathlib import Path; from helpers import config, sample\n"
        f"sample.ARCHIVE_URL = {sample.ARCHIVE_URL!r}; sample.FILE_URL = {sample.FILE_URL!r}\n"
        f"config.sample_dir = lambda: Path({str(folder)!r})\n"
        f"wanted = [f for f in sample.manifest() if f.name in {names!r}]\n"
        "sample.ensure_sample(wanted, progress=False)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in (config.ENV_MIRROR, config.ENV_DATA)}
    process = subprocess.Popen([sys.executable, "-c", script], env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len([p for p in folder.glob("n*") if not p.name.endswith(
            PARTIAL_SUFFIX)]) < 3:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    kept = {f.name for f in few} - {f.name for f in unverified(few, folder)}
    assert 3 <= len(kept) < FEW, "the kill should land half-way"
    _only_verified_files(folder, few)
    sample_server.file_delay = 0
    sample_server.requests.clear()
    monkeypatch.setattr(sample, "ARCHIVE_MIN_FILES", 100)  # resumed file by file
    ensure_sample(few, progress=False)
    assert sorted(sample_server.file_requests()) == sorted(set(names) - kept)
    assert unverified(few, folder) == []


def test_part_files_left_by_a_killed_run_are_removed_once_stale(sample_server, few):
    folder = config.sample_dir()
    folder.mkdir(parents=True)
    stale, fresh = folder / f"{few[0].name}.abc{PARTIAL_SUFFIX}", folder / f"{few[1].name}.def{PARTIAL_SUFFIX}"
    stale.write_bytes(b"half")
    fresh.write_bytes(b"another learner's download, still running")
    old = time.time() - sample.STALE_PART_SECONDS - 60
    os.utime(stale, (old, old))
    ensure_sample(few, progress=False)
    assert not stale.exists() and fresh.exists()


def test_labelled_images_from_the_downloaded_sample_match_those_from_a_copy_in_tutorial_data(
        sample_server, verified_sample, monkeypatch):
    sample_server.archive_fault = "missing"
    downloaded = labelled_images(FEW, progress=False)
    assert downloaded.source == "sample" and downloaded.verified_sample
    assert "ImageNet sample" in downloaded.describe() and str(config.sample_dir()) not in downloaded.describe()
    monkeypatch.setenv(config.ENV_DATA, str(verified_sample))
    from_copy = labelled_images(FEW)
    assert [(i.path.name, i.label) for i in downloaded.items] == [(i.path.name, i.label) for i in from_copy.items]
    assert from_copy.verified_sample and "checked against the manifest" in from_copy.describe()
    assert [i.label for i in downloaded.items] == [i.label for i in evenly_spaced(read_dataset(verified_sample),
                                                                                  FEW)]


def test_a_folder_that_is_not_the_sample_is_used_and_said_so(tiny_dataset, monkeypatch):
    monkeypatch.setenv(config.ENV_DATA, str(tiny_dataset))
    images = labelled_images()
    assert images.source == config.ENV_DATA and not images.verified_sample and len(images) == 4
    assert "not the verified ImageNet sample" in images.describe()


def test_offline_with_no_copy_one_error_names_the_url_and_both_settings(offline_sample):
    with pytest.raises(DownloadError) as error:
        labelled_images(3, progress=False)
    first = str(error.value).splitlines()[0]
    assert sample.ARCHIVE_URL in first
    assert config.ENV_DATA in first and config.ENV_MIRROR in first
    assert not config.sample_dir().exists() or not any(config.sample_dir().glob("n*"))


def test_a_read_only_sample_folder_is_one_error_naming_the_setting(sample_server, few, monkeypatch):
    import errno

    def refuse(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(sample.Path, "mkdir", refuse)
    with pytest.raises(DownloadError) as error:
        ensure_sample(few, progress=False)
    assert str(error.value).count("\n") == 0 and config.ENV_DATA in str(error.value)
    assert "Read-only file system" in str(error.value)
