"""``execute``: run a solution notebook and save it only when the run is clean."""

import asyncio
import os
import time
from queue import Empty

import nbformat
import pytest
from nbformat.v4 import new_code_cell

import synthetic_notebooks as syn
from tutorial_lib.authoring.execute import WIDGET_STATE_MIME, waking_in_slices
from tutorial_lib.authoring.notebook_io import read_notebook
from tutorial_lib.cli import main

pytestmark = pytest.mark.notebooks


def without_outputs(nb):
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nb


def test_execute_saves_outputs_without_timestamps(tmp_path, monkeypatch, capsys):
    path = syn.write_solution(tmp_path, without_outputs(syn.demo_solution()))
    monkeypatch.chdir(tmp_path)
    assert main(["execute"]) == 0
    assert capsys.readouterr().out == f"executed and saved {os.path.join('solutions', path.name)}\n"
    nb = read_notebook(path)
    assert nb.cells[4].outputs[0].text == "Exercise 99.1: passed the public checks.\n"
    assert nb.cells[8].outputs[0].text == "steps: [0.  0.5 1. ]\n"
    assert all("execution" not in cell.metadata for cell in nb.cells), "record_timing must be off"
    assert [c.execution_count for c in nb.cells if c.cell_type == "code"] == list(range(1, 15))
    assert path.read_bytes() == (nbformat.writes(nb) + "\n").encode()


def test_errors_and_warnings_are_reported_and_the_file_is_not_overwritten(tmp_path, capsys):
    nb = syn.notebook(
        new_code_cell("import warnings\nwarnings.warn('deprecated thing')"),
        new_code_cell("1 / 0"),
        new_code_cell("print('never reached')"),
    )
    path = syn.write_solution(tmp_path, nb)
    before = path.read_bytes()
    assert main(["execute", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"error: {path} was not saved:" in err
    assert f"cell 0 (id '{nb.cells[0].id}'): wrote to stderr (warnings go there too): " in err
    assert "UserWarning: deprecated thing" in err
    assert f"cell 1 (id '{nb.cells[1].id}'): raised ZeroDivisionError: division by zero" in err
    assert path.read_bytes() == before


def test_a_cell_over_the_time_limit_is_an_error(tmp_path, capsys):
    nb = syn.notebook(new_code_cell("import time\ntime.sleep(60)"))
    path = syn.write_solution(tmp_path, nb)
    before = path.read_bytes()
    assert main(["execute", "--timeout", "1", str(path)]) == 1
    assert f"cell 0 (id '{nb.cells[0].id}'): ran longer than 1 s and was interrupted" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_executing_twice_saves_the_same_bytes_widget_ids_included(tmp_path, capsys):
    """An explorer's widgets get random ids in the kernel; execute saves ids that depend only on the
    notebook, so re-running an unchanged solution changes nothing in git."""
    explorer = ("import ipywidgets\n"
                "ipywidgets.interactive(lambda x: print('x =', x), x=ipywidgets.IntSlider(value=2, max=5))")
    path = syn.write_solution(tmp_path, syn.notebook(new_code_cell(explorer)))
    assert main(["execute", str(path)]) == 0
    first, written = path.read_bytes(), path.stat().st_mtime_ns
    assert main(["execute", str(path)]) == 0
    assert path.read_bytes() == first
    assert path.stat().st_mtime_ns == written, "an unchanged result must not even be rewritten"

    nb = read_notebook(path)
    state = nb.metadata.widgets[WIDGET_STATE_MIME]["state"]
    [view] = [out.data["application/vnd.jupyter.widget-view+json"] for out in nb.cells[0].outputs
              if "application/vnd.jupyter.widget-view+json" in out.get("data", {})]
    assert view["model_id"] in state, "the output must point at a widget in the saved state"
    children = state[view["model_id"]]["state"]["children"]
    assert children and all(child.removeprefix("IPY_MODEL_") in state for child in children)
    assert "x = 2" in str(state), "the explorer's Output widget keeps what the function printed"


def test_printing_split_by_flushes_is_saved_as_one_output_but_order_is_kept(tmp_path):
    cell = ("import time\nfrom IPython.display import display, Markdown\n"
            "print('one', flush=True)\ntime.sleep(0.3)\nprint('two', flush=True)\ntime.sleep(0.3)\n"
            "display(Markdown('a figure, say'))\nprint('three')")
    path = syn.write_solution(tmp_path, syn.notebook(new_code_cell(cell)))
    assert main(["execute", str(path)]) == 0
    outputs = read_notebook(path).cells[0].outputs
    assert [o.output_type for o in outputs] == ["stream", "display_data", "stream"]
    assert outputs[0].text == "one\ntwo\n" and outputs[2].text == "three\n"


class _SleepyChannel:
    """A channel that sleeps through its wake-up, the way a zmq shell socket can after a send
    (jupyter/nbclient#312): a wait returns a message only when its timeout ends."""

    def __init__(self, arrives_after: float | None):
        self.arrives_at = None if arrives_after is None else time.monotonic() + arrives_after

    async def get_msg(self, timeout=None):
        await asyncio.sleep(timeout)
        if self.arrives_at is not None and time.monotonic() >= self.arrives_at:
            return {"msg_type": "execute_reply"}
        raise Empty


def test_a_reply_that_arrived_unannounced_is_read_within_a_slice():
    get_msg = waking_in_slices(_SleepyChannel(arrives_after=0.05).get_msg, slice_s=0.1)
    start = time.monotonic()
    assert asyncio.run(get_msg(timeout=30)) == {"msg_type": "execute_reply"}
    assert time.monotonic() - start < 5, "the wait ran on towards the 30 s timeout"


def test_sliced_waits_still_time_out_when_no_reply_comes():
    get_msg = waking_in_slices(_SleepyChannel(arrives_after=None).get_msg, slice_s=0.1)
    start = time.monotonic()
    with pytest.raises(Empty):
        asyncio.run(get_msg(timeout=0.35))
    assert 0.35 <= time.monotonic() - start < 5
