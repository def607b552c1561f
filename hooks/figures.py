"""A lab's figures: every cell tagged ``figure:<name>`` becomes ``<labs folder>/figures/<lab>-<name>.svg``.

The cell must display exactly one image (``snippets.plotting.show``); an SVG output is published
as ``.svg``, a PNG as ``.png``, so pages use ordinary Markdown images that MkDocs link-checks.

This module does not import MkDocs.
"""

from __future__ import annotations

import base64
import re
from typing import Any

from hooks.labs import LabError

FIGURE_TAG = "figure:"


def extract_figures(nb: Any, lab_name: str) -> dict[str, bytes]:
    """Map ``<lab>-<name>.svg|png`` to image bytes for every cell tagged ``figure:<name>``."""
    figures: dict[str, bytes] = {}
    for index, cell in enumerate(nb.cells):
        tags = [t for t in cell.get("metadata", {}).get("tags", []) if t.startswith(FIGURE_TAG)]
        for tag in tags:
            name = tag[len(FIGURE_TAG) :]
            if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
                raise LabError(f"Lab {lab_name}: cell {index} has tag {tag!r}; use figure:<lowercase-name>")
            images = []
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if "image/svg+xml" in data:
                    svg = data["image/svg+xml"]
                    images.append(("svg", ("".join(svg) if isinstance(svg, list) else svg).encode("utf-8")))
                elif "image/png" in data:
                    images.append(("png", base64.b64decode(data["image/png"])))
            if len(images) != 1:
                raise LabError(
                    f"Lab {lab_name}: cell {index} tagged {tag!r} displayed {len(images)} images; expected exactly 1"
                )
            ext, content = images[0]
            filename = f"{lab_name}-{name}.{ext}"
            if filename in figures:
                raise LabError(f"Lab {lab_name}: figure name {name!r} is used by more than one cell")
            figures[filename] = content
    return figures
