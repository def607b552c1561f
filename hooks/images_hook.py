"""MkDocs adapter for ``hooks/images.py``: sizes and lazy loading for every page's images."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # MkDocs loads hooks by file path; the plain modules import as `hooks.*`
    sys.path.insert(0, str(ROOT))

from hooks.images import add_image_attributes  # noqa: E402


def on_page_content(html: str, page, config, files) -> str:
    def read_site_file(path: str) -> bytes | None:
        file = files.get_file_from_path(path)
        return file.content_bytes if file is not None else None

    return add_image_attributes(html, page.url, read_site_file)
