"""Widgets for the lessons: a device dropdown, an image picker with upload, a top-k slider.

Defaults make a notebook run unattended: the widget classifies its default photo at once.
"""
from __future__ import annotations

import html
import io
import tempfile
from pathlib import Path

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import display

from helpers.benchmark.devices import device_options
from helpers.classify import Classifier, Prediction
from helpers.demo_photos import DemoPhoto
from helpers.errors import CompileError, ImageLoadError
from helpers.images import load_image
from helpers.plots import BACKEND_COLORS, plot_top_k


def device_dropdown(default: str = "CPU") -> widgets.Dropdown:
    """One device dropdown, the same in every lesson."""
    options = device_options()
    return widgets.Dropdown(options=options, value=default if default in options else options[0],
                            description="Device:")


class ClassifyWidget:
    """Pick a device, a photo (or upload your own) and k; see the top-k classes of the converted model.

    ``result`` holds the last answer: a list of Predictions, or the error message when there is
    none. Every error (a photo that cannot be used, a device that cannot compile, an upload that
    cannot be saved) shows in the widget's own message area: raised inside a control's callback,
    Jupyter Lab would send it to its log console and leave a stale chart on screen.
    """

    def __init__(self, ir_xml: Path, photos: list[DemoPhoto], device: str = "CPU", k: int = 5):
        self.ir_xml = Path(ir_xml)
        self.device = device_dropdown(device)
        self.photo = widgets.Dropdown(options=[(p.subject, str(p.path)) for p in photos], description="Photo:")
        self.upload = widgets.FileUpload(accept="image/*", multiple=False, description="Your photo")
        self.top_k = widgets.IntSlider(value=k, min=1, max=10, description="Top-k:")
        # The chart is a PNG in an Image widget rather than a figure displayed into an Output widget:
        # output from widget callbacks is not always captured by the Output widget in Jupyter Lab
        # (it can land in the log console), while an Image widget's value always shows.
        self.chart = widgets.Image(format="png")
        self.message = widgets.HTML()
        self.result: list[Prediction] | str = []
        self._classifiers: dict[str, Classifier] = {}
        # Removed with the widget, or when Python exits.
        self._uploads_dir = tempfile.TemporaryDirectory(prefix="classify-uploads-")
        self._uploads = Path(self._uploads_dir.name)
        self._adding_upload = False
        for control in (self.device, self.photo, self.top_k):
            control.observe(self._on_change, names="value")
        self.upload.observe(lambda change: self.add_upload(change["new"]), names="value")
        self.refresh()

    def classifier(self) -> Classifier:
        """The IR compiled for the chosen device, compiled once per device."""
        device = self.device.value
        if device not in self._classifiers:
            self._classifiers[device] = Classifier.from_ir(self.ir_xml, device, precision=None)
        return self._classifiers[device]

    def _on_change(self, _change) -> None:
        if not self._adding_upload:
            self.refresh()

    def add_upload(self, files) -> None:
        """Save uploaded files and add them to the photo picker, the last one selected and classified."""
        if not files:
            return
        # Replacing a Dropdown's options selects its first one for a moment: no classifying meanwhile.
        self._adding_upload = True
        try:
            for file in files:
                path = self._uploads / Path(file["name"]).name
                path.write_bytes(bytes(file["content"]))
                self.photo.options = [*self.photo.options, (f"uploaded: {path.name}", str(path))]
                self.photo.value = str(path)
        except Exception as error:  # noqa: BLE001 - shown in the widget, see the class docstring
            self._show_error("Cannot use this upload", error)
            return
        finally:
            self._adding_upload = False
        self.refresh()

    def refresh(self) -> None:
        """Classify the chosen photo and redraw; any error is shown in the message area instead."""
        path = Path(self.photo.value)
        try:
            self.result = self.classifier().classify([path], k=self.top_k.value)[0]
            chart = self._chart_png(path)
        except ImageLoadError as error:
            self._show_error("Cannot classify this photo", error)
            return
        except CompileError as error:
            self._show_error(f"Cannot run the model on {self.device.value}", error)
            return
        except Exception as error:  # noqa: BLE001 - shown in the widget, see the class docstring
            self._show_error("Something went wrong", error, with_type=True)
            return
        self.message.value = ""
        self.chart.value = chart
        self.chart.layout.display = None

    def _show_error(self, what: str, error: Exception, with_type: bool = False) -> None:
        # Uploads live in a temporary folder: the learner knows the file by its name, not by that folder.
        text = str(error).replace(f"{self._uploads}/", "")
        self.result = f"{type(error).__name__}: {text}" if with_type else text
        self.message.value = f"<b>{html.escape(what)}:</b> {html.escape(self.result)}"
        self.chart.layout.display = "none"

    def _chart_png(self, path: Path) -> bytes:

        backend = f"OpenVINO on {self.device.value}"
        fig = plot_top_k(load_image(path, "RGB"), {backend: self.result},
                         title=f"{path.name}: {self.result[0].name} ({self.result[0].probability:.0%})",
                         colors={backend: BACKEND_COLORS["OpenVINO FP32"]})
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=80)
        plt.close(fig)  # drawn into the Image widget only, not again by the inline backend
        return buffer.getvalue()

    def _ipython_display_(self) -> None:
        display(widgets.VBox([widgets.HBox([self.device, self.photo, self.upload]), self.top_k,
                              self.message, self.chart]))
