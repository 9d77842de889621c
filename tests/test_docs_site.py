"""The lessons' web site (``./tutorial docs``), checked as a reader sees it.

The site is built once per session into build/docs (or reused when build/docs was built from exactly
the current sources and settings), executing every lesson in the current mode (CI: quick). Every page is
then opened in headless Chromium: no console errors, every image drawn, every link inside the site
resolving (fragment included), and a screenshot saved in build/test-screenshots/site/.
"""
from __future__ import annotations

import html
import importlib.util
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from importlib import metadata
from pathlib import Path

import nbformat
import pytest

from tests.browser_support import screenshot_path, serve_folder

pytest_plugins = ["tests.browser_support"]

PROJECT = Path(__file__).resolve().parents[1]
NOTEBOOKS = PROJECT / "notebooks"
SITE = PROJECT / "build" / "docs"
EXECUTED = SITE.parent / "jupyter_execute"  # where myst-nb leaves the executed lessons
LESSONS = sorted(p.stem for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
PAGES = ["index", *LESSONS, "glossary", "instructors"]
IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml", "image/gif")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def load_builder():
    spec = importlib.util.spec_from_file_location("docs_build", PROJECT / "docs" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


builder = load_builder()


@pytest.fixture(scope="session")
def site() -> Path:
    """build/docs, built from the current lessons and settings (reused when it already is)."""
    if not builder.is_fresh(SITE, NOTEBOOKS):
        try:
            builder.build(NOTEBOOKS, SITE)
        except builder.BuildError as error:
            pytest.fail(str(error))
    return SITE


@pytest.fixture(scope="session")
def site_url(site):
    with serve_folder(site) as url:
        yield url


class Tables(HTMLParser):
    """The text of each cell of each <table>, by each of the table's classes: {class: [[cell, ...], ...]}."""

    def __init__(self, text: str):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._rows = self._cell = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._rows = []
            for name in (dict(attrs).get("class") or "").split():
                self.tables.setdefault(name, self._rows)
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._rows = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def executed(lesson: str) -> dict:
    return json.loads((EXECUTED / f"{lesson}.ipynb").read_text(encoding="utf-8"))


def outputs(notebook: dict):
    for cell in notebook["cells"]:
        yield from cell.get("outputs", [])


def seconds(text: str) -> int:
    match = re.fullmatch(r"(?:(\d+) min )?(\d+) s", text)
    assert match, f"'{text}' is not a measured time like '42 s' or '3 min 05 s'"
    return int(match.group(1) or 0) * 60 + int(match.group(2))


# --- the build ---------------------------------------------------------------------------------------------

def write_lesson(folder: Path, name: str, *cells) -> None:
    notebook = nbformat.v4.new_notebook(cells=list(cells), metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(notebook, folder / name)


def lesson_header(n: int) -> nbformat.NotebookNode:
    return nbformat.v4.new_markdown_cell(f"# Lesson {n:02d}: a test\n\n**Goal.** Test the build.\n\n**Time:** 1 minute")


def test_the_instructors_page_is_the_readmes_section_and_needs_its_markers(tmp_path):
    page = builder.instructors_page(builder.PROJECT / "README.md")
    assert page.startswith("# For instructors\n") and "](notebooks/" not in page
    assert "](01_get_and_convert_the_model.ipynb)" in page and "run, quick mode" in page
    readme = tmp_path / "README.md"
    readme.write_text("# A project\n\n## For instructors\n\nNo markers here.\n")
    with pytest.raises(builder.BuildError, match="instructors:start"):
        builder.instructors_page(readme)


def test_build_stops_when_the_glossary_is_missing(tmp_path):
    write_lesson(tmp_path, "01_a.ipynb", lesson_header(1))
    with pytest.raises(builder.BuildError, match=r"glossary\.md is missing"):
        builder.build(tmp_path, tmp_path / "out" / "docs")


def test_build_fails_on_a_cell_error(tmp_path, capfd):
    (tmp_path / "glossary.md").write_text("# Glossary\n")
    write_lesson(tmp_path, "01_a.ipynb", lesson_header(1), nbformat.v4.new_code_cell("1 / 0"))
    with pytest.raises(builder.BuildError):
        builder.build(tmp_path, tmp_path / "out" / "docs")
    assert "ZeroDivisionError" in capfd.readouterr().err
    assert not (tmp_path / "out" / "docs" / builder.STAMP).exists()


def test_build_fails_on_a_link_to_a_missing_lesson(tmp_path, capfd):
    (tmp_path / "glossary.md").write_text("# Glossary\n\nSee [Lesson 01](01_a.ipynb).\n")
    header = lesson_header(1)
    header.source += "\n\nNext: [Lesson 02](02_missing.ipynb), the [glossary](glossary.md)."
    write_lesson(tmp_path, "01_a.ipynb", header)
    with pytest.raises(builder.BuildError):
        builder.build(tmp_path, tmp_path / "out" / "docs")
    assert "02_missing.ipynb" in capfd.readouterr().err


# --- the index ---------------------------------------------------------------------------------------------

def test_index_shows_the_learning_path_with_measured_times(site):
    rows = Tables((site / "index.html").read_text(encoding="utf-8")).tables["learning-path"]
    header, lessons = rows[0], rows[1:]
    assert header == ["#", "lesson", "what you learn", "time to follow it", "ran in (this build)"]
    assert [row[0] for row in lessons] == [name[:2] for name in LESSONS]
    for name, (number, title, summary, stated, measured) in zip(LESSONS, lessons, strict=True):
        assert title.startswith(f"Lesson {number}"), title
        assert len(summary.split()) >= 5, f"{name}: no summary of what it teaches ({summary!r})"
        assert stated, f"{name}: the lesson states no time"
        assert seconds(measured) >= 1, f"{name}: ran in {measured}? Every lesson computes for a while"
    # Times measured in this build, not copied from the saved notebooks: together they fit in its duration.
    build_seconds = json.loads((site / builder.STAMP).read_text())["seconds"]
    assert sum(seconds(row[4]) for row in lessons) <= build_seconds + len(lessons), build_seconds


def test_index_says_which_weights_machine_and_versions(site, weights):
    rows = dict(Tables((site / "index.html").read_text(encoding="utf-8")).tables["provenance"])
    if weights.is_official:
        assert "the official" in rows["weights"]
    else:
        assert "NOT the official" in rows["weights"] and weights.path.name in rows["weights"]
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), None) if Path("/proc/cpuinfo").exists() else None
    if cpu:
        assert " ".join(cpu.split()) in rows["machine"]
    assert f"{os.cpu_count()} logical cores" in rows["machine"]
    for package in ("openvino", "tensorflow", "numpy"):
        assert f"{package} {metadata.version(package)}" in rows["versions"]
    assert ("quick" if os.environ.get("TUTORIAL_QUICK") == "1" else "full") in rows["mode"]


# --- every page in a browser -------------------------------------------------------------------------------

LOAD_IMAGES = """async () => {
    const images = [...document.images];
    images.forEach(img => { img.loading = "eager"; });
    await Promise.all(images.map(img => img.decode().catch(() => null)));
    return images.map(img => ({src: (img.getAttribute("src") || "").slice(0, 80), width: img.naturalWidth,
                               plot: !!img.closest(".cell_output") && !img.closest(".static-widget")}));
}"""

STATIC_WIDGETS = """() => [...document.querySelectorAll(".static-widget")].map(w => ({
    controls: w.querySelectorAll("select, input, button").length,
    note: (w.querySelector(".static-widget-note") || {}).textContent || ""}))"""


class Fetcher:
    """Pages of the site fetched once each, with the ids they hold."""

    def __init__(self):
        self.ids: dict[str, set[str] | None] = {}

    def ids_of(self, url: str) -> set[str] | None:
        if url not in self.ids:
            try:
                with urllib.request.urlopen(url, timeout=30) as response:
                    text = response.read().decode("utf-8", "replace")
                self.ids[url] = {html.unescape(i) for i in re.findall(r'\sid="([^"]*)"', text)}
            except urllib.error.URLError:
                self.ids[url] = None
        return self.ids[url]


@pytest.fixture(scope="module")
def fetcher():
    return Fetcher()


@pytest.mark.parametrize("name", PAGES)
def test_page_in_a_browser(browser, site, site_url, fetcher, name):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"request failed: {request.url}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    response = page.goto(f"{site_url}{name}.html", wait_until="load")
    assert response is not None and response.status == 200, f"{name}.html: HTTP {response and response.status}"

    images = page.evaluate(LOAD_IMAGES)
    problems += [f"image not drawn: {img['src']}" for img in images if img["width"] == 0]

    if name in LESSONS:
        notebook = executed(name)
        plots = sum(any(t in o.get("data", {}) for t in IMAGE_TYPES) for o in outputs(notebook))
        shown = sum(img["plot"] for img in images)
        if shown != plots:
            problems.append(f"{plots} plot(s) in the executed lesson, {shown} on the page")
        views = sum(WIDGET_VIEW in o.get("data", {}) for o in outputs(notebook))
        widgets = page.evaluate(STATIC_WIDGETS)
        if len(widgets) != views:
            problems.append(f"{views} widget(s) in the executed lesson, {len(widgets)} drawn on the page")
        problems += ["a widget with controls does not say they are live in Jupyter Lab"
                     for w in widgets if w["controls"] and "Jupyter Lab" not in w["note"]]

    hrefs = page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)")
    internal = sorted({h for h in hrefs if h.startswith(site_url)})
    for href in internal:
        url, _, fragment = href.partition("#")
        ids = fetcher.ids_of(url)
        if ids is None:
            problems.append(f"link to a missing page: {href}")
        elif fragment and urllib.parse.unquote(fragment) not in ids:
            problems.append(f"link to a missing anchor: {href}")

    page.screenshot(path=screenshot_path("site", name), full_page=True)
    page.close()
    assert not problems, f"{name}.html:\n" + "\n".join(problems)
    if name == "index":
        lesson_links = {h.partition("#")[0] for h in internal}
        assert {f"{site_url}{lesson}.html" for lesson in LESSONS} <= lesson_links, "index misses a lesson"
