"""MkDocs adapter for hooks/page_history.py: each page's last change in git, for the theme to show."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # MkDocs loads hooks by file path; the plain modules import as `hooks.*`
    sys.path.insert(0, str(ROOT))

from hooks import page_history  # noqa: E402
from hooks.labs import lab_source_uri  # noqa: E402


def on_page_context(context: dict, page, config, nav) -> dict:
    """``last_changed``: a date, or None where git cannot say for sure (a shallow clone, a generated page).

    A lab page is rendered from a generated ``.ipynb`` in the lab store; it is dated by the lab's ``.py``.
    """
    source = lab_source_uri(page.file.src_uri) or page.file.src_uri
    context["last_changed"] = page_history.last_change(Path(config.docs_dir) / source)
    return context
