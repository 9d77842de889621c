"""The lessons' own promises, read from the saved notebooks: each starts like a lesson, links its neighbours and the
glossary, marks its checked cells with nbval's tags, needs no setting for its images, and saves clean outputs."""
import json
import re
from pathlib import Path

import pytest

NOTEBOOK_DIR = Path(__file__).parents[1] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))
GLOSSARY = NOTEBOOK_DIR / "glossary.md"
# Lines libraries print when they start (TensorFlow's C++ logging, oneDNN, CUDA probing): noise for a learner.
START_UP_NOISE = re.compile(r"oneDNN custom operations|cuda_(?:dnn|fft|blas|driver)|TF_ENABLE_ONEDNN_OPTS|"
                            r"absl::InitializeLog|This TensorFlow binary is optimized")
# An absolute path of the machine that saved the outputs (POSIX home or work folders, a Windows drive).
ABSOLUTE_PATH = re.compile(r"(?<![\w.])(?:/(?:home|root|work|tmp|Users|mnt|media)/|\b[A-Z]:\\\w)")


def notebook_json(notebook):
    return json.loads(notebook.read_text(encoding="utf-8"))


def cells(notebook):
    return notebook_json(notebook)["cells"]


def markdown(notebook):
    return "\n".join("".join(c["source"]) for c in cells(notebook) if c["cell_type"] == "markdown")


def output_texts(notebook):
    """Every saved text output: streams, plain-text results, error tracebacks."""
    for cell in cells(notebook):
        for output in cell.get("outputs", []):
            if "text" in output:
                yield "".join(output["text"])
            for mime in ("text/plain", "text/html", "text/markdown"):
                if mime in output.get("data", {}):
                    yield "".join(output["data"][mime])


def test_there_are_ordered_lessons():
    assert [n.name[:2] for n in NOTEBOOKS] == [f"{i:02d}" for i in range(1, len(NOTEBOOKS) + 1)]
    assert len(NOTEBOOKS) >= 5


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda n: n.name)
def test_lesson_opens_with_goal_what_you_learn_time_and_prerequisites(notebook):
    first = "".join(cells(notebook)[0]["source"])
    for part in ("# Lesson", "**Goal.**", "What you will learn", "**Time:**", "Saved outputs"):
        assert part in first, f"{notebook.name}: the first cell lacks {part!r}"
    assert re.search(r"prerequisite|you should know|before you start", first, re.IGNORECASE), (
        f"{notebook.name}: the first cell names no prerequisites")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda n: n.name)
def test_lesson_links_the_glossary_and_its_neighbours(notebook):
    text = markdown(notebook)
    targets = set(re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text))
    assert "glossary.md" in targets, f"{notebook.name} does not link glossary.md"
    index = NOTEBOOKS.index(notebook)
    neighbours = [NOTEBOOKS[i].name for i in (index - 1, index + 1) if 0 <= i < len(NOTEBOOKS)]
    for neighbour in neighbours:
        assert neighbour in targets, f"{notebook.name} does not link its neighbour {neighbour}"
    local = [t for t in targets if not re.match(r"[a-z]+:", t)]
    for target in local:
        assert (NOTEBOOK_DIR / target).exists(), f"{notebook.name} links {target}, which does not exist"
    last = "".join(cells(notebook)[-1]["source"])
    assert "Next" in last, f"{notebook.name} does not end with what comes next"


def test_glossary_links_resolve():
    targets = re.findall(r"\]\(([^)#\s]+)\)", GLOSSARY.read_text(encoding="utf-8"))
    local = [t for t in targets if not re.match(r"[a-z]+:", t)]
    assert local
    for target in local:
        assert (NOTEBOOK_DIR / target).exists(), f"glossary.md links {target}, which does not exist"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda n: n.name)
def test_no_lesson_needs_a_setting_for_its_images(notebook):
    """Labelled images come from helpers.sample.labelled_images (TUTORIAL_DATA, else the downloaded sample)."""
    code = "\n".join("".join(c["source"]) for c in cells(notebook) if c["cell_type"] == "code")
    assert "config.data_dir(" not in code and "read_dataset(config" not in code, (
        f"{notebook.name} reads TUTORIAL_DATA itself: use helpers.sample.labelled_images, which downloads the sample")
    assert not re.search(r"Needs:?\*?\*?:? *`?TUTORIAL_DATA", markdown(notebook)), (
        f"{notebook.name} still says it needs TUTORIAL_DATA")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda n: n.name)
def test_checked_outputs_are_tagged_and_no_errors_are_saved(notebook):
    code_cells = [c for c in cells(notebook) if c["cell_type"] == "code"]
    assert any("nbval-check-output" in c.get("metadata", {}).get("tags", []) for c in code_cells), (
        f"{notebook.name} has no cell tagged nbval-check-output")
    assert not any("NBVAL_" in "".join(c["source"]) for c in code_cells), (
        f"{notebook.name}: nbval markers belong in cell tags, not in comments the learner reads")
    assert not any(o.get("output_type") == "error" for c in code_cells for o in c.get("outputs", []))
    assert all(c.get("execution_count") for c in code_cells), f"{notebook.name} was saved with cells not run"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda n: n.name)
def test_saved_outputs_show_no_machine_paths_and_no_start_up_logs(notebook):
    for text in output_texts(notebook):
        assert not ABSOLUTE_PATH.search(text), f"{notebook.name} saved an absolute path: {text[:200]!r}"
        assert not START_UP_NOISE.search(text), f"{notebook.name} saved a library start-up log: {text[:200]!r}"


SANITIZE_FILE = NOTEBOOK_DIR / "nbval_sanitize.cfg"


def _checked_outputs():
    for notebook in NOTEBOOKS:
        for cell in cells(notebook):
            if "nbval-check-output" in cell.get("metadata", {}).get("tags", []):
                for output in cell.get("outputs", []):
                    yield "".join(output.get("text") or output.get("data", {}).get("text/plain", ""))


def test_each_sanitize_pattern_stands_for_a_value_a_checked_cell_measures():
    """nbval's sanitize file replaces measured values in checked outputs: each pattern must match one (a pattern
    that matches nothing would hide a change nobody meant to allow), and none may blank a whole output."""
    patterns = re.findall(r"^regex: (.+)$", SANITIZE_FILE.read_text(encoding="utf-8"), re.M)
    assert patterns, f"{SANITIZE_FILE.name} has no patterns"
    outputs = list(_checked_outputs())
    for pattern in patterns:
        matched = [text for text in outputs if re.search(pattern, text)]
        assert matched, f"{SANITIZE_FILE.name}: {pattern!r} matches no checked output"
        assert all(re.sub(pattern, "", text).strip() for text in matched), f"{pattern!r} blanks a whole output"


def test_nbval_is_given_the_sanitize_file(pytestconfig):
    assert pytestconfig.option.nbval_sanitize_with == str(SANITIZE_FILE.resolve())
