"""MkDocs adapter for the labs: run them before mkdocs-jupyter sees the files, publish what they made.

For every lab (``docs/**/labs/*.py``, see ``hooks/labs.py``), ``on_files``:

1. executes it, or reuses its cached execution (labs run side by side; ``CI=true`` runs fresh);
2. saves its results for the ``lab`` macro (``hooks/lab_results.py``);
3. replaces the lab's ``.py`` File by ``<lab>.ipynb`` read from the executed copy, which
   mkdocs-jupyter (``include: ["labs/*.ipynb"]``) renders as the lab's page; the ``.ipynb`` is
   also published at ``<lab>/<lab>.ipynb`` for download, and MkDocs validates links to it;
4. publishes each ``figure:<name>`` cell's four variants as
   ``<labs folder>/figures/<lab>-<name>[-phone][-dark].svg``, saves their alt text and sizes for
   the ``lab_figure`` macro, shows them on the lab page as the same ``<picture>`` markup, and
   keeps only the desktop, light image in the download (``hooks/figures.py``).

A lab that fails stops the build with a message naming the lab file and cell.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # MkDocs loads hooks by file path; the plain modules import as `hooks.*`
    sys.path.insert(0, str(ROOT))

from hooks.figures import extract_figures, manifest_json, primary_variant_only, replace_figure_outputs  # noqa: E402
from hooks.lab_results import extract_results, results_json, results_path  # noqa: E402
from hooks.labs import LabError, find_labs, lab_cache_dir, run_lab, running_in_ci, write_if_changed  # noqa: E402

log = logging.getLogger("mkdocs.hooks.labs")


@event_priority(100)  # before mkdocs-jupyter (priority 0), which wraps notebook files
def on_files(files: Files, config) -> Files:
    import nbformat

    labs = find_labs((file.src_uri, file.abs_src_path) for file in files)
    if not labs:
        return files
    cache = lab_cache_dir(Path(config.config_file_path).parent)
    fresh = running_in_ci()
    start = time.perf_counter()
    try:
        with ThreadPoolExecutor(max_workers=max(1, min(len(labs), os.cpu_count() or 1))) as pool:
            runs = list(pool.map(lambda lab: run_lab(lab, cache, fresh=fresh), labs))
        for lab, run in zip(labs, runs):
            nb = run.notebook
            write_if_changed(results_path(cache / "results", lab.key), results_json(extract_results(nb, lab.name)))
            figures = extract_figures(nb, lab.name)
            write_if_changed(cache / "figures" / f"{lab.key}.json", manifest_json(figures))
            executed = cache / "executed" / lab.page_uri
            page = replace_figure_outputs(nb, lab.name, base_url="../figures/")  # the page is <labs>/<lab>/
            write_if_changed(executed, nbformat.writes(page).encode("utf-8"))
            # A real File with a src_dir, not File.generated: mkdocs-jupyter's wrapper recomputes
            # abs_src_path from src_dir.
            files.remove(files.get_file_from_path(lab.src_uri))
            files.append(File(lab.page_uri, src_dir=str(cache / "executed"), dest_dir=config.site_dir,
                              use_directory_urls=config.use_directory_urls))
            download = nbformat.writes(primary_variant_only(nb)).encode("utf-8")
            files.append(File.generated(config, f"{lab.key}/{lab.name}.ipynb", content=download))
            for figure in figures.values():
                for filename, content in figure.files().items():
                    files.append(File.generated(config, f"{lab.figures_folder}/{filename}", content=content))
            log.info("lab %s: %s", lab.key, "cached" if run.seconds is None else f"executed in {run.seconds:.1f} s")
    except LabError as error:
        raise PluginError(str(error)) from None
    log.info("labs: %d ready in %.1f s%s", len(labs), time.perf_counter() - start, " (CI: fresh)" if fresh else "")
    return files
