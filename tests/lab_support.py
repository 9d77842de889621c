"""Driving a notebook in Jupyter Lab from Playwright, as a learner does: shared by the Lab and the hub tests."""
from __future__ import annotations

import re
import time

import pytest

PROMPTS = """() => [...document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt')].map(p => p.textContent.trim())"""


def choose_from_menu(page, menu: str, item: str) -> None:
    """Click ``menu`` in Lab's menu bar, then its entry labelled ``item``."""
    page.get_by_role("menuitem", name=menu, exact=True).click()
    label = page.locator(".lm-Menu-itemLabel").filter(has_text=re.compile(f"^{re.escape(item)}$"))
    page.locator(".lm-Menu-item", has=label).click()


def all_ran(page) -> bool:
    prompts = page.evaluate(PROMPTS)
    return bool(prompts) and all(p.startswith("[") and p[1:-2].isdigit() for p in prompts)


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(1)


def assert_no_cell_failed(page, notebook: dict, name: str) -> None:
    errors = [f"cell {i}: {o.get('ename')}: {o.get('evalue')}" for i, cell in enumerate(notebook["cells"])
              for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, f"{name} shows errors in Jupyter Lab:\n" + "\n".join(errors)
    not_run = [i for i, cell in enumerate(notebook["cells"])
               if cell["cell_type"] == "code" and cell["source"] and cell.get("execution_count") is None]
    assert not not_run, f"{name}: cells {not_run} did not run"
    assert all_ran(page), f"{name}: some cells show no execution count in Lab: {page.evaluate(PROMPTS)}"
