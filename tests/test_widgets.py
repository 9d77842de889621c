import base64

from helpers.classify import Prediction
from helpers.demo_photos import demo_photo, demo_photos
from helpers.widgets import ClassifyWidget, device_options


def test_device_options_include_cpu_and_auto():
    options = device_options()
    assert "CPU" in options and options[-1] == "AUTO"


def test_widget_classifies_its_default_photo_at_once_and_follows_the_controls(prepared_ir):
    widget = ClassifyWidget(prepared_ir["FP32"].xml, demo_photos())
    assert widget.device.value == "CPU" and widget.top_k.value == 5
    assert len(widget.result) == 5 and all(isinstance(p, Prediction) for p in widget.result)
    chart = bytes(widget.chart.value)
    assert chart.startswith(b"\x89PNG") and widget.message.value == ""
    widget.top_k.value = 2
    assert bytes(widget.chart.value) != chart
    assert len(widget.result) == 2
    first = widget.result[0].name
    widget.photo.value = str(demo_photo("coffee").path)
    assert widget.result[0].name != first
    widget.device.value = "AUTO"
    assert len(widget.result) == 2 and set(widget._classifiers) == {"CPU", "AUTO"}


def test_uploads_join_the_picker_and_bad_ones_show_an_error(prepared_ir, monkeypatch):
    widget = ClassifyWidget(prepared_ir["FP32"].xml, demo_photos()[:1])
    classified = []
    real_refresh = widget.refresh
    monkeypatch.setattr(widget, "refresh", lambda: (classified.append(widget.photo.value), real_refresh())[1])
    png = demo_photo("chelsea").path.read_bytes()
    widget.add_upload([{"name": "my cat.png", "content": memoryview(png)}])
    assert classified == [widget.photo.value], "an upload is classified once, and only the upload"
    assert widget.photo.label == "uploaded: my cat.png"
    assert "cat" in " ".join(p.name for p in widget.result).lower()
    widget.add_upload([{"name": "notes.jpg", "content": memoryview(base64.b64encode(b"not an image"))}])
    assert isinstance(widget.result, str) and "notes.jpg" in widget.result
    assert str(widget._uploads) not in widget.message.value, "the upload is named, not its temporary folder"
    assert "Cannot classify this photo" in widget.message.value and widget.chart.layout.display == "none"
    widget.photo.value = str(demo_photos()[0].path)
    assert widget.message.value == "" and widget.chart.layout.display is None


def test_a_device_that_cannot_compile_shows_in_the_widget_not_in_a_log(prepared_ir):
    widget = ClassifyWidget(prepared_ir["FP32"].xml, demo_photos()[:2])
    widget.device.options = [*widget.device.options, "NOSUCHDEVICE"]
    widget.device.value = "NOSUCHDEVICE"  # the observer must not raise
    assert "Cannot run the model on NOSUCHDEVICE" in widget.message.value
    assert "could not compile the model for NOSUCHDEVICE" in widget.result
    assert widget.chart.layout.display == "none", "no stale chart beside the error"
    widget.device.value = "CPU"
    assert widget.message.value == "" and widget.chart.layout.display is None and len(widget.result) == 5


def test_any_other_error_is_shown_too(prepared_ir, monkeypatch):
    widget = ClassifyWidget(prepared_ir["FP32"].xml, demo_photos()[:2])
    monkeypatch.setattr(widget, "_chart_png", lambda path: 1 / 0)
    widget.top_k.value = 3
    assert "ZeroDivisionError: division by zero" in widget.message.value
    assert widget.chart.layout.display == "none"
