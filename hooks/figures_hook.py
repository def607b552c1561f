"""MkDocs adapter for lab figures on pages (see :mod:`hooks.figures`).

* ``on_page_content``: a Markdown image of a lab figure's desktop, light SVG becomes the
  responsive markup (phone and dark variants, lightbox link), before the glightbox plugin
  would wrap the bare ``<img>`` itself.
* ``on_post_page``: mkdocs-glightbox's scripts wait for the page, like the site's other scripts.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mkdocs.plugins import event_priority

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # MkDocs loads hooks by file path; the plain modules import as `hooks.*`
    sys.path.insert(0, str(ROOT))

from hooks.figures import defer_lightbox, load_manifests, upgrade_figure_images  # noqa: E402
from hooks.lab_store import LabStore  # noqa: E402


@event_priority(50)  # after the labs have run (on_files), before the glightbox plugin (priority 0)
def on_page_content(html: str, page, config, files) -> str:
    manifests = load_manifests(LabStore.of_project(Path(config.config_file_path).parent).figures_dir)
    return upgrade_figure_images(html, page.url, manifests)


@event_priority(-100)  # after the glightbox plugin (priority 0) has added its scripts
def on_post_page(output: str, page, config) -> str:
    return defer_lightbox(output)
