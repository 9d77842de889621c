"""Download faults, driven against a local HTTP server on 127.0.0.1 that the tests start."""
import hashlib
import re
import http.server
import socket
import threading
import time

import pytest

from helpers.download import PARTIAL_SUFFIX, DownloadError, fetch, is_complete
from helpers.model_card import RemoteFile

PAYLOAD = bytes(range(256)) * 400  # 102,400 bytes
SLOW_SECONDS = 3


class FaultyHandler(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def log_message(self, *args):
        pass

    def _send(self, body: bytes, length: int | None = None):
        self.send_response(200)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        FaultyHandler.requests.append(self.path)
        name = self.path.split("/")[1]
        if name == "good":
            self._send(PAYLOAD)
        elif name == "missing":
            self.send_error(404, "Not Found")
        elif name == "slow":
            time.sleep(SLOW_SECONDS)
            self._send(PAYLOAD)
        elif name == "cut":  # promises the whole file, sends half, hangs up
            self._send(PAYLOAD[: len(PAYLOAD) // 2], length=len(PAYLOAD))
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        elif name == "wrong":  # right size, other bytes
            self._send(PAYLOAD[::-1])
        elif name == "longer":
            self._send(PAYLOAD + b"extra")


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FaultyHandler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def refused_url():
    """A URL on a loopback port where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/weights.h5"


def remote(*urls: str) -> RemoteFile:
    return RemoteFile(name="weights.h5", size=len(PAYLOAD), sha384=hashlib.sha384(PAYLOAD).hexdigest(), urls=urls)


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
    with pytest.raises(DownloadError, match="Could not write weights.h5 into .*No space left on device.*TUTORIAL_MODELS"):
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
