"""How a lab's cells show on its page: the cell-tag contract.

A lab's page is rendered from a copy of its executed notebook made by :func:`page_notebook`;
the download keeps the notebook as it ran. Tags (``# %% tags=["fold"]`` in the jupytext source):

``prose``
    The cell's output is Markdown written from results (``display(Markdown(f"..."))``). The page
    shows only that Markdown, as prose: no code, no prompt, no output box. Every output of the
    cell must be Markdown, except the plain-text repr of its last expression's value (such as
    the handle ``display(..., display_id=...)`` returns), which is not shown. A prose cell with
    no output of its own (one that fills in another's with ``update_display``) is left out.
``fold``
    Plotting or bookkeeping code: the input is folded behind a "Show code" control, the outputs
    show. (:func:`fold_code` works on the rendered HTML, where the tag is a ``celltag_fold`` class.)
``results``
    The cell displays the lab's results as ``application/json`` (``show_results``); the page
    drops that output (the build reads it, see ``hooks/lab_results.py``) and folds the code.
``figure:<name>``
    Publishes the cell's image (``hooks/figures.py``); the cell shows as usual.

Untagged code cells show in full: they are the code that teaches. The tag names themselves are
not shown on the page.

This module does not import MkDocs.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from hooks.labs import LabError
from snippets.labkit import FOLD_TAG, PROSE_TAG, RESULTS_MIME, RESULTS_TAG

FOLD_SUMMARY = "Show code"

_DIV = re.compile(r"<(/?)div\b[^>]*>")
_CELL_START = re.compile(r'<div class="jp-Cell (?P<classes>[^"]*)"[^>]*>')
_INPUT_WRAPPER = re.compile(r'<div class="jp-Cell-inputWrapper"[^>]*>')
_TAG_TOOLBAR = re.compile(r'<div class="celltoolbar">')


def _tags(cell: Any) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _text(value: str | list[str]) -> str:
    return "".join(value) if isinstance(value, list) else value


def _prose(cell: Any, index: int, lab: str) -> str:
    """The Markdown a ``prose`` cell displayed ("" if none), or a LabError saying what else it output."""
    if cell.get("cell_type") != "code":
        raise LabError(f"Lab {lab}: cell {index} is tagged {PROSE_TAG!r} but is not a code cell")
    parts = []
    for output in cell.get("outputs", []):
        markdown = output.get("data", {}).get("text/markdown")
        if markdown is None and output.get("output_type") == "execute_result" and set(output["data"]) == {"text/plain"}:
            continue  # the value of the last expression, not something the cell displays
        if markdown is None:
            kind = output.get("name") or ", ".join(output.get("data", {})) or output.get("output_type")
            raise LabError(
                f"Lab {lab}: cell {index} is tagged {PROSE_TAG!r} but also outputs {kind}; "
                "a prose cell only displays Markdown (move the rest to another cell)"
            )
        parts.append(_text(markdown).strip())
    return "\n\n".join(parts)


def page_notebook(nb: Any, lab: str) -> Any:
    """The copy of executed notebook ``nb`` that the lab's page renders (``nb`` is not changed)."""
    from nbformat.v4 import new_markdown_cell

    page = copy.deepcopy(nb)
    cells = []
    for index, cell in enumerate(page.cells):
        tags = _tags(cell)
        if PROSE_TAG in tags:
            text = _prose(cell, index, lab)
            if not text:
                continue
            cell = new_markdown_cell(text, metadata={"tags": tags}, id=cell.get("id", f"cell-{index}"))
        elif RESULTS_TAG in tags:
            cell["outputs"] = [o for o in cell.get("outputs", []) if RESULTS_MIME not in o.get("data", {})]
            if FOLD_TAG not in tags:
                cell["metadata"]["tags"] = [*tags, FOLD_TAG]
        cells.append(cell)
    page.cells = cells
    return page


def _element_end(html: str, start: int) -> int:
    """Offset just past the ``</div>`` closing the ``<div>`` that starts at ``start``."""
    depth = 0
    for match in _DIV.finditer(html, start):
        depth += -1 if match[1] else 1
        if depth == 0:
            return match.end()
    raise ValueError(f"unclosed <div> at offset {start}")


def _drop_tag_labels(html: str) -> str:
    """Remove the tag labels nbconvert's template prints above each tagged cell."""
    out, last = [], 0
    for toolbar in _TAG_TOOLBAR.finditer(html):
        out.append(html[last : toolbar.start()])
        last = _element_end(html, toolbar.start())
    return "".join(out) + html[last:]


def fold_code(html: str) -> str:
    """Fold the input of every ``celltag_fold`` code cell behind a "Show code" control; drop tag labels."""
    html = _drop_tag_labels(html)
    cells = [(m.start(), {"jp-CodeCell", "celltag_fold"} <= set(m["classes"].split())) for m in _CELL_START.finditer(html)]
    out, last = [], 0
    for wrapper in _INPUT_WRAPPER.finditer(html):
        owner = [folded for start, folded in cells if start < wrapper.start()]
        if owner and owner[-1]:
            end = _element_end(html, wrapper.start())
            out += [html[last : wrapper.start()], f'<details class="lab-fold"><summary>{FOLD_SUMMARY}</summary>',
                    html[wrapper.start() : end], "</details>"]
            last = end
    return "".join(out) + html[last:]
