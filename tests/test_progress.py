"""Progress bars: tqdm's bar on a terminal, one line updated in place in a notebook, so a saved notebook keeps the
final state and not the first frame or every redraw."""

import nbformat
from nbclient import NotebookClient
from tqdm.std import tqdm as terminal_tqdm

from helpers.progress import tqdm


def test_outside_jupyter_it_is_tqdms_terminal_bar(capsys):
    bar = tqdm(range(3), desc="decode")
    assert type(bar) is terminal_tqdm
    list(bar)
    assert "decode: 100%" in capsys.readouterr().err


def test_a_saved_notebook_keeps_one_final_line():
    cell = ("from helpers.progress import tqdm\n"
            "for _ in tqdm(range(40), desc='decode', unit='img', mininterval=0):\n"
            "    pass\n"
            "print('after')")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell)])
    NotebookClient(notebook, kernel_name="python3", timeout=120,
                   resources={"metadata": {"path": "."}}).execute()
    outputs = notebook.cells[0].outputs
    bars = [o for o in outputs if o.output_type == "display_data"]
    assert len(bars) == 1, outputs
    line = bars[0].data["text/plain"]
    assert line.startswith("decode: 100%") and "40/40" in line and "\n" not in line
    assert not any(o.get("name") == "stderr" for o in outputs), outputs
    assert [o.text for o in outputs if o.output_type == "stream"] == ["after\n"]
