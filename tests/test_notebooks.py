"""The lessons' own promises: each starts like a lesson, and says when it needs TUTORIAL_DATA."""
import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def cells(notebook):
    return json.loads(notebook.read_text(encoding="utf-8"))["cells"]


def test_there_are_ordered_lessons():
    assert [n.name[:2] for n in NOTEBOOKS] == [f"{i:02d}" for i in range(1, len(NOTEBOOKS) + 1)]
    assert len(NOTEBOOKS) >= 5


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda n: n.name)
def test_lesson_opens_with_goal_what_you_learn_and_time(notebook):
    first = "".join(cells(notebook)[0]["source"])
    assert first.startswith("# Lesson") and "**Goal.**" in first and "What you will learn" in first and "**Time:**" in first


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda n: n.name)
def test_lessons_that_require_data_say_so(notebook):
    code = "\n".join("".join(c["source"]) for c in cells(notebook) if c["cell_type"] == "code")
    requires_data = "config.data_dir()" in code  # data_dir(required=False) is optional use
    metadata = json.loads(notebook.read_text(encoding="utf-8"))["metadata"]
    assert metadata.get("tutorial", {}).get("needs_data", False) == requires_data


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda n: n.name)
def test_checked_outputs_exist_and_no_errors_are_saved(notebook):
    code_cells = [c for c in cells(notebook) if c["cell_type"] == "code"]
    assert any("NBVAL_CHECK_OUTPUT" in "".join(c["source"]) for c in code_cells)
    assert not any(o.get("output_type") == "error" for c in code_cells for o in c.get("outputs", []))
