"""Everything a lab publishes, made from its executed notebook (see ``hooks/labs_hook.py``).

This module does not import MkDocs.
"""

from __future__ import annotations

from dataclasses import dataclass

from hooks.downloads import lab_bundle, notebook_code
from hooks.figures import extract_figures
from hooks.lab_pages import page_notebook
from hooks.lab_results import extract_results, results_json
from hooks.labs import Lab


@dataclass(frozen=True)
class LabOutputs:
    results: bytes  # the results cell's JSON, as the lab macro reads it
    page: bytes  # the notebook the lab's page renders (hooks/lab_pages.py)
    bundle: bytes  # the zip a reader downloads
    figures: dict[str, bytes]  # file name -> image, for the labs folder's figures/


def lab_outputs(lab: Lab, executed: str) -> LabOutputs:
    """Results, page copy, download bundle and figures of ``lab`` from its executed notebook text."""
    import nbformat

    nb = nbformat.reads(executed, as_version=4)
    return LabOutputs(
        results=results_json(extract_results(nb, lab.name)),
        page=nbformat.writes(page_notebook(nb, lab.name)).encode("utf-8"),
        bundle=lab_bundle(lab.name, executed, notebook_code(nb)),
        figures=extract_figures(nb, lab.name),
    )
