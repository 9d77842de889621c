"""The classification benchmark demo and the device notes."""
import cv2
import numpy as np
import pytest

from helpers.benchmark_demo import TILE, run_classification_demo
from helpers.benchmark_devices import device_problem, device_table
from helpers.datasets import read_dataset
from helpers.plots import plot_classification_grid


@pytest.fixture
def labelled_folder(tmp_path, prepared_ir):
    """Six random pictures named <synset>_<name>.JPEG; the first three labelled with the class
    the model predicts for them, the others with a different class."""
    from helpers.benchmark import compile_for_benchmark
    from helpers.model_card import imagenet_classes
    from helpers.preprocess import load_and_crop_one

    rng = np.random.default_rng(1)
    compiled = compile_for_benchmark(prepared_ir["FP32"].xml, hint="latency", input_type="u8")
    synsets = [c.synset for c in imagenet_classes()]
    for index in range(6):
        scratch = tmp_path / "scratch.png"
        cv2.imwrite(str(scratch), rng.integers(0, 256, (300, 260, 3), dtype=np.uint8))
        predicted = int(np.argmax(compiled(load_and_crop_one(scratch)[None])[0]))
        label = predicted if index < 3 else (predicted + 1) % len(synsets)
        scratch.rename(tmp_path / f"{synsets[label]}_{index}.png")
    return tmp_path


def test_demo_counts_right_and_wrong_and_fills_the_grid(prepared_ir, labelled_folder):
    images = read_dataset(labelled_folder)
    frames = []
    state = run_classification_demo(prepared_ir["FP32"].xml, images, grid_tiles=4, refresh=0.0,
                                    show=lambda s: frames.append((s.done, len(s.tiles))))
    assert state.done == state.total == 6 and state.correct == 3 and state.top1 == pytest.approx(50.0)
    assert len(state.tiles) == 4 and all(tile.shape == (TILE, TILE, 3) for tile, _ in state.tiles)
    assert state.images_per_second > 0
    assert frames[-1] == (6, 4) and len(frames) >= 2
    assert [done for done, _ in frames] == sorted(done for done, _ in frames)
    figure = plot_classification_grid(state, columns=2)
    assert "top-1 50.0 %" in figure.axes[0].get_title()


def test_device_notes():
    rows = {row["device"]: row for row in device_table()}
    assert rows["CPU"]["runs here"]
    for name, row in rows.items():
        assert row["what"], name
    assert "no device of that name" in device_problem("NOSUCHDEVICE")
    missing = device_problem("GPU", "Cannot load library 'x/libopenvino_intel_gpu_plugin.so': "
                                    "libOpenCL.so.1: cannot open shared object file: No such file or directory")
    assert "libOpenCL.so.1 is missing" in missing and "OpenCL" in missing
