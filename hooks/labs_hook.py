"""MkDocs adapter for the labs: run them before mkdocs-jupyter sees the files, publish what they made.

For every lab (``docs/**/labs/*.py``, see ``hooks/labs.py``), ``on_files``:

1. executes it, or reuses a stored execution, as ``LAB_EXECUTION`` says (``cache``, ``force``
   or ``off``: ``hooks/labs.py``); labs run side by side;
2. saves its results for the ``lab`` macro (``hooks/lab_results.py``);
3. replaces the lab's ``.py`` File by ``<lab>.ipynb``: the page copy of the executed notebook
   (``hooks/lab_pages.py``), which mkdocs-jupyter (``include: ["labs/*.ipynb"]``) renders;
4. publishes the download beside the page, ``<lab>/<lab>.zip`` (``hooks/downloads.py``): the
   executed notebook, with only the desktop, light image of each figure, and what it needs to run;
5. publishes each ``figure:<name>`` cell's four variants as
   ``<labs folder>/figures/<lab>-<name>[-phone][-dark].svg`` and saves their alt text and sizes
   for the ``lab_figure`` macro; the lab page shows them as the same ``<picture>`` markup
   (``hooks/figures.py``).

On lab pages, ``on_page_content`` folds the code of ``fold`` cells, and ``on_page_context``
hands the theme (``overrides/partials/content.html``) the zip and points the page's source link
at the lab's ``.py``. A lab that fails stops the build with a message naming the lab file and cell.
"""

from __future__ import annotations

import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # MkDocs loads hooks by file path; the plain modules import as `hooks.*`
    sys.path.insert(0, str(ROOT))

from hooks.downloads import DownloadError  # noqa: E402
from hooks.lab_outputs import LabOutputs, lab_outputs  # noqa: E402
from hooks.lab_pages import fold_code  # noqa: E402
from hooks.lab_store import LabStore, write_if_changed  # noqa: E402
from hooks.labs import Lab, LabError, LabExecution, find_labs, run_lab  # noqa: E402

log = get_plugin_logger("labs")  # the engine's own plugin logger (shown, and counted by --strict); prefix "labs: "

_labs: dict[str, Lab] = {}  # page src_uri -> lab, for this build
_outputs: dict[str, tuple[str, LabOutputs]] = {}  # lab key -> (execution key, outputs): `properdocs serve` rebuilds


@event_priority(100)  # before mkdocs-jupyter (priority 0), which wraps notebook files
def on_files(files: Files, config) -> Files:
    _labs.clear()
    labs = find_labs((file.src_uri, file.abs_src_path) for file in files)
    if not labs:
        return files
    store = LabStore.of_project(Path(config.config_file_path).parent)
    start = time.perf_counter()
    try:
        policy = LabExecution.from_environment()
        with ThreadPoolExecutor(max_workers=max(1, min(len(labs), os.cpu_count() or 1))) as pool:
            runs = list(pool.map(lambda lab: run_lab(lab, store, policy=policy), labs))
        for lab, run in zip(labs, runs):
            key, outputs = _outputs.get(lab.key, ("", None))
            if outputs is None or key != run.key:
                outputs = lab_outputs(lab, run.text)
                _outputs[lab.key] = (run.key, outputs)
            write_if_changed(store.results(lab.key), outputs.results)
            write_if_changed(store.manifest(lab.key), outputs.manifest)
            write_if_changed(store.page(lab.key), outputs.page)
            # A real File with a src_dir, not File.generated: mkdocs-jupyter's wrapper recomputes
            # abs_src_path from src_dir.
            files.remove(files.get_file_from_path(lab.src_uri))
            files.append(File(lab.page_uri, src_dir=str(store.pages_dir), dest_dir=config.site_dir,
                              use_directory_urls=config.use_directory_urls))
            _labs[lab.page_uri] = lab
            files.append(File.generated(config, bundle_uri(lab), content=outputs.bundle))
            for figure in outputs.figures.values():
                for filename, content in figure.files().items():
                    files.append(File.generated(config, f"{lab.figures_folder}/{filename}", content=content))
            log.info("%s: %s", lab.key, run.describe())
    except (LabError, DownloadError) as error:
        raise PluginError(str(error)) from None
    log.info("%d ready in %.1f s (LAB_EXECUTION=%s)", len(labs), time.perf_counter() - start, policy.value)
    return files


def bundle_uri(lab: Lab) -> str:
    """The zip beside the lab's page (``<lab>/`` is the page's folder with directory URLs)."""
    return f"{lab.key}/{lab.name}.zip"


def on_page_content(html: str, page, config, files) -> str:
    return fold_code(html) if page.file.src_uri in _labs else html


def on_page_context(context: dict, page, config, nav) -> dict:
    lab = _labs.get(page.file.src_uri)
    if lab is not None:
        context["lab_download"] = bundle_uri(lab)
        if page.edit_url:  # the page is rendered from an .ipynb; its source is the jupytext .py
            page.edit_url = page.edit_url.removesuffix(".ipynb") + ".py"
    return context
