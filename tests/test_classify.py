import numpy as np
import pytest

from helpers.classify import Classifier, top_k
from helpers.cli.classify import main
from helpers.demo_photos import demo_photo, demo_photos
from helpers.errors import ImageLoadError
from helpers.images import load_image


def test_demo_photos_ship_with_the_dependencies_and_name_their_licence():
    photos = demo_photos()
    assert len(photos) >= 5 and photos[0].name == "grace_hopper"
    for photo in photos:
        assert photo.path.is_file(), photo
        assert photo.licence in {"public domain", "CC0"} and photo.source
        assert load_image(photo.path).shape[2] == 3
    with pytest.raises(KeyError, match="no demo photo 'dog'"):
        demo_photo("dog")


def test_both_models_agree_whatever_order_the_caller_has(prepared_ir, keras_model):
    ir = Classifier.from_ir(prepared_ir["FP32"].xml)
    original = Classifier.from_keras(keras_model)
    assert (ir.color_order, original.color_order) == ("BGR", "RGB")
    path = demo_photo("coffee").path
    rgb = load_image(path, "RGB")
    results = [ir.predict([path]), ir.predict([rgb], "RGB"), ir.predict([rgb[..., ::-1].copy()], "BGR"),
               original.predict([path]), original.predict([rgb], "RGB")]
    for probabilities in results[1:]:
        np.testing.assert_allclose(probabilities, results[0], atol=1e-4)
    top = ir.classify([path], k=3)[0]
    assert len(top) == 3 and top[0].probability >= top[1].probability >= top[2].probability
    assert ir.compiled_model is not None and original.keras_model is keras_model


def test_bad_inputs_get_clear_errors(prepared_ir, tmp_path):
    ir = Classifier.from_ir(prepared_ir["FP32"].xml)
    with pytest.raises(ImageLoadError, match="not found"):
        ir.classify([tmp_path / "missing.jpg"])
    with pytest.raises(ValueError, match="H x W x 3 uint8"):
        ir.classify([np.zeros((10, 10), np.uint8)])


def test_command_line_prints_top_k_for_each_image(prepared_ir, weights, capsys):
    assert main([str(demo_photo("grace_hopper").path), str(demo_photo("coffee").path), "--top", "3"]) == 0
    out = capsys.readouterr().out
    assert "grace_hopper.jpg\n  1." in out and "coffee.png\n  1." in out
    ranked = [line for line in out.splitlines() if line.startswith("  ")]
    assert [line.split()[0] for line in ranked] == ["1.", "2.", "3."] * 2
    probabilities = [float(line.split()[-2]) for line in ranked[:3]]
    assert all(line.endswith(" %") for line in ranked) and probabilities == sorted(probabilities, reverse=True)
    # The first line names the model and says which weights were used, official or not.
    first = out.splitlines()[0]
    assert first.startswith(f"model: OpenVINO FP32 on CPU (f32); weights: {weights.path.name} "
                            f"(sha384 {weights.sha384[:16]}…), ")
    assert first.endswith("the official file" if weights.is_official else "accuracy will differ from the card's")


def test_command_line_names_a_bad_path_and_a_non_image(prepared_ir, tmp_path, capsys):
    text = tmp_path / "notes.jpg"
    text.write_text("hello")
    assert main([str(tmp_path / "missing.png"), str(text), str(demo_photo("coffee").path)]) == 1
    captured = capsys.readouterr()
    assert "missing.png" in captured.err and "not found" in captured.err
    assert "notes.jpg is not an image" in captured.err
    assert "coffee.png\n  1." in captured.out


def test_command_line_runs_the_keras_model_too(prepared_ir, capsys):
    assert main([str(demo_photo("coffee").path), "--model", "keras", "--top", "1"]) == 0
    assert "model: Keras (TensorFlow)" in capsys.readouterr().out


def _names_in_order(out: str) -> list[str]:
    return [line for line in out.splitlines() if line and not line.startswith((" ", "model:", "input:", "median"))
            and "classified in" not in line and not line.startswith("wrote")]


def test_command_line_keeps_input_order_with_a_queue_of_4(prepared_ir, capsys):
    photos = [str(p.path) for p in demo_photos()] * 2
    assert main(photos + ["--requests", "4", "--top", "1"]) == 0
    queued = capsys.readouterr().out
    assert _names_in_order(queued) == photos
    assert main(photos + ["--requests", "0", "--top", "1"]) == 0
    synchronous = capsys.readouterr().out
    top1 = [line.split()[1] for line in queued.splitlines() if line.startswith("  1.")]
    assert top1 == [line.split()[1] for line in synchronous.splitlines() if line.startswith("  1.")]
    assert "(AsyncInferQueue of 4)" in queued and "(synchronous)" in synchronous
    report = queued.splitlines()[-1]
    assert report.startswith("median latency per stage (ms): decode ")
    assert all(stage in report for stage in ("preprocess", "infer", "postprocess", "draw"))


def test_command_line_on_a_video_writes_the_annotated_frames(prepared_ir, tmp_path, capsys):
    import cv2

    from tests.support import CLIP_FRAMES, CLIP_SIZE, corrupt_mjpeg_frame, demo_clip

    clip = demo_clip(tmp_path / "clip.avi")
    corrupt_mjpeg_frame(clip, 3)
    output = tmp_path / "annotated.mp4"
    assert main([str(clip), "--output", str(output), "--quiet"]) == 1  # one frame failed
    captured = capsys.readouterr()
    assert captured.err.strip() == "error: frame 3: the frame could not be decoded"
    assert f"{CLIP_FRAMES - 1} frame(s) classified" in captured.out and "1 could not be decoded" in captured.out
    assert f"wrote {CLIP_FRAMES - 1} annotated frame(s)" in captured.out
    capture = cv2.VideoCapture(str(output))
    size = (int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)), int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)))
    assert (int(capture.get(cv2.CAP_PROP_FRAME_COUNT)), size) == (CLIP_FRAMES - 1, CLIP_SIZE)
    ok, first = capture.read()
    capture.release()
    source_capture = cv2.VideoCapture(str(clip))
    _, original = source_capture.read()
    source_capture.release()
    # The top-left corner carries the drawn labels; the original frame there is different.
    assert ok and np.abs(first[:60, :160].astype(int) - original[:60, :160]).mean() > 5


def test_command_line_loop_is_bounded_by_limit(prepared_ir, tmp_path, capsys):
    from tests.support import demo_clip

    clip = demo_clip(tmp_path / "clip.mp4")
    frames = tmp_path / "frames"
    assert main([str(clip), "--loop", "--limit", "20", "--output", str(frames), "--top", "1"]) == 0
    out = capsys.readouterr().out
    assert "looped" in out and "20 frame(s) classified" in out
    assert _names_in_order(out) == [f"frame {i}" for i in range(20)]
    assert len(list(frames.glob("frame_*.jpg"))) == 20


def test_command_line_bad_sources_get_one_line(prepared_ir, tmp_path, capsys, monkeypatch):
    (tmp_path / "notes.txt").write_text("x")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    cases = {("9",): "error: camera 9 does not open",
             (str(tmp_path),): f"error: {tmp_path} holds no images",
             (str(tmp_path / "notes.txt"), "--output", str(tmp_path / "notes.txt")): "is a file, not a video",
             (str(demo_photo("coffee").path), "--show"): "error: --show: there is no display",
             (str(demo_photo("coffee").path), "--model", "keras", "--requests", "2"): "runs OpenVINO models only"}
    for arguments, message in cases.items():
        assert main(list(arguments)) == 1, arguments
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1, (arguments, err)


def test_top_k_is_sorted_and_named():
    probabilities = np.zeros(1000, np.float32)
    probabilities[[0, 652, 999]] = [0.2, 0.5, 0.3]
    best = top_k(probabilities[None], k=3)
    assert [(p.index, p.name) for p in best] == [(652, "military uniform"), (999, "toilet tissue"), (0, "tench")]
    assert best[0].probability == pytest.approx(0.5)
    with pytest.raises(ValueError, match="expected 1000"):
        top_k(np.ones(10))
