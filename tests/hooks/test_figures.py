"""A lab's figure cells become image files (hooks/figures.py)."""

from __future__ import annotations

import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from hooks.figures import extract_figures
from hooks.labs import LabError


def _nb(*cells):
    return new_notebook(cells=list(cells))


def _cell(tags, *outputs):
    cell = new_code_cell("pass", metadata={"tags": list(tags)})
    cell.outputs = list(outputs)
    return cell


SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10pt" height="5pt"></svg>'


def test_figures_are_extracted_by_tag():
    nb = _nb(
        _cell([], new_output("display_data", data={"image/svg+xml": SVG})),  # untagged: ignored
        _cell(["figure:reliability"], new_output("stream", name="stdout", text="hi\n"),
              new_output("display_data", data={"image/svg+xml": SVG, "text/plain": "<Figure>"})),
        _cell(["figure:big-one"], new_output("display_data", data={"image/png": "iVBORw0KGgo="})),
    )
    figures = extract_figures(nb, "calibration")
    assert figures == {
        "calibration-reliability.svg": SVG.encode(),
        "calibration-big-one.png": b"\x89PNG\r\n\x1a\n",
    }


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ([_cell(["figure:empty"])], "displayed 0 images; expected exactly 1"),
        ([_cell(["figure:two"], *[new_output("display_data", data={"image/svg+xml": SVG})] * 2)], "displayed 2 images"),
        ([_cell(["figure:Bad_Name"], new_output("display_data", data={"image/svg+xml": SVG}))], "use figure:<lowercase-name>"),
        (
            [_cell(["figure:same"], new_output("display_data", data={"image/svg+xml": SVG})) for _ in range(2)],
            "figure name 'same' is used by more than one cell",
        ),
    ],
)
def test_bad_figure_cells_fail_the_build(cells, message):
    with pytest.raises(LabError, match=message):
        extract_figures(_nb(*cells), "lab")
