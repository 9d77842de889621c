"""Headless Chromium for the browser tests, driven by Playwright with the system browser (PYTEST_DONT_REWRITE).

Used as a pytest plugin by the browser tests (``pytest_plugins = ["tests.browser_support"]``). The browser
is Debian's ``chromium`` (``apt-get install chromium``; ``.ci/run`` installs it) or the one named by
``TUTORIAL_CHROMIUM``: Playwright never downloads one. Without it the browser tests skip, saying why, and
the end of the pytest report says where the browser tests ran or why they did not.
"""
from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
SCREENSHOTS = PROJECT / "build" / "test-screenshots"
# As root in a container Chromium needs --no-sandbox (Playwright adds it); the rest keep it off the network
# (no background requests, updates or sync), which a closed network answers with errors at every start.
CHROMIUM_ARGS = ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
INSTALL_HINT = "install Debian's chromium (as root: apt-get install -y chromium) or set TUTORIAL_CHROMIUM"

_where: dict[str, str] = {}


def find_chromium() -> tuple[str | None, str]:
    """The Chromium to use (TUTORIAL_CHROMIUM, else ``chromium`` on the PATH), or None and why not."""
    named = os.environ.get("TUTORIAL_CHROMIUM", "").strip()
    if named:
        if Path(named).is_file():
            return named, ""
        return None, f"TUTORIAL_CHROMIUM={named} is not a file: point it at a Chromium binary, or unset it"
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return found, "" if found else f"no Chromium found: {INSTALL_HINT}"


@functools.cache
def chromium_version(path: str) -> str:
    try:
        result = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30)
        return result.stdout.strip() or path
    except (OSError, subprocess.SubprocessError):
        return path


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium (Playwright Browser); skips the test, saying why, when none is installed."""
    path, reason = find_chromium()
    if path is None:
        _where["skipped"] = reason
        pytest.skip(reason)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _where["skipped"] = "Playwright is not installed: run ./tutorial test, which installs requirements.txt"
        pytest.skip(_where["skipped"])
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        _where["ran"] = f"{chromium_version(path)} ({path}), headless, through Playwright"
        yield chromium
        chromium.close()


def screenshot_path(group: str, name: str) -> Path:
    """Where a test's screenshot goes: build/test-screenshots/<group>/<name>.png."""
    folder = SCREENSHOTS / group
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{name}.png"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # the tests report what failed; no line per request
        pass


@contextlib.contextmanager
def serve_folder(folder: Path):
    """Serve ``folder`` over HTTP on 127.0.0.1 at a free port; yields the base URL (ending in /)."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def pytest_terminal_summary(terminalreporter):
    if "ran" in _where:
        terminalreporter.write_line(f"browser tests ran in {_where['ran']}")
    elif "skipped" in _where:
        terminalreporter.write_line(f"browser tests did NOT run: {_where['skipped']}", yellow=True, bold=True)
