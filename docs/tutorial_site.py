"""Sphinx extension for the lessons' web site (loaded by docs/conf.py).

It adds what myst-nb does not do for us:

- ``{learning-path}``: a table of the lessons in order, with what each teaches (the lesson's **Goal.**
  paragraph, or ``metadata.tutorial.summary`` when a notebook sets one), the time the lesson itself
  states, and the time its execution took while this site was built;
- ``{provenance}``: which weights, machine, mode and package versions produced the numbers on the pages;
- widgets drawn as static HTML from the widget state saved at execution: their default result shows,
  and controls (dropdowns, sliders, uploads) carry a note that they are live in Jupyter Lab. No
  JavaScript from a CDN is loaded, so pages work offline and load without console errors;
- ``jupyter_anchor``: heading anchors spelled as Jupyter spells them (``#1.-The-card``), so the
  lessons' "Contents" links work on the site as they do in Jupyter Lab.
"""
from __future__ import annotations

import datetime as dt
import html
import json
import os
import platform
import re
from importlib import metadata
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

WIDGET_VIEW_MIMETYPE = "application/vnd.jupyter.widget-view+json"

# Widgets that only show something; every other widget is a control a learner changes.
DISPLAY_ONLY_WIDGETS = {
    "BoxModel", "HBoxModel", "VBoxModel", "GridBoxModel", "HTMLModel", "HTMLMathModel", "LabelModel",
    "ImageModel", "FloatProgressModel", "IntProgressModel", "OutputModel", "ValidModel",
}
LIVE_NOTE = (
    "Live in Jupyter Lab: this page shows the controls above with their default choice and its result. "
    "Open the lesson with <code>./tutorial lab</code> to change them and see the result redrawn."
)
# Versions that decide the numbers, in the order a reader looks for them.
VERSIONED_PACKAGES = ["openvino", "tensorflow", "keras", "nncf", "numpy", "opencv-python-headless", "pillow",
                      "myst-nb", "sphinx"]


def jupyter_anchor(title: str) -> str:
    """The anchor Jupyter gives a heading: its text with spaces as dashes (``1. The card`` -> ``1.-The-card``)."""
    return title.strip().replace(" ", "-")


# --- the lessons' own words --------------------------------------------------------------------------

def first_markdown(notebook: dict) -> str:
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "markdown":
            source = cell.get("source", "")
            return "".join(source) if isinstance(source, list) else source
    return ""


def paragraph_after(label: str, text: str) -> str:
    """The paragraph that starts with ``**label**`` in ``text``, without the label ('' if none)."""
    for paragraph in re.split(r"\n\s*\n", text):
        stripped = paragraph.strip()
        if stripped.startswith(f"**{label}**"):
            return " ".join(stripped[len(label) + 4:].split())
    return ""


def lesson_summary(notebook: dict) -> str:
    """What a lesson teaches: ``metadata.tutorial.summary``, else its **Goal.** paragraph."""
    summary = notebook.get("metadata", {}).get("tutorial", {}).get("summary")
    return summary or paragraph_after("Goal.", first_markdown(notebook))


def lesson_time(notebook: dict) -> str:
    """The time a lesson states for itself, up to the first full stop or bracket
    (``**Time:** about 10 minutes to read and try. The notebook runs in ...`` -> ``about 10 minutes to read and
    try``)."""
    match = re.search(r"\*\*Time:\*\*\s*([^\n(*]+?)(?:\.\s|[\n(*]|$)", first_markdown(notebook))
    return match.group(1).strip().rstrip(".") if match else ""


def lesson_title(notebook: dict) -> str:
    """The lesson's first heading (``# Lesson 01: ...`` -> ``Lesson 01: ...``)."""
    match = re.search(r"^#\s+(.+)$", first_markdown(notebook), flags=re.MULTILINE)
    return match.group(1).strip() if match else ""


def table_cell(markdown: str) -> str:
    """Markdown made safe for one cell of a pipe table: one line, pipes escaped."""
    return " ".join(markdown.split()).replace("|", "\\|")


def format_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "not run"
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s"


# --- where the numbers come from ------------------------------------------------------------------------

def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def weights_line() -> str:
    """Which weights the lessons used, as the helpers say it, without this machine's paths."""
    from helpers.model_card import OFFICIAL_WEIGHTS
    from helpers.weights import resolve_weights

    info = resolve_weights(progress=False)
    if info.is_official:
        return f"the official {OFFICIAL_WEIGHTS.name} (sha384 checked against the card)"
    return (f"a stand-in, NOT the official {OFFICIAL_WEIGHTS.name}: the file {info.path.name} named by "
            f"{info.source} (sha384 {info.sha384[:16]}…), so predictions and accuracy differ from the card's")


def provenance_rows() -> list[tuple[str, str]]:
    from helpers import config
    from helpers.model_card import SAMPLE_COMMIT, SAMPLE_REPOSITORY

    quick = config.quick_mode()
    data = config.data_dir(required=False)
    versions = [f"Python {platform.python_version()}"]
    for package in VERSIONED_PACKAGES:
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return [
        ("weights", weights_line()),
        ("machine", f"{cpu_model()}, {os.cpu_count()} logical cores ({usable} usable), "
                    f"{platform.system()} {platform.machine()}"),
        ("mode", "quick (TUTORIAL_QUICK=1: smaller loops, every code path runs)" if quick
                 else "full (as the lessons are meant to be run)"),
        ("images", f"TUTORIAL_DATA folder {data.name}" if data else
                   f"the ImageNet sample ({SAMPLE_REPOSITORY} at {SAMPLE_COMMIT[:7]}), downloaded and checked"),
        ("versions", ", ".join(versions)),
        ("built", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")),
    ]


# --- directives: placeholders filled in once every lesson has run -------------------------------------

class lesson_runtime(nodes.Inline, nodes.TextElement):
    """Filled with a lesson's measured execution time once every lesson has run."""


class provenance(nodes.General, nodes.Element):
    """Filled with the provenance table once every lesson has run (the weights are resolved by then)."""


def lesson_runtime_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    return [lesson_runtime(rawtext, "", lesson=text)], []


class LearningPathDirective(SphinxDirective):
    """A table of the lessons in the source folder, in order, written in MyST so that links resolve."""

    def run(self):
        lines = ["| # | lesson | what you learn | time to follow it | ran in (this build) |",
                 "|---|---|---|---|---|"]
        for path in sorted(Path(self.env.srcdir).glob("[0-9][0-9]_*.ipynb")):
            self.env.note_dependency(str(path))
            notebook = json.loads(path.read_text(encoding="utf-8"))
            lines.append(f"| {path.name[:2]} | [{table_cell(lesson_title(notebook))}]({path.name}) "
                         f"| {table_cell(lesson_summary(notebook))} | {table_cell(lesson_time(notebook))} "
                         f"| {{lesson-runtime}}`{path.stem}` |")
        result = self.parse_text_to_nodes("\n".join(lines))
        for table in result:
            if isinstance(table, nodes.table):
                table["classes"].append("learning-path")
        return result


class ProvenanceDirective(SphinxDirective):
    def run(self):
        return [provenance()]


def fill_placeholders(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    nb_metadata = getattr(app.env, "nb_metadata", {})
    for node in list(doctree.findall(lesson_runtime)):
        runtime = (nb_metadata.get(node["lesson"], {}).get("exec_data") or {}).get("runtime")
        node.replace_self(nodes.Text(format_seconds(runtime)))
    for node in list(doctree.findall(provenance)):
        tbl = nodes.table(classes=["provenance"])
        group = nodes.tgroup(cols=2)
        tbl += group
        group += nodes.colspec(colwidth=12)
        group += nodes.colspec(colwidth=88)
        body = nodes.tbody()
        group += body
        for name, value in provenance_rows():
            row = nodes.row()
            row += nodes.entry("", nodes.paragraph("", "", nodes.strong(text=name)))
            row += nodes.entry("", nodes.paragraph(text=value))
            body += row
        node.replace_self(tbl)


# --- widgets as static HTML ----------------------------------------------------------------------------

def _children(model: dict) -> list[str]:
    return [c.removeprefix("IPY_MODEL_") for c in model["state"].get("children", [])]


def _label(text: str | None) -> str:
    return f'<span class="static-widget-label">{html.escape(text)}</span> ' if text else ""


def widget_html(model_id: str, state: dict, controls: list[str]) -> str:
    """Static HTML for one widget and its children; names of the controls met are added to ``controls``."""
    model = state.get(model_id)
    if model is None:
        return '<span class="static-widget-missing">(a widget: run the lesson in Jupyter Lab to see it)</span>'
    name, values = model["model_name"], model["state"]
    if name not in DISPLAY_ONLY_WIDGETS:
        controls.append(name)
    desc = values.get("description", "")
    if name in ("HBoxModel", "VBoxModel", "BoxModel", "GridBoxModel"):
        direction = "row" if name == "HBoxModel" else "column"
        inner = "".join(widget_html(c, state, controls) for c in _children(model))
        return f'<div class="static-widget-box" style="flex-direction:{direction}">{inner}</div>'
    if name in ("HTMLModel", "HTMLMathModel"):
        return f'<div class="static-widget-html">{_label(desc)}{values.get("value", "")}</div>'
    if name == "LabelModel":
        return f'<div class="static-widget-html">{html.escape(values.get("value", ""))}</div>'
    if name in ("FloatProgressModel", "IntProgressModel"):
        return (f'<progress class="static-widget-progress" value="{values.get("value", 0)}" '
                f'max="{values.get("max", 100)}"></progress>')
    if name == "ImageModel":
        buffers = {tuple(b["path"]): b["data"] for b in model.get("buffers", [])}
        data = buffers.get(("value",))
        if not data:
            return ""
        image_format = values.get("format", "png")
        style = "display:none" if (state.get(values.get("layout", "").removeprefix("IPY_MODEL_"), {})
                                    .get("state", {}).get("display") == "none") else ""
        return (f'<img class="static-widget-image" alt="{html.escape(desc or "widget image")}" style="{style}" '
                f'src="data:image/{image_format};base64,{data}">')
    if name in ("DropdownModel", "SelectModel", "RadioButtonsModel", "ToggleButtonsModel"):
        labels, index = values.get("_options_labels", []), values.get("index")
        options = "".join(f'<option{" selected" if i == index else ""}>{html.escape(str(label))}</option>'
                          for i, label in enumerate(labels))
        return f'<label class="static-widget-control">{_label(desc)}<select disabled>{options}</select></label>'
    if name in ("IntSliderModel", "FloatSliderModel"):
        value = values.get("value")
        return (f'<label class="static-widget-control">{_label(desc)}<input type="range" disabled '
                f'min="{values.get("min")}" max="{values.get("max")}" value="{value}"> {value}</label>')
    if name == "FileUploadModel":
        return f'<button class="static-widget-control" disabled>{html.escape(desc or "Upload")}</button>'
    if name == "ButtonModel":
        return f'<button class="static-widget-control" disabled>{html.escape(desc)}</button>'
    if name == "OutputModel":
        return "".join(f"<pre>{html.escape(''.join(o.get('text', '')))}</pre>"
                       for o in values.get("outputs", []) if o.get("output_type") == "stream")
    value = values.get("value", "")
    return f'<span class="static-widget-control">{_label(desc)}{html.escape(str(value))}</span>'


def widget_state(app: Sphinx, docname: str) -> dict | None:
    """The widget state myst-nb kept for this page (taken away, so the page does not carry it twice)."""
    js_files = getattr(app.env, "nb_metadata", {}).get(docname, {}).get("js_files", {})
    entry = js_files.pop("ipywidgets_state", None)
    if entry is None:
        return None
    return json.loads(entry[1]["body"].replace("<\\/", "</"))["state"]


def render_static_widgets(app: Sphinx, doctree: nodes.document) -> None:
    docname = app.env.docname
    state = widget_state(app, docname)
    prefix = f'<script type="{WIDGET_VIEW_MIMETYPE}">'
    for raw in list(doctree.findall(nodes.raw)):
        text = raw.astext()
        if not text.startswith(prefix):
            continue
        view = json.loads(text[len(prefix):-len("</script>")].replace("<\\/", "</"))
        controls: list[str] = []
        body = widget_html(view["model_id"], state or {}, controls)
        if controls:
            body += f'<p class="static-widget-note">{LIVE_NOTE}</p>'
        raw.replace_self(nodes.raw("", f'<div class="static-widget">{body}</div>', format="html"))


def setup(app: Sphinx) -> dict:
    app.add_node(lesson_runtime)
    app.add_node(provenance)
    app.add_role("lesson-runtime", lesson_runtime_role)
    app.add_directive("learning-path", LearningPathDirective)
    app.add_directive("provenance", ProvenanceDirective)
    app.connect("doctree-read", render_static_widgets)
    app.connect("doctree-resolved", fill_placeholders)
    return {"version": "1", "parallel_read_safe": False, "parallel_write_safe": True}
