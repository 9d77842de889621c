"""Widgets for the lessons: a device dropdown, an image picker with upload, a top-k slider.

Defaults make a notebook run unattended: the widget classifies its default photo at once.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import display

from helpers.classify import Classifier, Prediction
from helpers.demo_photos import DemoPhoto
from helpers.images import ImageLoadError, load_image
from helpers.runtime import core


def device_options() -> list[str]:
    """The devices OpenVINO sees here, plus AUTO (which picks among them)."""
    return list(core().available_devices) + ["AUTO"]


def device_dropdown(default: str = "CPU") -> widgets.Dropdown:
    """One device dropdown, the same in every lesson."""
    options = device_options()
    return widgets.Dropdown(options=options, value=default if default in options else options[0],
                            description="Device:")


class ClassifyWidget:
    """Pick a device, a photo (or upload your own) and k; see the top-k classes of the converted model.

    ``result`` holds the last answer: a list of Predictions, or the error message for a photo
    that could not be used.
    """

    def __init__(self, ir_xml: Path, photos: list[DemoPhoto], device: str = "CPU", k: int = 5):
        self.ir_xml = Path(ir_xml)
        self.device = device_dropdown(device)
        self.photo = widgets.Dropdown(options=[(p.subject, str(p.path)) for p in photos], description="Photo:")
        self.upload = widgets.FileUpload(accept="image/*", multiple=False, description="Your photo")
        self.top_k = widgets.IntSlider(value=k, min=1, max=10, description="Top-k:")
        self.output = widgets.Output()
        self.result: list[Prediction] | str = []
        self._classifiers: dict[str, Classifier] = {}
        self._uploads = Path(tempfile.mkdtemp(prefix="classify-uploads-"))
        for control in (self.device, self.photo, self.top_k):
            control.observe(lambda _change: self.refresh(), names="value")
        self.upload.observe(lambda change: self.add_upload(change["new"]), names="value")
        self.refresh()

    def classifier(self) -> Classifier:
        """The IR compiled for the chosen device, compiled once per device."""
        device = self.device.value
        if device not in self._classifiers:
            self._classifiers[device] = Classifier.from_ir(self.ir_xml, device, precision=None)
        return self._classifiers[device]

    def add_upload(self, files) -> None:
        """Save uploaded files and add them to the photo picker, the last one selected."""
        for file in files:
            path = self._uploads / Path(file["name"]).name
            path.write_bytes(bytes(file["content"]))
            self.photo.options = [*self.photo.options, (f"uploaded: {path.name}", str(path))]
            self.photo.value = str(path)

    def refresh(self) -> None:
        """Classify the chosen photo and redraw."""
        path = Path(self.photo.value)
        try:
            self.result = self.classifier().classify([path], k=self.top_k.value)[0]
        except ImageLoadError as error:
            self.result = str(error)
        self.output.clear_output(wait=True)
        with self.output:
            if isinstance(self.result, str):
                print(f"Cannot classify this photo: {self.result}")
            else:
                self._draw(path)

    def _draw(self, path: Path) -> None:
        from helpers.plots import plot_top_k

        fig = plot_top_k(load_image(path, "RGB"), {f"OpenVINO on {self.device.value}": self.result},
                         title=f"{path.name}: {self.result[0].name} ({self.result[0].probability:.0%})",
                         colors={f"OpenVINO on {self.device.value}": "#1f77b4"})
        display(fig)
        plt.close(fig)  # shown once, in this widget's output, not again by the inline backend

    def _ipython_display_(self) -> None:
        display(widgets.VBox([widgets.HBox([self.device, self.photo, self.upload]), self.top_k, self.output]))
