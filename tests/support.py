"""Helpers for the tests themselves: the faulty HTTP server's handler and the parity check."""
import http.server
import socket
import time

import numpy as np

PAYLOAD = bytes(range(256)) * 400  # 102,400 bytes, served at /good/...
SLOW_SECONDS = 3


class QuietHandler(http.server.BaseHTTPRequestHandler):
    """A test server's handler: no line per request, and ``_send`` for a 200 with a Content-Length that may lie."""

    def log_message(self, *args):
        pass

    def _send(self, body: bytes, length: int | None = None):
        self.send_response(200)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)


class FaultyHandler(QuietHandler):
    """Serves PAYLOAD with the fault its first path segment names: good, missing, slow, cut, wrong, longer."""

    requests: list[str] = []

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


def assert_same_top1_except_near_ties(a: np.ndarray, b: np.ndarray, tolerance: float) -> int:
    """Two N x 1000 probability arrays of the same images agree within ``tolerance`` everywhere,
    and their top-1 classes differ only where ``a``'s two best classes are within 2 x ``tolerance``
    of each other (there, a difference the tolerance allows can swap them). Returns how many differ.

    This holds on any x86 CPU, where the order of floating-point operations (and so the last bits)
    depends on the instruction set and the number of threads.
    """
    np.testing.assert_allclose(a, b, atol=tolerance, rtol=0)
    top2 = np.sort(a, axis=1)[:, -2:]
    near_tie = top2[:, 1] - top2[:, 0] <= 2 * tolerance
    differ = a.argmax(axis=1) != b.argmax(axis=1)
    assert not (differ & ~near_tie).any(), f"top-1 differs without a near tie at {np.flatnonzero(differ & ~near_tie)}"
    return int(differ.sum())


CLIP_FRAMES = 12
CLIP_SIZE = (320, 240)  # width, height


def demo_clip(path, frames: int = CLIP_FRAMES):
    """A video of the demo photos in turn, written with OpenCV (.mp4: mp4v, .avi: MJPG)."""
    from helpers.demo_photos import demo_photos
    from helpers.images import load_image
    from helpers.stream import write_video

    return write_video(path, [load_image(p.path) for p in demo_photos()], frames, CLIP_SIZE)


def corrupt_mjpeg_frame(path, frame: int) -> None:
    """Damage one frame of an MJPG .avi in place: its JPEG start marker and first 2000 bytes zeroed, so that
    FFmpeg cannot decode that frame and decodes the others. (Markers are the only 0xFFD8 in JPEG data.)"""
    data = bytearray(path.read_bytes())
    starts = [i for i in range(len(data) - 1) if data[i] == 0xFF and data[i + 1] == 0xD8]
    assert len(starts) >= frame + 1, f"{path} holds {len(starts)} JPEG frames"
    data[starts[frame]:starts[frame] + 2000] = bytes(2000)
    path.write_bytes(bytes(data))
