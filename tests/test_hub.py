"""A workshop room on one server (helpers.hub): the cache prepared once, JupyterHub started as ``./tutorial hub``
starts it, two learners signing in through Chromium and running Lesson 01 at the same time, each in a folder of
their own, over one read-only cache that nobody rewrites; a wrong password refused; nothing left running after."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from helpers import config
from helpers.errors import HubError
from helpers.hub import (
    ENV_ADMIN_PASSWORD,
    ENV_PASSWORD,
    LAB_USER_SETTINGS,
    Room,
    cache_hashes,
    check_cache,
    free_port,
    hub_settings,
    lesson_files,
    reset_lesson,
    set_up_learner,
)
from tests.browser_support import find_chromium, screenshot_path
from tests.lab_support import PROMPTS, all_ran, assert_no_cell_failed, choose_from_menu, wait_until

pytest_plugins = ["tests.browser_support"]

PASSWORD = "a room password"
LESSON_01 = next(p for p in lesson_files() if p.name.startswith("01_"))
LEARNERS = ("ada", "grace")
EVERY_CELL_IN_THE_PAGE = {"@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"}}


# --- the pieces, without a hub ---------------------------------------------------------------------------------


def test_a_learner_gets_the_lessons_once_and_keeps_their_edits(tmp_path):
    home = tmp_path / "users" / "ada"
    copied = set_up_learner(home)
    assert sorted(copied) == sorted(p.name for p in lesson_files()) and "glossary.md" in copied
    (home / LESSON_01.name).write_text("my edits", encoding="utf-8")
    assert set_up_learner(home) == []
    assert (home / LESSON_01.name).read_text(encoding="utf-8") == "my edits"
    for name, values in LAB_USER_SETTINGS.items():
        assert json.loads((home / ".jupyter/lab/user-settings" / name).read_text()) == values


def test_reset_puts_one_lesson_back_and_keeps_the_learners_copy(tmp_path, capsys):
    set_up_learner(tmp_path)
    (tmp_path / LESSON_01.name).write_text("broken beyond repair", encoding="utf-8")
    lesson, backup = reset_lesson(tmp_path, "01")
    assert lesson.read_bytes() == LESSON_01.read_bytes()
    assert backup.read_text(encoding="utf-8") == "broken beyond repair"
    with pytest.raises(HubError, match="no lesson numbered '99'"):
        reset_lesson(tmp_path, "99")
    done = subprocess.run([sys.executable, "-m", "helpers.hub", "reset", "7"], cwd=tmp_path, capture_output=True,
                          text=True)
    assert done.returncode == 1 and done.stderr.count("\n") == 1 and "two digits" in done.stderr


def test_the_hub_refuses_to_start_without_a_password_a_cache_or_a_long_admin_password(tmp_path, monkeypatch):
    room = Room(tmp_path)
    monkeypatch.delenv(ENV_PASSWORD, raising=False)
    with pytest.raises(HubError, match=ENV_PASSWORD):
        hub_settings(room, ip="127.0.0.1", port=8000, admin=None, idle_timeout=600, proxy=Path("chp"))
    monkeypatch.setenv(ENV_PASSWORD, PASSWORD)
    with pytest.raises(HubError, match="--prepare"):
        hub_settings(room, ip="127.0.0.1", port=8000, admin=None, idle_timeout=600, proxy=Path("chp"))
    monkeypatch.setenv(ENV_ADMIN_PASSWORD, "too short")
    with pytest.raises(HubError, match=ENV_ADMIN_PASSWORD):
        hub_settings(room, ip="127.0.0.1", port=8000, admin="teacher", idle_timeout=600, proxy=Path("chp"))


def test_without_npm_or_the_proxy_the_error_says_what_to_install(monkeypatch, tmp_path):
    from helpers import hub

    monkeypatch.setattr(hub.sys, "prefix", str(tmp_path))
    monkeypatch.setattr(hub.shutil, "which", lambda name: None)
    with pytest.raises(HubError, match="npm"):
        hub.find_proxy()


# --- the room itself -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def room(tmp_path_factory, weights):
    """A room prepared by ``python -m helpers.hub --prepare`` in a temporary folder (a name with a space)."""
    root = tmp_path_factory.mktemp("hub") / "workshop room"
    done = subprocess.run([sys.executable, "-m", "helpers.hub", "--prepare", "--root", str(root)],
                          capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return Room(root)


def test_the_prepared_cache_holds_every_ir_and_the_sample_read_only(room):
    record = check_cache(room)
    for folder in ("FP32", "FP16", "FP32-INT8"):
        assert any(name.startswith("models/public/") and f"/{folder}/" in name and name.endswith(".bin")
                   for name in record["files"]), f"no {folder} IR in the cache"
    assert sum(name.startswith("imagenet-sample/") for name in record["files"]) == 1000
    assert cache_hashes(room) == record["files"]
    assert not any(os.stat(p).st_mode & 0o222 for p in [room.cache, *room.cache.rglob("*")])
    again = subprocess.run([sys.executable, "-m", "helpers.hub", "--prepare", "--root", str(room.root)],
                           capture_output=True, text=True, timeout=600)
    assert again.returncode == 0 and "reused" in again.stdout and cache_hashes(room) == record["files"]


@pytest.fixture(scope="module")
def hub(room):
    """``python -m helpers.hub`` on 127.0.0.1 at a free port, in a process group of its own; stopped afterwards,
    and checked to leave no process behind."""
    chromium, reason = find_chromium()
    if chromium is None:
        pytest.skip(reason)
    from helpers.hub import find_proxy

    try:
        find_proxy()
    except HubError as error:
        pytest.skip(str(error))
    port = free_port()
    env = {**os.environ, ENV_PASSWORD: PASSWORD, config.ENV_QUICK: "1"}
    log_path = room.root / "hub.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen([sys.executable, "-m", "helpers.hub", "--root", str(room.root), "--port",
                                    str(port)], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: _answers(f"{url}/hub/login") or process.poll() is not None, 120, "the hub to start")
        assert process.poll() is None, log_path.read_text()[-3000:]
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            pytest.fail(f"the hub did not stop within 60 s of SIGTERM:\n{log_path.read_text()[-2000:]}")
    deadline = time.monotonic() + 30
    while _processes_of(room.root) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not _processes_of(room.root), f"left running: {_processes_of(room.root)}"


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _processes_of(root: Path) -> list[str]:
    """Processes whose command line or environment names the room's folder (hub, proxy, culler, servers,
    kernels)."""
    marker = str(root).encode()
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            if marker in (proc / "cmdline").read_bytes() or marker in (proc / "environ").read_bytes():
                found.append((proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")[:120])
        except OSError:
            continue
    return found


def _sign_in(browser, url: str, name: str, password: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(180_000)
    page.goto(f"{url}/hub/login")
    page.fill("#username_input", name)
    page.fill("#password_input", password)
    page.click("#login_submit")
    return context, page


def test_a_wrong_password_is_refused(browser, hub, room):
    from playwright.sync_api import expect

    context, page = _sign_in(browser, hub, "mallory", "not the password")
    # The hub answers the form with the login page again, saying why (on a loaded machine, after a while).
    expect(page.locator(".login_error, .alert-danger").filter(has_text="Invalid")).to_be_visible(timeout=120_000)
    assert "/hub/login" in page.url and not (room.users / "mallory").exists()
    context.close()


def test_two_learners_run_lesson_01_at_once_over_the_shared_cache(browser, hub, room):
    before = cache_hashes(room)
    times = {p: p.stat().st_mtime_ns for p in room.cache.rglob("*")}
    for name in LEARNERS:  # every cell in the page, so that the test can read every prompt
        for setting, values in EVERY_CELL_IN_THE_PAGE.items():
            path = room.users / name / ".jupyter" / "lab" / "user-settings" / setting
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
    pages = {}
    for name in LEARNERS:
        context, page = _sign_in(browser, hub, name, PASSWORD)
        page.wait_for_url(f"**/user/{name}/lab**", timeout=240_000)
        page.goto(f"{hub}/user/{name}/lab/workspaces/lesson/tree/{LESSON_01.name}")
        page.locator(".jp-NotebookPanel .jp-CodeCell").first.wait_for()
        wait_until(lambda p=page, n=name: _kernel_idle(p, hub, n), 240, f"{name}'s kernel to start")
        pages[name] = (context, page)
    for _, page in pages.values():  # both run at the same time
        choose_from_menu(page, "Run", "Run All Cells")
    for _, page in pages.values():
        wait_until(lambda p=page: any("*" in x for x in p.evaluate(PROMPTS)) or all_ran(p), 120, "cells to queue")
    for name, (_, page) in pages.items():
        wait_until(lambda p=page, n=name: not any("*" in x for x in p.evaluate(PROMPTS)) and _kernel_idle(p, hub, n),
                   1800, f"{name}'s Lesson 01 to finish")
        choose_from_menu(page, "File", "Save Notebook")
        wait_until(lambda p=page: p.locator(".jp-mod-current.jp-mod-dirty").count() == 0, 60, "the save")
        page.screenshot(path=screenshot_path("hub", f"lesson_01_{name}"))
    for name, (context, page) in pages.items():
        saved = json.loads((room.users / name / LESSON_01.name).read_text(encoding="utf-8"))
        assert_no_cell_failed(page, saved, f"{name}'s {LESSON_01.name}")
        context.close()
    # Each learner's run is saved in their own folder; the project's lesson is as shipped.
    assert all(json.loads((room.users / n / LESSON_01.name).read_text())["cells"] for n in LEARNERS)
    assert LESSON_01.read_bytes() != (room.users / LEARNERS[0] / LESSON_01.name).read_bytes()
    # Nobody rewrote the shared cache.
    assert cache_hashes(room) == before
    assert {p: p.stat().st_mtime_ns for p in room.cache.rglob("*")} == times


def _kernel_idle(page, hub: str, name: str) -> bool:
    response = page.request.get(f"{hub}/user/{name}/api/sessions")
    return response.ok and any(s["kernel"]["execution_state"] == "idle" for s in response.json())
