"""The stream pipeline: sources (images, folders, videos, cameras), the sync loop and the queue, output."""
import cv2
import numpy as np
import pytest

from helpers.classify import Classifier
from helpers.demo_photos import demo_photos
from helpers.errors import StreamError
from helpers.stream import (
    STAGES,
    FrameWriter,
    ImageFiles,
    VideoFile,
    annotate,
    open_source,
    open_window,
    run_stream,
    window_support,
)
from tests.support import CLIP_FRAMES, CLIP_SIZE, corrupt_mjpeg_frame, demo_clip

CORRUPT = 5  # the frame of the .avi that is damaged


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clips")
    mp4, avi = demo_clip(folder / "clip.mp4"), demo_clip(folder / "clip.avi")
    corrupt_mjpeg_frame(avi, CORRUPT)
    return {"mp4": mp4, "avi": avi}


@pytest.fixture(scope="module")
def ir(prepared_ir):
    return Classifier.from_ir(prepared_ir["FP32"].xml)


def collect(source, classifier, **options):
    results = []
    report = run_stream(source, classifier, on_result=results.append, **options)
    return results, report


def test_opencv_writes_and_reads_both_codecs(clips):
    for name, path in clips.items():
        video = open_source([path])
        assert isinstance(video, VideoFile) and video.size == CLIP_SIZE and video.frame_count == CLIP_FRAMES
        frames = list(video)
        assert [f.index for f in frames] == list(range(CLIP_FRAMES)), name
        broken = [f.index for f in frames if f.image is None]
        assert broken == ([CORRUPT] if name == "avi" else []), name
        assert all(f.image.shape == (CLIP_SIZE[1], CLIP_SIZE[0], 3) for f in frames if f.image is not None)


def test_a_frame_that_fails_to_decode_is_counted_not_fatal(clips, ir):
    for requests in (0, 4):
        results, report = collect(open_source([clips["avi"]]), ir, requests=requests, k=3)
        assert [r.index for r in results] == list(range(CLIP_FRAMES))
        assert results[CORRUPT].predictions is None and "could not be decoded" in results[CORRUPT].error
        assert report.classified == CLIP_FRAMES - 1 and report.failed == [f"frame {CORRUPT}"]
        assert f"1 could not be decoded (frame {CORRUPT})" in report.describe()


def test_the_queue_gives_the_synchronous_answers_in_input_order(clips, ir):
    sync, sync_report = collect(open_source([clips["mp4"]]), ir, requests=0)
    queued, queued_report = collect(open_source([clips["mp4"]]), ir, requests=4)
    assert [r.index for r in queued] == list(range(CLIP_FRAMES))
    for a, b in zip(sync, queued, strict=True):
        assert [p.index for p in a.predictions] == [p.index for p in b.predictions]
        np.testing.assert_allclose([p.probability for p in a.predictions], [p.probability for p in b.predictions],
                                   atol=1e-5)
    # The photos differ, so the frames' answers do too: the order is checked, not a constant.
    assert len({r.predictions[0].index for r in sync}) >= 3
    for report, mode in ((sync_report, "synchronous"), (queued_report, "AsyncInferQueue of 4")):
        assert report.mode == mode and report.fps > 0
        medians = report.median_ms()
        assert list(medians) == list(STAGES)
        assert all(medians[s] > 0 for s in ("decode", "preprocess", "infer", "postprocess"))
        assert len(report.stage_ms["infer"]) == CLIP_FRAMES
    # The queue decodes the next frame while a request infers; the synchronous loop never does.
    assert sync_report.decodes_overlapped == 0 and queued_report.decodes_overlapped >= CLIP_FRAMES // 2


def test_a_folder_gives_its_images_sorted_and_a_broken_one_is_reported(tmp_path, ir):
    photos = demo_photos()[:3]
    for number, photo in zip((3, 1, 2), photos, strict=True):
        (tmp_path / f"{number}_{photo.path.name}").write_bytes(photo.path.read_bytes())
    (tmp_path / "notes.txt").write_text("not an image")
    (tmp_path / "0_broken.jpg").write_text("not an image either")
    source = open_source([tmp_path])
    assert isinstance(source, ImageFiles) and source.skipped == 1 and "1 other file(s)" in source.describe()
    results, report = collect(source, ir, k=1)
    assert [r.name for r in results] == sorted(str(p) for p in tmp_path.glob("*_*"))
    assert results[0].predictions is None and "0_broken.jpg is not an image" in results[0].error
    assert report.classified == 3 and report.failed == [str(tmp_path / "0_broken.jpg")]


def test_limit_and_loop(ir):
    photos = [p.path for p in demo_photos()[:3]]
    results, report = collect(open_source(photos, loop=True), ir, limit=7)
    assert [r.name for r in results] == [str(p) for p in photos] * 2 + [str(photos[0])]
    assert report.classified == 7
    results, _ = collect(open_source(photos), ir, limit=2)
    assert len(results) == 2


def test_a_video_loops_until_the_limit(clips, ir):
    results, report = collect(open_source([clips["mp4"]], loop=True), ir, requests=2, limit=CLIP_FRAMES + 5)
    assert [r.index for r in results] == list(range(CLIP_FRAMES + 5))
    # The second pass shows the first pass's frames again: same answers.
    assert [r.predictions[0].index for r in results[CLIP_FRAMES:]] == \
           [r.predictions[0].index for r in results[:5]]


def test_bad_sources_fail_with_one_line(tmp_path):
    with pytest.raises(StreamError, match="camera 9 does not open") as raised:
        open_source(["9"])
    assert "\n" not in str(raised.value)
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "readme.txt").write_text("x")
    with pytest.raises(StreamError, match="holds no images"):
        open_source([tmp_path / "empty"])
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video at all" * 100)
    with pytest.raises(StreamError, match="junk.mp4 cannot be read as a video"):
        open_source([junk])
    with pytest.raises(StreamError, match="missing.avi: video not found"):
        open_source([tmp_path / "missing.avi"])
    with pytest.raises(StreamError, match="give one video"):
        open_source([junk, demo_photos()[0].path])


def test_annotated_frames_read_back_from_a_video_and_a_folder(tmp_path, clips, ir):
    for output in (tmp_path / "out.avi", tmp_path / "out.mp4", tmp_path / "frames"):
        writer = FrameWriter(output, fps=25)
        run_stream(open_source([clips["mp4"]]), ir, requests=2, draw=True,
                   on_result=lambda r, writer=writer: writer.write(r.annotated))
        writer.close()
        if output.suffix:
            capture = cv2.VideoCapture(str(output))
            assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == CLIP_FRAMES
            assert (int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)), int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))) \
                == CLIP_SIZE
            capture.release()
        else:
            files = sorted(output.iterdir())
            assert len(files) == CLIP_FRAMES and cv2.imread(str(files[0])).shape == (240, 320, 3)
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(StreamError, match="notes.txt is a file"):
        FrameWriter(tmp_path / "notes.txt")
    with pytest.raises(StreamError, match="does not exist"):
        FrameWriter(tmp_path / "nowhere" / "out.avi")


def test_annotate_draws_on_a_copy():
    from helpers.classify import Prediction

    frame = np.zeros((240, 320, 3), np.uint8)
    drawn = annotate(frame, [Prediction(1, "goldfish", 0.5)], fps=12.5)
    assert drawn.shape == frame.shape and drawn.any() and not frame.any()


def test_show_says_why_no_window_opens(monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert "no display" in window_support()
    with pytest.raises(StreamError, match="--show: there is no display.*use --output"):
        open_window()
    monkeypatch.setenv("DISPLAY", ":99")

    def no_gui(*args):
        raise cv2.error("The function is not implemented")

    monkeypatch.setattr(cv2, "namedWindow", no_gui)
    assert "no window support" in window_support()


def test_the_headless_opencv_installed_has_no_window():
    """The claim --show's message makes, checked on the OpenCV installed."""
    with pytest.raises(cv2.error, match="not implemented"):
        cv2.imshow("x", np.zeros((2, 2, 3), np.uint8))


def test_the_queue_needs_an_openvino_model(keras_model):
    with pytest.raises(StreamError, match="--requests 2: an AsyncInferQueue"):
        run_stream([], Classifier.from_keras(keras_model), requests=2)
