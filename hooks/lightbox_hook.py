"""Adapter: mkdocs-glightbox's scripts deferred (see :func:`hooks.figures.defer_lightbox`)."""

from __future__ import annotations

import sys
from pathlib import Path

from mkdocs.plugins import event_priority

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from hooks.figures import defer_lightbox  # noqa: E402


@event_priority(-100)  # after the glightbox plugin (priority 0) has added its scripts
def on_post_page(output: str, page, config) -> str:
    return defer_lightbox(output)
