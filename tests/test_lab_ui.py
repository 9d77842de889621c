"""Lessons 01 and 03 in Jupyter Lab, run as a learner runs them: Run > Run All Cells, in headless Chromium.

A Jupyter Lab server starts on 127.0.0.1 (a port it picks itself, read from its runtime file) with a token,
over copies of the lessons in a temporary folder, so the lessons in notebooks/ are never changed. The
kernel is the lessons' own (registered by ./tutorial) and gets this process's settings (MOBILENET_WEIGHTS,
TUTORIAL_DATA, TUTORIAL_QUICK). Screenshots go to build/test-screenshots/lab/.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.browser_support import screenshot_path
from tests.lab_support import PROMPTS, all_ran, assert_no_cell_failed, choose_from_menu, wait_until

pytest_plugins = ["tests.browser_support"]

PROJECT = Path(__file__).resolve().parents[1]
NOTEBOOKS = PROJECT / "notebooks"
LESSON_01 = next(NOTEBOOKS.glob("01_*.ipynb"), None)
LESSON_03 = next(NOTEBOOKS.glob("03_*.ipynb"), None)
RUN_ALL_TIMEOUT_S = 1800
# Lab's own settings for the test: every cell in the page (no windowing, so every prompt can be read),
# and no news or update checks, which would go to the network and cover the notebook with a notification.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"checkForUpdates": False,
                                                                       "fetchNews": "false"},
}



class LabServer:
    def __init__(self, url: str, token: str, root: Path):
        self.url, self.token, self.root = url, token, root

    def api(self, path: str):
        request = urllib.request.Request(f"{self.url}api/{path}", headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)

    def kernel_idle(self, notebook: str) -> bool:
        """True when the kernel of ``notebook`` (a name in the root folder) has started and is idle."""
        return any(s["path"] == notebook and s["kernel"]["execution_state"] == "idle" for s in self.api("sessions"))


def kernel_name(notebook: Path) -> str:
    return json.loads(notebook.read_text(encoding="utf-8"))["metadata"]["kernelspec"]["name"]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A Jupyter Lab server over copies of Lessons 01 and 03."""
    if LESSON_01 is None or LESSON_03 is None:
        pytest.fail("Lessons 01 and 03 (notebooks/01_*.ipynb, notebooks/03_*.ipynb) are missing")
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    for lesson in (LESSON_01, LESSON_03):
        try:
            KernelSpecManager().get_kernel_spec(kernel_name(lesson))
        except NoSuchKernel:
            pytest.fail(f"The kernel {kernel_name(lesson)!r} of {lesson.name} is not registered: "
                        "run the tests with ./tutorial test, which registers it")
    base = tmp_path_factory.mktemp("lab")
    root = base / "notebooks"
    root.mkdir()
    for lesson in (LESSON_01, LESSON_03, NOTEBOOKS / "glossary.md"):
        if lesson.exists():
            shutil.copy2(lesson, root / lesson.name)
    for name, values in LAB_SETTINGS.items():
        (base / "settings" / name).parent.mkdir(parents=True, exist_ok=True)
        (base / "settings" / name).write_text(json.dumps(values))
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(base / "runtime"), JUPYTER_CONFIG_DIR=str(base / "config"),
               JUPYTERLAB_SETTINGS_DIR=str(base / "settings"), JUPYTERLAB_WORKSPACES_DIR=str(base / "workspaces"))
    token = secrets.token_hex(16)
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               "--ServerApp.port=0", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={root}", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if os.geteuid() == 0:
        command.append("--allow-root")  # containers and CI run as root
    log = (base / "lab.log").open("w")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        server = wait_for_server(process, base / "runtime", token, root, base / "lab.log")
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def wait_for_server(process, runtime: Path, token: str, root: Path, log: Path, timeout: float = 120) -> LabServer:
    """The server's URL, read from the runtime file it writes once it listens (port 0: it picked one)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"Jupyter Lab exited with code {process.returncode}:\n{log.read_text()[-3000:]}")
        for info_file in runtime.glob(f"jpserver-{process.pid}.json"):
            info = json.loads(info_file.read_text())
            server = LabServer(f"http://127.0.0.1:{info['port']}/", token, root)
            try:
                server.api("status")
                return server
            except (urllib.error.URLError, ConnectionError):
                pass
        time.sleep(0.5)
    pytest.fail(f"Jupyter Lab did not start within {timeout:.0f} s:\n{log.read_text()[-3000:]}")


def open_and_run_all(browser, lab: LabServer, lesson: Path):
    """Open ``lesson`` in Lab, Run > Run All Cells, wait until every cell ran and the kernel is idle.

    Returns the page and the notebook as saved afterwards from Lab (File > Save Notebook).
    """
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(120_000)
    # A workspace of its own, so that Lab does not also reopen the lessons opened before.
    page.goto(f"{lab.url}lab/workspaces/{lesson.stem}/tree/{lesson.name}?token={lab.token}")
    page.locator(".jp-NotebookPanel .jp-CodeCell").first.wait_for()
    wait_until(lambda: lab.kernel_idle(lesson.name), 180, "the kernel to start")

    choose_from_menu(page, "Run", "Run All Cells")
    # Every code cell is queued ([*]) at once; the run is over when none is left and the kernel is idle.
    wait_until(lambda: any("*" in p for p in page.evaluate(PROMPTS)) or all_ran(page), 60, "the cells to queue")
    wait_until(lambda: not any("*" in p for p in page.evaluate(PROMPTS)) and lab.kernel_idle(lesson.name),
               RUN_ALL_TIMEOUT_S, f"{lesson.name} to finish")

    choose_from_menu(page, "File", "Save Notebook")
    saved = lab.root / lesson.name
    wait_until(lambda: page.locator(".jp-mod-current.jp-mod-dirty").count() == 0, 60, "the notebook to be saved")
    page.screenshot(path=screenshot_path("lab", lesson.stem))
    return page, json.loads(saved.read_text(encoding="utf-8"))


def test_lesson_01_runs_in_lab_and_shows_the_card_check(browser, lab):
    page, notebook = open_and_run_all(browser, lab, LESSON_01)
    assert_no_cell_failed(page, notebook, LESSON_01.name)
    card_check = page.locator(".jp-OutputArea-output table", has_text="input colour order")
    assert card_check.count() >= 1, "the card-check table does not appear in Lesson 01"
    table = card_check.first
    table.scroll_into_view_if_needed()
    for item in ("input name", "input shape", "output name", "MParams", "GFLOPs"):
        assert item in table.inner_text(), f"the card-check table has no '{item}' row"
    table.screenshot(path=screenshot_path("lab", "01_card_check_table"))
    page.close()


def test_lesson_03_runs_in_lab_and_its_widget_answers(browser, lab):
    from playwright.sync_api import expect

    page, notebook = open_and_run_all(browser, lab, LESSON_03)
    assert_no_cell_failed(page, notebook, LESSON_03.name)
    app = (page.locator(".jp-OutputArea-output")
           .filter(has=page.locator(".widget-dropdown", has_text="Photo"))
           .filter(has=page.locator(".widget-slider", has_text="Top-k")).last)
    app.scroll_into_view_if_needed()
    chart = app.locator("img.widget-image")
    expect(chart).to_be_visible()

    # Another photo: the chart is drawn again.
    before = chart.get_attribute("src")
    photo = app.locator(".widget-dropdown", has_text="Photo").locator("select")
    options = photo.locator("option").all_inner_texts()
    assert len(options) >= 2, f"the photo picker offers {options}"
    photo.select_option(index=1)
    expect(chart).not_to_have_attribute("src", before, timeout=120_000)
    expect(chart).to_be_visible()

    # Top-k moved with the keyboard, as on the slider's handle: the chart is drawn again.
    slider = app.locator(".widget-slider", has_text="Top-k")
    readout = slider.locator(".widget-readout")
    k = int(readout.inner_text())
    before = chart.get_attribute("src")
    slider.locator(".noUi-handle").focus()
    page.keyboard.press("ArrowLeft" if k > 1 else "ArrowRight")
    expect(readout).to_have_text(str(k - 1 if k > 1 else k + 1))
    expect(chart).not_to_have_attribute("src", before, timeout=120_000)
    app.screenshot(path=screenshot_path("lab", "03_widget_after_photo_and_top_k"))

    # A file that is not an image: a clear message in the widget, no chart.
    with page.expect_file_chooser() as chooser:
        app.locator(".widget-upload").click()
    chooser.value.set_files(
        files=[{"name": "notes.txt", "mimeType": "text/plain", "buffer": b"these are notes, not a photo\n"}])
    message = app.locator(".widget-html", has_text="Cannot classify")
    expect(message).to_be_visible(timeout=120_000)
    assert "notes.txt" in message.inner_text()
    expect(chart).to_be_hidden()
    app.screenshot(path=screenshot_path("lab", "03_widget_after_text_upload"))
    page.close()
