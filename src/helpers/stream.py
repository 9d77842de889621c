"""A classification stream, as Open Model Zoo's ``classification_demo`` runs one: frames from images,
a folder, a video file or a camera; decoded, preprocessed, inferred, post-processed (top-k) and drawn,
each stage timed.

- ``open_source(inputs)`` picks the source (``ImageFiles``, ``VideoFile``, ``Camera``); iterating one
  gives ``Frame`` objects in order, each with its decode time. A frame that cannot be decoded comes
  as a ``Frame`` with an ``error``, never as an exception mid-stream.
- ``run_stream(source, classifier, requests=...)`` runs the pipeline: ``requests=0`` is the plain
  synchronous loop (decode, then infer, then the next frame); ``requests=N`` keeps an
  ``AsyncInferQueue`` of N requests, so frame n+1 is decoded while frame n is inferred. Results come
  back through ``on_result`` in input order either way, and a ``StreamReport`` sums up FPS and the
  median time of each stage.
- ``annotate`` draws the top-k and the FPS on a frame; ``open_output`` writes annotated frames to a
  video (``.mp4``, ``.avi``) or a folder of images; ``open_window`` says clearly when OpenCV has no
  window support (``opencv-python-headless``) instead of failing mid-stream.
"""
from __future__ import annotations

import os
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import openvino as ov

from helpers.classify import Classifier, Prediction, top_k
from helpers.datasets import IMAGE_SUFFIXES
from helpers.errors import ImageLoadError, StreamError
from helpers.images import load_image

STAGES = ("decode", "preprocess", "infer", "postprocess", "draw")
VIDEO_SUFFIXES = {".mp4", ".avi", ".mov", ".mkv", ".webm", ".m4v", ".mpg", ".mpeg", ".wmv"}
# The codec written for each video suffix: both are in every opencv-python(-headless) wheel.
VIDEO_CODECS = {".mp4": "mp4v", ".avi": "MJPG"}
# A camera (or a video without a frame count) that fails this many reads in a row has ended.
MAX_FAILED_READS_IN_A_ROW = 5


@dataclass
class Frame:
    """One frame of a source: ``image`` is H x W x 3 uint8 BGR, or None with ``error`` saying why."""

    index: int  # position in the stream, from 0, failed frames included
    name: str  # the file as given, or "frame 12" for a video or camera
    image: np.ndarray | None
    decode_ms: float
    error: str | None = None


@contextmanager
def _opencv_quiet():
    """OpenCV's and FFmpeg's own messages off while a capture opens ("moov atom not found", "can't
    open camera by index"): FFmpeg writes them straight to file descriptor 2, and a capture that does
    not open becomes our one-line error instead."""
    level = cv2.utils.logging.getLogLevel()
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        cv2.utils.logging.setLogLevel(level)


# --- Sources -------------------------------------------------------------------------------------


class ImageFiles:
    """Image files in the order given (a folder contributes its images in sorted order)."""

    kind = "images"

    def __init__(self, paths: list[Path], loop: bool = False, skipped: int = 0):
        self.paths = list(paths)
        self.loop = loop
        self.skipped = skipped  # files of a folder that are not images by their suffix

    def describe(self) -> str:
        extra = f" ({self.skipped} other file(s) in the folder skipped)" if self.skipped else ""
        return f"{len(self.paths)} image file(s){extra}" + (", looped" if self.loop else "")

    def __iter__(self) -> Iterator[Frame]:
        index = 0
        while True:
            for path in self.paths:
                start = time.perf_counter()
                try:
                    image, error = load_image(path, "BGR"), None
                except ImageLoadError as problem:
                    image, error = None, str(problem)
                yield Frame(index, str(path), image, 1000 * (time.perf_counter() - start), error)
                index += 1
            if not self.loop:
                return


class _Capture:
    """What a video file and a camera share: reading frames from a ``cv2.VideoCapture``."""

    kind = "capture"
    loop = False

    def _open(self) -> cv2.VideoCapture:
        raise NotImplementedError

    def _frames_of_one_pass(self, first_index: int) -> Iterator[Frame]:
        capture = self._open()
        count = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))  # 0 or less when unknown (cameras)
        failed_in_a_row, attempt = 0, 0
        try:
            while True:
                start = time.perf_counter()
                ok, image = capture.read()
                decode_ms = 1000 * (time.perf_counter() - start)
                index = first_index + attempt
                attempt += 1
                if ok:
                    failed_in_a_row = 0
                    yield Frame(index, f"frame {index}", image, decode_ms)
                    continue
                # A failed read before the container's frame count is a frame that did not decode
                # (OpenCV moves on to the next one); after it, or too many in a row, the end.
                failed_in_a_row += 1
                if (count > 0 and attempt > count) or (count <= 0 and failed_in_a_row >= MAX_FAILED_READS_IN_A_ROW):
                    return
                if count > 0 or failed_in_a_row == 1:
                    yield Frame(index, f"frame {index}", None, decode_ms, "the frame could not be decoded")
        finally:
            capture.release()

    def __iter__(self) -> Iterator[Frame]:
        index = 0
        while True:
            decoded = 0
            for frame in self._frames_of_one_pass(index):
                decoded += frame.image is not None
                index = frame.index + 1
                yield frame
            if not self.loop or decoded == 0:  # a pass with no frame would loop forever
                return


class VideoFile(_Capture):
    """The frames of a video file, decoded by OpenCV's FFmpeg backend."""

    kind = "video"

    def __init__(self, path: Path, loop: bool = False):
        self.path = Path(path)
        self.loop = loop
        capture = self._open()  # fail now, with one line, rather than mid-stream
        self.frame_count = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
        self.fps = capture.get(cv2.CAP_PROP_FPS) or 0.0
        self.size = (int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)), int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)))
        capture.release()

    def _open(self) -> cv2.VideoCapture:
        if not self.path.is_file():
            raise StreamError(f"{self.path}: video not found; check the path.")
        with _opencv_quiet():
            capture = cv2.VideoCapture(str(self.path))
        if not capture.isOpened():
            raise StreamError(f"{self.path} cannot be read as a video (OpenCV's FFmpeg found no stream it decodes); "
                              f"check the file, or convert it to MP4 (H.264 or MPEG-4) or MJPG AVI.")
        return capture

    def describe(self) -> str:
        width, height = self.size
        return (f"video {self.path.name}: {self.frame_count} frames, {width}x{height}, {self.fps:g} fps"
                + (", looped" if self.loop else ""))


class Camera(_Capture):
    """A camera by its index (0 is the first), read until it stops or the limit."""

    kind = "camera"

    def __init__(self, index: int):
        self.index = index
        self.fps = 0.0
        self._open().release()  # fail now if there is no such camera

    def _open(self) -> cv2.VideoCapture:
        with _opencv_quiet():
            capture = cv2.VideoCapture(self.index)
        if not capture.isOpened():
            raise StreamError(f"camera {self.index} does not open: there is no such camera, or another program uses "
                              f"it; check `ls /dev/video*`, or give a video file or images instead.")
        return capture

    def describe(self) -> str:
        return f"camera {self.index}"


def open_source(inputs: list[str | Path], loop: bool = False) -> ImageFiles | VideoFile | Camera:
    """The source that ``inputs`` name: one camera index ("0"), one video file (by its suffix, see
    VIDEO_SUFFIXES), or image files and folders (a folder gives its image files, sorted by name).

    Raises ``StreamError`` (one line) for a missing path, a folder without images, a video that does
    not open, a camera that does not open, or a video mixed with other inputs.
    """
    inputs = [str(item) for item in inputs]
    if not inputs:
        raise StreamError("no input given: name image files, a folder, a video file or a camera index.")
    if len(inputs) == 1 and inputs[0].isdecimal() and not Path(inputs[0]).exists():
        return Camera(int(inputs[0]))
    videos = [item for item in inputs if Path(item).suffix.lower() in VIDEO_SUFFIXES]
    if videos:
        if len(inputs) > 1:
            raise StreamError(f"{videos[0]} is a video: give one video (or camera) alone, or images and folders.")
        return VideoFile(Path(videos[0]), loop)
    paths, skipped = [], 0
    for item in map(Path, inputs):
        if item.is_dir():
            files = sorted(p for p in item.iterdir() if p.is_file())
            images = [p for p in files if p.suffix.lower() in IMAGE_SUFFIXES]
            if not images:
                raise StreamError(f"{item} holds no images ({', '.join(sorted(IMAGE_SUFFIXES))}); "
                                  f"give a folder of images, image files or a video.")
            paths += images
            skipped += len(files) - len(images)
        else:
            paths.append(item)  # a missing or broken file becomes a frame with an error, in order
    return ImageFiles(paths, loop, skipped)


# --- Drawing, output and the window ------------------------------------------------------------


def annotate(image: np.ndarray, predictions: list[Prediction], fps: float | None = None) -> np.ndarray:
    """A copy of the BGR frame with the top-k (probability and name) and the FPS drawn at its top left."""
    canvas = image.copy()
    scale = max(0.4, min(canvas.shape[:2]) / 600)
    line = int(28 * scale)
    texts = [f"{100 * p.probability:5.1f}% {p.name}" for p in predictions]
    if fps is not None:
        texts.append(f"{fps:.1f} FPS")
    for row, text in enumerate(texts, start=1):
        origin = (int(10 * scale), row * line)
        cv2.putText(canvas, text, origin, cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), max(2, int(4 * scale)),
                    cv2.LINE_AA)  # a dark outline keeps the text readable on any picture
        cv2.putText(canvas, text, origin, cv2.FONT_HERSHEY_SIMPLEX, scale, (255, 255, 255), max(1, int(2 * scale)),
                    cv2.LINE_AA)
    return canvas


class FrameWriter:
    """Annotated frames to a video file (its size: the first frame's; others are resized to it) or to
    a folder of numbered JPEG files. ``close`` finishes the video."""

    def __init__(self, path: Path, fps: float = 25.0):
        self.path = Path(path)
        self.fps = fps if fps and fps > 0 else 25.0
        self.frames = 0
        self._video: cv2.VideoWriter | None = None
        self.is_video = self.path.suffix.lower() in VIDEO_SUFFIXES
        if self.is_video:
            if self.path.suffix.lower() not in VIDEO_CODECS:
                raise StreamError(f"--output {self.path}: write {' or '.join(sorted(VIDEO_CODECS))} videos "
                                  f"(or name a folder for images).")
            if not self.path.parent.is_dir():
                raise StreamError(f"--output {self.path}: the folder {self.path.parent} does not exist; create it.")
        else:
            if self.path.exists() and not self.path.is_dir():
                raise StreamError(f"--output {self.path} is a file, not a video (.mp4, .avi) or a folder; "
                                  f"choose another name.")
            self.path.mkdir(parents=True, exist_ok=True)

    def write(self, image: np.ndarray) -> None:
        if not self.is_video:
            target = self.path / f"frame_{self.frames:06d}.jpg"
            if not cv2.imwrite(str(target), image):
                raise StreamError(f"--output: cannot write {target}; check the folder's permissions and free space.")
            self.frames += 1
            return
        if self._video is None:
            height, width = image.shape[:2]
            self._size = (width, height)
            fourcc = cv2.VideoWriter_fourcc(*VIDEO_CODECS[self.path.suffix.lower()])
            self._video = cv2.VideoWriter(str(self.path), fourcc, self.fps, self._size)
            if not self._video.isOpened():
                raise StreamError(f"--output {self.path}: OpenCV cannot write this video; try a .avi (MJPG) file.")
        if (image.shape[1], image.shape[0]) != self._size:
            image = cv2.resize(image, self._size, interpolation=cv2.INTER_AREA)
        self._video.write(image)
        self.frames += 1

    def close(self) -> None:
        if self._video is not None:
            self._video.release()
            self._video = None


def window_support() -> str | None:
    """None when OpenCV can open a window here, else why not (one sentence)."""
    if os.name == "posix" and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) \
            and not os.uname().sysname == "Darwin":
        return "there is no display here (DISPLAY is not set)"
    try:
        cv2.namedWindow("helpers.classify", cv2.WINDOW_NORMAL)
        cv2.destroyWindow("helpers.classify")
    except cv2.error:
        return ("this OpenCV has no window support (opencv-python-headless, the package this project installs, "
                "has none)")
    return None


def open_window() -> Callable[[np.ndarray], bool]:
    """A function that shows a frame and returns False when the user pressed Esc or q. Raises
    ``StreamError`` where no window can open, saying why and what to use instead."""
    problem = window_support()
    if problem:
        raise StreamError(f"--show: {problem}; use --output FILE to save the annotated frames instead.")

    def show(image: np.ndarray) -> bool:
        cv2.imshow("helpers.classify", image)
        return cv2.waitKey(1) & 0xFF not in (27, ord("q"))

    return show


# --- The pipeline ------------------------------------------------------------------------------


@dataclass
class FrameResult:
    """One frame's outcome, in input order: the top-k, or the reason it has none."""

    index: int
    name: str
    predictions: list[Prediction] | None
    error: str | None = None
    annotated: np.ndarray | None = None  # the drawn frame, when drawing was asked for


@dataclass
class StreamReport:
    """What a run did: counts, wall time and each stage's times (ms per frame)."""

    mode: str  # "synchronous" or "AsyncInferQueue of N"
    classified: int = 0
    failed: list[str] = field(default_factory=list)  # names of frames that did not decode
    seconds: float = 0.0
    stage_ms: dict[str, list[float]] = field(default_factory=lambda: {stage: [] for stage in STAGES})
    # Frames after which the next decode began with a request still inferring: the overlap the queue is
    # for (always 0 for the synchronous loop, where nothing is in flight while the next frame decodes).
    decodes_overlapped: int = 0

    @property
    def fps(self) -> float:
        """Frames classified per second of wall time, every stage included."""
        return self.classified / self.seconds if self.seconds else 0.0

    def median_ms(self) -> dict[str, float]:
        """The median time of each stage (ms per frame; 0 for a stage that did not run)."""
        return {stage: statistics.median(times) if times else 0.0 for stage, times in self.stage_ms.items()}

    def describe(self) -> str:
        """The closing report, as Open Model Zoo's demos print it: FPS, then each stage's median."""
        failed = ""
        if self.failed:
            shown = ", ".join(self.failed[:5]) + (", ..." if len(self.failed) > 5 else "")
            failed = f"; {len(self.failed)} could not be decoded ({shown})"
        stages = " · ".join(f"{stage} {ms:.2f}" for stage, ms in self.median_ms().items())
        return (f"{self.classified} frame(s) classified in {self.seconds:.2f} s: {self.fps:.1f} FPS ({self.mode})"
                f"{failed}\nmedian latency per stage (ms): {stages}")


def run_stream(source, classifier: Classifier, requests: int = 0, k: int = 5, limit: int | None = None,
               on_result: Callable[[FrameResult], bool | None] | None = None, draw: bool = False) -> StreamReport:
    """Classify the frames of ``source`` (an iterable of ``Frame``) with ``classifier``.

    ``requests=0``: one synchronous request, each frame decoded, preprocessed and inferred in turn.
    ``requests=N``: an ``AsyncInferQueue`` of N requests (IR classifiers only): ``start_async`` returns
    at once, so the next frame is decoded while this one is inferred. ``limit`` stops after that many
    frames (failed ones included). ``on_result`` gets each ``FrameResult`` in input order (with the
    annotated frame when ``draw``); it may return False to stop. The "infer" stage is the
    request's own inference time (``InferRequest.latency``), without any wait for a free request.
    """
    if requests and classifier.compiled_model is None:
        raise StreamError(f"--requests {requests}: an AsyncInferQueue needs an OpenVINO model; use --model ir, "
                          f"or --requests 0 for the synchronous loop.")
    report = StreamReport("synchronous" if not requests else f"AsyncInferQueue of {requests}")
    finished: dict[int, tuple] = {}  # sequence number -> (frame, probabilities or None, infer ms)
    lock = threading.Lock()
    next_to_emit = 0
    stopped = False
    start = time.perf_counter()

    def emit_ready() -> None:
        nonlocal next_to_emit, stopped
        while True:
            with lock:
                entry = finished.pop(next_to_emit, None)
            if entry is None:
                return
            next_to_emit += 1
            frame, probabilities, infer_ms = entry
            if probabilities is None:
                result = FrameResult(frame.index, frame.name, None, frame.error)
                report.failed.append(frame.name)
            else:
                report.stage_ms["infer"].append(infer_ms)
                begin = time.perf_counter()
                predictions = top_k(probabilities, k)
                report.stage_ms["postprocess"].append(1000 * (time.perf_counter() - begin))
                report.classified += 1
                report.seconds = time.perf_counter() - start
            begin = time.perf_counter()  # drawing, then what on_result does with it (write, show, print)
            if probabilities is not None:
                annotated = annotate(frame.image, predictions, report.fps) if draw else None
                result = FrameResult(frame.index, frame.name, predictions, annotated=annotated)
            if on_result is not None and on_result(result) is False:
                stopped = True
            if probabilities is not None and (draw or on_result is not None):
                report.stage_ms["draw"].append(1000 * (time.perf_counter() - begin))
            if stopped:
                return

    queue = request = None
    if requests:
        queue = ov.AsyncInferQueue(classifier.compiled_model, requests)

        def done(finished_request: ov.InferRequest, sequence: int) -> None:
            output = finished_request.get_output_tensor(0).data[0].copy()
            with lock:  # latency: the request's own inference time, without its wait for a free request
                finished[sequence] = (frames_in_flight.pop(sequence), output, finished_request.latency)

        frames_in_flight: dict[int, Frame] = {}
        queue.set_callback(done)
    elif classifier.compiled_model is not None:
        request = classifier.compiled_model.create_infer_request()

    sequence = 0
    for frame in source:
        if stopped or (limit is not None and sequence >= limit):
            break
        report.stage_ms["decode"].append(frame.decode_ms)
        if frame.image is None:
            with lock:
                finished[sequence] = (frame, None, 0.0)
        else:
            begin = time.perf_counter()
            model_input = classifier.prepare([frame.image], "BGR")
            report.stage_ms["preprocess"].append(1000 * (time.perf_counter() - begin))
            if queue is not None:
                with lock:
                    frames_in_flight[sequence] = frame
                queue.start_async({0: model_input}, userdata=sequence)
                with lock:  # the loop now goes on to decode the next frame: is a request still at work?
                    report.decodes_overlapped += bool(frames_in_flight)
            else:
                begin = time.perf_counter()
                if request is not None:
                    probabilities, infer_ms = request.infer({0: model_input})[0][0], request.latency
                else:
                    probabilities = classifier.predict_batch(model_input)[0]
                    infer_ms = 1000 * (time.perf_counter() - begin)
                with lock:
                    finished[sequence] = (frame, probabilities, infer_ms)
        sequence += 1
        emit_ready()
    if queue is not None:
        queue.wait_all()
    emit_ready()
    report.seconds = time.perf_counter() - start
    return report


def write_video(path: Path, images_bgr: list[np.ndarray], frames: int, size: tuple[int, int] = (640, 480),
                fps: float = 25.0) -> Path:
    """A video of ``frames`` frames at ``size`` (width, height) that shows ``images_bgr`` (H x W x 3
    uint8 BGR) in turn, each resized to fill the frame: a test clip made from photos, nothing downloaded.
    The codec follows the suffix (VIDEO_CODECS: .mp4 MPEG-4 Part 2, .avi Motion JPEG)."""
    path = Path(path)
    codec = VIDEO_CODECS.get(path.suffix.lower())
    if codec is None:
        raise StreamError(f"{path}: write a video named {' or '.join(sorted(VIDEO_CODECS))}.")
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*codec), fps, size)
    if not writer.isOpened():
        raise StreamError(f"{path}: OpenCV cannot write a {codec} video here; try another suffix.")
    try:
        for index in range(frames):
            writer.write(cv2.resize(images_bgr[index % len(images_bgr)], size, interpolation=cv2.INTER_AREA))
    finally:
        writer.release()
    return path
