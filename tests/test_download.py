"""Download faults, driven against a local HTTP server on 127.0.0.1 that the tests start (the
``server`` and ``refused_url`` fixtures of conftest.py)."""
import hashlib
import re
import threading

import pytest

from helpers.download import PARTIAL_SUFFIX, fetch, is_complete
from helpers.errors import DownloadError
from helpers.model_card import RemoteFile
from tests.support import PAYLOAD, FaultyHandler


def remote(*urls: str) -> RemoteFile:
    return RemoteFile(name="weights.h5", size=len(PAYLOAD), digest=hashlib.sha384(PAYLOAD).hexdigest(), urls=urls)


def assert_no_file_left(folder):
    leftovers = sorted(p.name for p in folder.iterdir())
    assert leftovers == [], f"a failed download left {leftovers}"


def test_downloads_and_verifies(server, tmp_path):
    path = fetch(remote(f"{server}/good/weights.h5"), tmp_path, progress=False)
    assert path == tmp_path / "weights.h5"
    assert path.read_bytes() == PAYLOAD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["weights.h5"]


def test_a_good_file_is_not_downloaded_again(server, tmp_path):
    spec = remote(f"{server}/good/weights.h5")
    fetch(spec, tmp_path, progress=False)
    before = len(FaultyHandler.requests)
    fetch(spec, tmp_path, progress=False)
    assert len(FaultyHandler.requests) == before


def test_a_damaged_file_in_the_cache_is_replaced(server, tmp_path):
    (tmp_path / "weights.h5").write_bytes(PAYLOAD[:-1] + b"\0")
    path = fetch(remote(f"{server}/good/weights.h5"), tmp_path, progress=False)
    assert is_complete(path, remote())


def test_falls_back_to_the_next_url(server, tmp_path):
    path = fetch(remote(f"{server}/missing/weights.h5", f"{server}/good/weights.h5"), tmp_path, progress=False)
    assert path.read_bytes() == PAYLOAD


@pytest.mark.parametrize(
    "fault, cause",
    [
        ("missing", "HTTP 404 Not Found"),
        ("slow", "no answer within 1 s"),
        ("cut", r"ended after 51,200 of 102,400 bytes \(a partial download\)"),
        ("wrong", "checksum mismatch"),
        ("longer", "more than the expected 102,400 bytes"),
    ],
)
def test_each_fault_gives_a_clear_error_and_leaves_nothing(server, tmp_path, fault, cause):
    url = f"{server}/{fault}/weights.h5"
    with pytest.raises(DownloadError) as error:
        fetch(remote(url), tmp_path, timeout=1, progress=False, fix_hint="set MOBILENET_WEIGHTS to a local copy")
    message = str(error.value)
    assert url in message
    assert re.search(cause, message), message
    assert "set MOBILENET_WEIGHTS to a local copy" in message
    assert_no_file_left(tmp_path)


def test_connection_refused(refused_url, tmp_path):
    with pytest.raises(DownloadError, match="connection refused") as error:
        fetch(remote(refused_url), tmp_path, timeout=2, progress=False)
    assert refused_url in str(error.value)
    assert_no_file_left(tmp_path)


def test_every_url_is_named_when_all_fail(server, refused_url, tmp_path):
    with pytest.raises(DownloadError) as error:
        fetch(remote(f"{server}/missing/weights.h5", refused_url), tmp_path, timeout=2, progress=False)
    message = str(error.value)
    assert "HTTP 404" in message and "connection refused" in message
    assert message.index("/missing/") < message.index(refused_url)


def test_a_failed_retry_removes_a_damaged_cached_file(server, tmp_path):
    (tmp_path / "weights.h5").write_bytes(b"not the file")
    with pytest.raises(DownloadError):
        fetch(remote(f"{server}/cut/weights.h5"), tmp_path, timeout=2, progress=False)
    assert_no_file_left(tmp_path)
    assert not (tmp_path / ("weights.h5" + PARTIAL_SUFFIX)).exists()


def test_a_full_disk_is_named_as_such_not_as_a_network_error(server, tmp_path, monkeypatch):
    import helpers.download as download

    def no_space(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(download.tempfile, "mkstemp", no_space)
    with pytest.raises(DownloadError, match="Could not write weights.h5 into .*No space left on device.*MODELS"):
        fetch(remote(f"{server}/good/weights.h5"), tmp_path, progress=False)
    assert_no_file_left(tmp_path)


def test_two_downloads_at_once_do_not_spoil_each_other(server, tmp_path):
    spec = remote(f"{server}/good/weights.h5")
    results, errors = [], []

    def download():
        try:
            results.append(fetch(spec, tmp_path, progress=False))
        except Exception as error:  # noqa: BLE001 - collected for the assertion below
            errors.append(error)

    threads = [threading.Thread(target=download) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(results) == 3
    assert is_complete(tmp_path / "weights.h5", spec)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["weights.h5"]
