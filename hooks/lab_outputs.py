"""Everything a lab publishes, made from its executed notebook (see ``hooks/labs_hook.py``).

This module does not import MkDocs.
"""

from __future__ import annotations

from dataclasses import dataclass

from hooks.downloads import lab_bundle, notebook_code
from hooks.figures import LabFigure, extract_figures, manifest_json, primary_variant_only, replace_figure_outputs
from hooks.lab_pages import page_notebook
from hooks.lab_results import extract_results, results_json
from hooks.labs import Lab


@dataclass(frozen=True)
class LabOutputs:
    results: bytes  # the results cell's JSON, as the lab macro reads it
    page: bytes  # the notebook the lab's page renders: figure markup, cell tags applied (hooks/lab_pages.py)
    notebook: bytes  # the executed notebook as downloaded: code and outputs, one image per figure
    bundle: bytes  # the zip a reader downloads: that notebook, the snippets it imports, its pins
    figures: dict[str, LabFigure]  # every variant of every figure (hooks/figures.py)
    manifest: bytes  # the figures' files, sizes and alt text, for the lab_figure macro


def lab_outputs(lab: Lab, executed: str) -> LabOutputs:
    """Results, page copy, downloads and figures of ``lab`` from its executed notebook text."""
    import nbformat

    nb = nbformat.reads(executed, as_version=4)
    figures = extract_figures(nb, lab.name)
    page = page_notebook(replace_figure_outputs(nb, lab.name, base_url="../figures/"), lab.name)  # page: <labs>/<lab>/
    download = nbformat.writes(primary_variant_only(nb))
    return LabOutputs(
        results=results_json(extract_results(nb, lab.name)),
        page=nbformat.writes(page).encode("utf-8"),
        notebook=download.encode("utf-8"),
        bundle=lab_bundle(lab.name, download, notebook_code(nb)),
        figures=figures,
        manifest=manifest_json(figures),
    )
