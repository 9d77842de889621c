"""Open Model Zoo's Classification Benchmark Demo, in a notebook and as a command: labelled images
classified asynchronously, shown as a grid that fills as results arrive, each tile marked right or
wrong, with the running top-1 accuracy and images per second.

    python -m helpers.benchmark.demo [FOLDER | IMAGE ...] [--ground-truth FILE] [--time SECONDS]
                                      [--requests N] [--precision FP32] [--device CPU] [--output FILE.png]

The work is split the usual way: ``run_classification_demo`` decodes, infers and counts (tested
without a display); it calls ``show(state)`` from the main thread every ``refresh`` seconds and
once at the end, and ``helpers.plots.plot_classification_grid`` draws a state.
(``python -m helpers.benchmark_demo``, the older name, runs the same command.)
"""
from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import openvino as ov

from helpers import cli
from helpers.benchmark.measure import compile_for_benchmark
from helpers.convert import CLI_PRECISIONS
from helpers.datasets import (
    IMAGE_SUFFIXES,
    LabeledImage,
    read_dataset,
    read_ground_truth_file,
    read_synset_named_file,
)
from helpers.errors import DatasetError, ImageLoadError, TutorialError
from helpers.prepare import ir_for_command
from helpers.preprocess import load_and_crop_one

TILE = 72  # pixels per tile side in the grid (a 224 x 224 crop, shrunk)


@dataclass
class DemoState:
    """What the demo has seen so far. ``tiles`` are the latest results, newest last: (thumbnail
    RGB uint8 TILE x TILE x 3, right or wrong); ``tile`` is that side, TILE pixels, for the drawing."""

    total: int
    done: int = 0
    correct: int = 0
    seconds: float = 0.0
    tiles: list[tuple[np.ndarray, bool]] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # images that could not be decoded, skipped
    requests: int = 0  # the AsyncInferQueue's size
    tile: int = TILE  # pixels per thumbnail side

    @property
    def top1(self) -> float:
        """Running top-1 accuracy (%) of the images classified so far."""
        return 100 * self.correct / self.done if self.done else 0.0

    @property
    def images_per_second(self) -> float:
        """Images classified per second so far, decoding included (the whole pipeline)."""
        return self.done / self.seconds if self.seconds else 0.0


def _thumbnail(crop_bgr: np.ndarray) -> np.ndarray:
    return cv2.resize(crop_bgr, (TILE, TILE), interpolation=cv2.INTER_AREA)[..., ::-1].copy()


def run_classification_demo(xml: Path | str, images: list[LabeledImage], device: str = "CPU", grid_tiles: int = 32,
                            refresh: float = 0.5, show: Callable[[DemoState], None] | None = None,
                            requests: int = 0, seconds: float | None = None) -> DemoState:
    """Classify ``images`` with an ``AsyncInferQueue`` of ``requests`` (0: as many as the device
    asks for) on ``device`` (throughput hint, u8 BGR input: the 224 x 224 crop as decoded), and
    keep the last ``grid_tiles`` results.

    Without ``seconds``, each image once; with it, the images in turn, again and again, until that
    many seconds have passed (as the OMZ demo's ``-time``); ``state.total`` then counts submissions.
    Each image is decoded and cropped by Open Model Zoo's protocol (BGR, resize 256, centre crop
    224) on the main thread while earlier ones are inferred; one that cannot be decoded is skipped
    and named in ``state.failed``. The queue's callback records each result on OpenVINO's thread,
    and the main thread turns results into tiles and calls ``show``.
    """
    compiled = compile_for_benchmark(xml, device, "throughput", input_type="u8")
    queue = ov.AsyncInferQueue(compiled, requests)
    finished: list[tuple[int, int]] = []  # (submission number, predicted class), appended by the callback
    lock = threading.Lock()

    def record(request: ov.InferRequest, sequence: int) -> None:
        predicted = int(np.argmax(request.get_output_tensor(0).data[0]))
        with lock:
            finished.append((sequence, predicted))

    queue.set_callback(record)
    state = DemoState(total=len(images), requests=len(queue))
    pending: dict[int, tuple[np.ndarray, int]] = {}  # submission number -> (thumbnail, true label)
    taken = 0
    start = last_shown = time.perf_counter()

    def collect() -> None:
        nonlocal taken
        with lock:
            new, taken = finished[taken:], len(finished)
        for number, predicted in new:
            thumbnail, label = pending.pop(number)
            right = predicted == label
            state.done += 1
            state.correct += right
            state.tiles = (state.tiles + [(thumbnail, right)])[-grid_tiles:]
        state.seconds = time.perf_counter() - start
        if seconds is not None:
            state.total = sequence

    def submissions():
        while True:
            yield from images
            if seconds is None or time.perf_counter() - start >= seconds or not images:
                return

    sequence = 0
    for item in submissions():
        if seconds is not None and sequence and time.perf_counter() - start >= seconds:
            break
        try:
            crop = load_and_crop_one(item.path)
        except ImageLoadError:
            if str(item.path) not in state.failed:
                state.failed.append(str(item.path))
            if len(state.failed) == len(images):
                break  # nothing decodes: a time limit would loop forever
            continue
        pending[sequence] = (_thumbnail(crop), item.label)
        queue.start_async({0: crop[None]}, userdata=sequence)
        sequence += 1
        if show is not None and time.perf_counter() - last_shown >= refresh:
            collect()
            show(state)
            last_shown = time.perf_counter()
    queue.wait_all()
    collect()
    if show is not None:
        show(state)
    return state


def describe(state: DemoState) -> str:
    """The closing line: accuracy over the images classified, and the pipeline's speed."""
    failed = f"; {len(state.failed)} image(s) could not be decoded, skipped" if state.failed else ""
    return (f"top-1 accuracy {state.top1:.1f} % ({state.correct} of {state.done} right) · "
            f"{state.images_per_second:.1f} images/s (decoding included) over {state.seconds:.1f} s, "
            f"AsyncInferQueue of {state.requests}{failed}")


def labelled_inputs(inputs: list[Path], ground_truth: Path | None = None) -> list[LabeledImage]:
    """The images to run and their labels: from ``ground_truth`` (``<image path> <class index>``
    lines, Open Model Zoo's ``-gt`` format) when given, else as ``helpers.datasets`` reads them (a
    folder in any layout it knows; image files named ``<synset>_<name>``)."""
    if not inputs and ground_truth is None:
        raise DatasetError("no images given: name a folder of labelled images, image files, or --ground-truth FILE.")
    folders = [path for path in inputs if path.is_dir()]
    files = [path for path in inputs if not path.is_dir()]
    if ground_truth is not None:
        if not inputs:
            return read_ground_truth_file(ground_truth)
        listed = [p for folder in folders for p in sorted(folder.iterdir()) if p.suffix.lower() in IMAGE_SUFFIXES]
        return read_ground_truth_file(ground_truth, listed + files)
    items = [item for folder in folders for item in read_dataset(folder)]
    return items + [read_synset_named_file(path) for path in files]


def build_parser() -> cli.ArgumentParser:
    parser = cli.ArgumentParser(
        prog="python -m helpers.benchmark.demo",
        description="Open Model Zoo's classification benchmark demo: labelled images classified by an "
                    "AsyncInferQueue, accuracy and speed reported, the last grid of results saved.")
    parser.add_argument("inputs", nargs="*", type=Path, metavar="INPUT",
                        help="a folder of labelled images (any layout helpers.datasets reads) or image files; "
                             "with --ground-truth, optional")
    parser.add_argument("--ground-truth", type=Path, default=None, metavar="FILE",
                        help="'<image path> <class index>' lines (OMZ's -gt file; paths relative to the file)")
    parser.add_argument("--time", type=float, default=None, metavar="SECONDS",
                        help="run the images again and again for this long (default: each image once)")
    parser.add_argument("--requests", type=cli.whole_number(0), default=0, metavar="N",
                        help="requests in the AsyncInferQueue (default 0: as many as the device asks for)")
    parser.add_argument("--precision", choices=CLI_PRECISIONS, default="FP32", help="which IR (default FP32)")
    parser.add_argument("--device", default="CPU", help="OpenVINO device (default CPU)")
    parser.add_argument("--grid", type=cli.positive_int, default=32, metavar="N", help="tiles in the grid (default 32)")
    parser.add_argument("--output", type=Path, default=None, metavar="FILE.png",
                        help="save the last grid as an image (.png, .jpg, .svg or .pdf)")
    return parser


GRID_SUFFIXES = (".png", ".jpg", ".jpeg", ".svg", ".pdf")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.time is not None and not args.time > 0:
        parser.error(f"--time must be more than 0 seconds, not {args.time:g}")
    if args.output is not None and args.output.suffix.lower() not in GRID_SUFFIXES:
        parser.error(f"--output {args.output}: name a {', '.join(GRID_SUFFIXES)} file")
    return cli.run(lambda: _command(args))


def _command(args) -> int:
    """The images and labels first, the output's folder, then the model, the run, the report."""
    images = labelled_inputs(args.inputs, args.ground_truth)
    if args.output is not None and not args.output.parent.is_dir():
        raise TutorialError(f"--output {args.output}: the folder {args.output.parent} does not exist; create it.")
    xml, weights = ir_for_command(args.precision)
    print(f"model: OpenVINO {args.precision} on {args.device}; {weights.describe()}")
    print(f"images: {len(images)} labelled" + (f", for {args.time:g} s" if args.time is not None else ", each once"))
    state = run_classification_demo(xml, images, args.device, grid_tiles=args.grid, requests=args.requests,
                                    seconds=args.time)
    for path in state.failed:
        print(f"error: {path} could not be decoded; skipped", file=sys.stderr)
    print(describe(state))
    if args.output is not None:
        # Here, not at the top: the backend must be chosen before pyplot loads, and only --output draws.
        import matplotlib

        matplotlib.use("Agg")  # a file, no window: works without a display
        from helpers.plots import plot_classification_grid

        plot_classification_grid(state, columns=min(8, max(1, len(state.tiles)))).savefig(args.output, dpi=100)
        print(f"wrote the last grid ({len(state.tiles)} tiles) to {args.output}")
    return 1 if state.failed or not state.done else 0


if __name__ == "__main__":
    sys.exit(main())
