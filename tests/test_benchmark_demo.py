"""helpers.benchmark.demo: the classification benchmark demo, in a notebook and as a command (also by its old name)."""
import runpy

import cv2
import numpy as np
import pytest

from helpers.benchmark.demo import TILE, main, run_classification_demo
from helpers.benchmark.measure import compile_for_benchmark
from helpers.datasets import read_dataset
from helpers.model_card import imagenet_classes
from helpers.plots import plot_classification_grid
from helpers.preprocess import load_and_crop_one


@pytest.fixture
def labelled_folder(tmp_path, prepared_ir):
    """Six random pictures named <synset>_<name>.JPEG; the first three labelled with the class
    the model predicts for them, the others with a different class."""
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


def test_a_time_limit_runs_the_images_again_until_it_is_spent(prepared_ir, labelled_folder):
    images = read_dataset(labelled_folder)
    state = run_classification_demo(prepared_ir["FP32"].xml, images, requests=2, seconds=1.0)
    assert state.total > len(images) and state.done == state.total and state.requests == 2
    assert state.seconds >= 1.0
    # Half of the images are labelled right, whichever pass: the count follows the labels, not the order.
    assert abs(state.correct - state.done / 2) <= len(images) / 2


def _renamed_with_ground_truth(folder, target):
    """The labelled images copied under plain names, and a ground-truth file of '<path> <class>' lines."""
    target.mkdir()
    lines = []
    for number, item in enumerate(read_dataset(folder)):
        copy = target / "images" / f"picture_{number}.png"
        copy.parent.mkdir(exist_ok=True)
        copy.write_bytes(item.path.read_bytes())
        lines.append(f"images/{copy.name} {item.label}")
    ground_truth = target / "gt.txt"
    ground_truth.write_text("\n".join(lines) + "\n")
    return ground_truth


def test_command_with_a_folder_and_with_a_ground_truth_file(prepared_ir, labelled_folder, tmp_path_factory, capsys):
    tmp_path = tmp_path_factory.mktemp("outputs")  # labelled_folder is the test's own tmp_path

    grid = tmp_path / "grid.png"
    assert main([str(labelled_folder), "--requests", "2", "--output", str(grid)]) == 0
    out = capsys.readouterr().out
    assert "top-1 accuracy 50.0 % (3 of 6 right)" in out and "AsyncInferQueue of 2" in out
    picture = cv2.imread(str(grid))
    assert picture is not None and picture.shape[0] > 50 and picture.shape[1] > 50
    assert "wrote the last grid (6 tiles)" in out

    ground_truth = _renamed_with_ground_truth(labelled_folder, tmp_path / "renamed")
    assert main(["--ground-truth", str(ground_truth)]) == 0
    assert "top-1 accuracy 50.0 % (3 of 6 right)" in capsys.readouterr().out
    # The images given, their labels looked up in the file by path.
    assert main([str(ground_truth.parent / "images"), "--ground-truth", str(ground_truth)]) == 0
    assert "(3 of 6 right)" in capsys.readouterr().out
    # With every label moved 500 classes on, none is right: the labels are the file's.
    ground_truth.write_text("\n".join(f"{line.split()[0]} {(int(line.split()[1]) + 500) % 1000}"
                                      for line in ground_truth.read_text().splitlines()))
    assert main(["--ground-truth", str(ground_truth)]) == 0
    assert "top-1 accuracy 0.0 % (0 of 6 right)" in capsys.readouterr().out


def test_command_errors_name_the_image(prepared_ir, labelled_folder, tmp_path_factory, capsys):
    tmp_path = tmp_path_factory.mktemp("outputs")

    ground_truth = _renamed_with_ground_truth(labelled_folder, tmp_path / "renamed")
    ground_truth.write_text(ground_truth.read_text() + "images/missing.jpg 3\n")
    assert main(["--ground-truth", str(ground_truth)]) == 1
    err = capsys.readouterr().err
    assert "1 image(s) named in" in err and "missing.jpg" in err and err.count("\n") == 1

    (ground_truth.parent / "images" / "extra.png").write_bytes(b"")
    assert main([str(ground_truth.parent / "images"), "--ground-truth", str(ground_truth)]) == 1
    assert "extra.png has no line in" in capsys.readouterr().err

    broken = labelled_folder / "n01440764_broken.png"
    broken.write_text("not an image")
    assert main([str(labelled_folder)]) == 1
    captured = capsys.readouterr()
    assert "n01440764_broken.png could not be decoded; skipped" in captured.err
    assert "(3 of 6 right)" in captured.out and "1 image(s) could not be decoded" in captured.out

    for arguments in (["--time", "0", str(labelled_folder)], ["--output", str(tmp_path / "grid.txt"), "x"]):
        with pytest.raises(SystemExit) as exit_status:
            main(arguments)
        assert exit_status.value.code == 2
    assert main([]) == 1 and "no images given" in capsys.readouterr().err


def test_the_old_command_name_runs_the_demo(monkeypatch, capsys):
    """``python -m helpers.benchmark_demo`` (the README's name) runs ``helpers.benchmark.demo``'s command."""
    monkeypatch.setattr("sys.argv", ["helpers.benchmark_demo"])
    with pytest.raises(SystemExit) as exited:
        runpy.run_module("helpers.benchmark_demo", run_name="__main__")
    assert exited.value.code == 1 and "no images given" in capsys.readouterr().err
