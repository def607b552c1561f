"""Figures on Markdown pages, drawn at build time by code in ``snippets/``.

A lab's figures come from its notebook (``hooks/figures.py``). A page that explains an idea can
have figures too, drawn by a tested module: ``snippets/<module>.py`` holds drawing functions in
the site's figure convention (``draw(variant)``, :mod:`snippets.plotting`) and lists them in a
``FIGURES`` dict by name. The page writes

    {{ page_figure("gap_figures", "optimal-gap", alt="What the figure shows, in words.") }}

and :func:`page_figure_html` draws the four variants (desktop or phone, light or dark), publishes
them beside the page (``<page>/figures/<module>-<name>[-dark|-phone|-phone-dark].svg``) and
returns the same responsive, zoomable markup as a lab figure. Drawings are cached under
``.cache/page-figures/``, keyed by the module's and the plotting module's source and
matplotlib's version, so an unchanged figure is not drawn again.

This module does not import MkDocs.
"""

from __future__ import annotations

import hashlib
import importlib
from pathlib import Path

from hooks.concepts import directory_url
from hooks.figures import SUFFIX, figure_html, svg_size
from snippets.labkit import VARIANT_NAMES

ROOT = Path(__file__).resolve().parent.parent


class PageFigureError(ValueError):
    """A page asked for a figure that no module draws, or gave it no alternative text."""


def _drawings(module: str) -> dict:
    path = ROOT / "snippets" / f"{module}.py"
    if not path.is_file():
        raise PageFigureError(f"page_figure: there is no snippets/{module}.py")
    figures = getattr(importlib.import_module(f"snippets.{module}"), "FIGURES", None)
    if not isinstance(figures, dict):
        raise PageFigureError(f"page_figure: snippets/{module}.py has no FIGURES dict of drawing functions")
    return figures


def _cache_key(module: str, name: str) -> str:
    import matplotlib

    digest = hashlib.sha256()
    for path in (ROOT / "snippets" / f"{module}.py", ROOT / "snippets" / "plotting.py"):
        digest.update(path.read_bytes())
    digest.update(f"{name}\0{matplotlib.__version__}".encode())
    return digest.hexdigest()[:16]


def draw_page_figure(module: str, name: str, cache_dir: Path) -> dict[str, bytes]:
    """The SVG of every variant of figure ``name`` of ``snippets/<module>.py``, drawn or cached."""
    drawings = _drawings(module)
    if name not in drawings:
        raise PageFigureError(f"page_figure: snippets/{module}.py draws no figure {name!r}; it draws {sorted(drawings)}")
    folder = Path(cache_dir) / f"{module}-{name}-{_cache_key(module, name)}"
    cached = {variant: folder / f"{variant}.svg" for variant in VARIANT_NAMES}
    if not all(path.is_file() for path in cached.values()):
        from snippets.plotting import VARIANTS as DRAWN, figure_variants

        folder.mkdir(parents=True, exist_ok=True)
        for variant, svg in figure_variants(drawings[name], DRAWN).items():
            cached[variant].write_bytes(svg)
    return {variant: path.read_bytes() for variant, path in cached.items()}


def page_figure_html(module: str, name: str, *, alt: str, page_uri: str, site_dir: str | Path,
                     cache_dir: str | Path) -> str:
    """Publish figure ``name`` of ``snippets/<module>.py`` beside the page and return its markup."""
    if not alt or not alt.strip():
        raise PageFigureError(f"{page_uri}: page_figure({module!r}, {name!r}) needs alt= saying what it shows")
    svgs = draw_page_figure(module, name, Path(cache_dir))
    folder = Path(site_dir) / directory_url(page_uri) / "figures"
    folder.mkdir(parents=True, exist_ok=True)
    variants = {}
    for variant, svg in svgs.items():
        filename = f"{module}-{name}{SUFFIX[variant]}.svg"
        (folder / filename).write_bytes(svg)
        width, height = svg_size(svg)
        variants[variant] = {"file": filename, "width": width, "height": height}
    return figure_html({"alt": alt, "variants": variants}, "figures/")
