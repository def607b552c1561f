"""The cell-tag contract of lab pages (hooks/lab_pages.py), on HTML rendered by mkdocs-jupyter itself."""

from __future__ import annotations

import copy
import re

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from hooks.lab_pages import fold_code, page_notebook
from hooks.labs import LabError

JSON = {"ece": {"mean": 0.04}}


def _code(source, tags=(), *outputs):
    return new_code_cell(source, metadata={"tags": list(tags)} if tags else {}, outputs=list(outputs), execution_count=1)


def _markdown(text):
    return new_output("display_data", data={"text/markdown": text, "text/plain": "<IPython.core.display.Markdown object>"})


@pytest.fixture
def executed():
    return new_notebook(cells=[
        new_markdown_cell("# Lab: tags\n\nWhat it asks."),
        _code("model = train()  # teaches", (), new_output("stream", name="stdout", text="trained\n")),
        _code("fig = plot()  # plotting", ("fold", "figure:curve"),
              new_output("display_data", data={"image/svg+xml": "<svg width='1pt' height='1pt'></svg>"})),
        _code('display(Markdown(f"ECE fell to {ece:.3f}."), display_id="x")', ("prose",), _markdown("ECE fell to $0.040$."),
              new_output("execute_result", data={"text/plain": "<DisplayHandle display_id=x>"}, execution_count=1)),
        _code("show_results(results)", ("results",),
              new_output("display_data", data={"application/json": JSON, "text/plain": "{...}"})),
    ])


def test_page_copy_turns_prose_into_markdown_and_drops_the_results_json(executed):
    original = copy.deepcopy(executed)
    page = page_notebook(executed, "tags")
    assert executed == original, "the download keeps the notebook as it ran"
    prose = page.cells[3]
    assert prose.cell_type == "markdown" and prose.source == "ECE fell to $0.040$."
    results = page.cells[4]
    assert results.cell_type == "code" and results.outputs == []
    assert "fold" in results.metadata["tags"], "results code is bookkeeping: folded"
    assert page.cells[1] == executed.cells[1] and page.cells[2] == executed.cells[2]
    nbformat.validate(page)


@pytest.mark.parametrize(
    ("outputs", "message"),
    [
        ([_markdown("fine"), new_output("stream", name="stdout", text="x\n")], r"cell 0 .* also outputs stdout"),
        ([new_output("display_data", data={"image/png": "iVBOR"})], r"also outputs image/png"),
        ([_markdown("fine"), new_output("display_data", data={"text/plain": "printed by display"})], r"also outputs text/plain"),
    ],
)
def test_a_prose_cell_that_outputs_anything_but_markdown_fails(outputs, message):
    with pytest.raises(LabError, match=message):
        page_notebook(new_notebook(cells=[_code("x", ("prose",), *outputs)]), "lab")


def test_a_prose_cell_without_output_of_its_own_is_left_out():
    nb = new_notebook(cells=[_code("update_display(Markdown(summary), display_id='findings')", ("prose",)), _code("x")])
    assert [c.source for c in page_notebook(nb, "lab").cells] == ["x"]


def _render(nb, tmp_path) -> str:
    from mkdocs_jupyter.convert import nb2html

    path = tmp_path / "page.ipynb"
    nbformat.write(nb, path)
    return nb2html(str(path), theme="light")


def test_folded_cells_keep_their_outputs_visible_and_other_cells_stay(executed, tmp_path):
    html = fold_code(_render(page_notebook(executed, "tags"), tmp_path))
    folds = re.findall(r'<details class="lab-fold"><summary>Show code</summary>(.*?)</details>', html, re.S)
    assert len(folds) == 2, "the fold cell and the results cell"
    assert "plot" in folds[0] and "jp-OutputArea" not in folds[0] and "data:image/svg+xml" in html, "output stays outside"
    assert "show_results" in folds[1]
    assert "model" in html and not any("model" in fold for fold in folds), "untagged code stays visible"
    assert "ECE fell to" in html and "display(Markdown" not in html, "prose shows as prose, without its code"
    assert '<div class="celltoolbar">' not in html and 'class="cell-tag"' not in html, "tag labels are not shown"
    assert html.count("<div") == html.count("</div>")


def test_fold_code_leaves_pages_without_fold_cells_alone():
    page = '<div class="jp-Cell jp-CodeCell jp-Notebook-cell"><div class="jp-Cell-inputWrapper">x</div></div>'
    assert fold_code(page) == page
