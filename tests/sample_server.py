"""Local stand-ins for the ImageNet sample's public sources and for a room mirror, with faults.

``SampleServer`` serves, on 127.0.0.1, the archive of the sample's commit (``/archive.zip``: a zip of the files
the test names, under the folder name GitHub gives it) and each file (``/raw/<name>``), from a folder holding
verified copies. A test sets its faults before downloading and reads ``requests`` afterwards.
``http_server_command`` runs the command that ``python -m helpers.mirror`` prints (``python -m http.server``).
"""
from __future__ import annotations

import contextlib
import http.server
import io
import re
import socket
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

from helpers.model_card import SAMPLE_COMMIT
from tests.support import QuietHandler

STALL_SECONDS = 3  # longer than the tests' download time-out


class SampleServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, source: Path):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.source = Path(source)
        self.archive_files: list[str] = []  # what the archive holds
        self.archive_fault: str | None = None  # "missing", "truncated", "stall" or None
        self.altered_in_archive: set[str] = set()  # files whose bytes the archive alters
        self.file_faults: dict[str, str] = {}  # name -> "missing", "altered" or "stall"
        self.refuse_files_after: int | None = None  # answer 503 to file requests after this many
        self.file_delay = 0.0  # seconds before each file's body
        self.requests: list[str] = []
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def file_requests(self) -> list[str]:
        return [path.removeprefix("/raw/") for path in self.requests if path.startswith("/raw/")]

    def archive_bytes(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zipped:
            for name in self.archive_files:
                data = (self.source / name).read_bytes()
                if name in self.altered_in_archive:  # same size, other bytes, a CRC that matches them
                    data = data[:-100] + bytes(100)
                zipped.writestr(f"imagenet-sample-images-{SAMPLE_COMMIT}/{name}", data)
            zipped.writestr(f"imagenet-sample-images-{SAMPLE_COMMIT}/README.md", "not an image\n")
        return buffer.getvalue()

    def count_request(self, path: str) -> int:
        with self._lock:
            self.requests.append(path)
            return len(self.file_requests())


class _Handler(QuietHandler):
    server: SampleServer

    def do_GET(self):
        count = self.server.count_request(self.path)
        try:
            if self.path == "/archive.zip":
                self._archive()
            elif self.path.startswith("/raw/"):
                self._file(self.path.removeprefix("/raw/"), count)
            else:
                self.send_error(404)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a time-out, a killed process)
            pass

    def _archive(self):
        fault = self.server.archive_fault
        if fault == "missing":
            self.send_error(404)
            return
        if fault == "stall":
            time.sleep(STALL_SECONDS)
        body = self.server.archive_bytes()
        if fault == "truncated":  # promises the whole archive, sends 60 %, hangs up
            self._send(body[: len(body) * 6 // 10], length=len(body))
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._send(body)

    def _file(self, name: str, count: int):
        fault = self.server.file_faults.get(name)
        path = self.server.source / name
        after = self.server.refuse_files_after
        if fault == "missing" or not re.fullmatch(r"n\d{8}_[\w.-]+", name) or not path.is_file():
            self.send_error(404)
            return
        if after is not None and count > after:
            self.send_error(503, "Service Unavailable")
            return
        if fault == "stall":
            time.sleep(STALL_SECONDS)
        time.sleep(self.server.file_delay)
        data = path.read_bytes()
        if fault == "altered":
            data = data[:-100] + bytes(100)
        self._send(data)


@contextlib.contextmanager
def running(server: SampleServer):
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def http_server_command(folder: Path):
    """``python -m http.server --directory FOLDER`` on a free loopback port, as a room's instructor runs it; yields
    its URL and stops it afterwards."""
    process = subprocess.Popen(
        [sys.executable, "-u", "-m", "http.server", "--bind", "127.0.0.1", "--directory", str(folder), "0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        line = process.stdout.readline()
        port = re.search(r"port (\d+)", line)
        assert port, f"http.server did not say its port: {line!r}"
        yield f"http://127.0.0.1:{port.group(1)}"
    finally:
        process.terminate()
        process.wait(timeout=10)
