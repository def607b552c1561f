"""Lab figures: publish every variant a lab drew, and the HTML that picks one by screen and scheme.

A lab cell tagged ``figure:<name>`` draws its figure with :func:`snippets.plotting.show_figure`,
which displays one SVG per variant (desktop or phone layout, light or dark scheme), each with
output metadata ``{"lab_figure": {"variant": "phone-dark", "alt": "..."}}``. This module (plain
Python, no MkDocs) turns those outputs into published files and markup:

* **Files**, in ``labs/figures/``: ``<lab>-<name>.svg`` (desktop, light), ``<lab>-<name>-dark.svg``,
  ``<lab>-<name>-phone.svg`` and ``<lab>-<name>-phone-dark.svg``.
* **Markup** (:func:`figure_html`): one ``<picture>`` per scheme. Its ``<img>`` is the desktop
  variant with Material's ``#only-light`` / ``#only-dark`` fragment, so the reader's scheme
  shows one of the two; a ``<source media="(max-width: 44.9375em)">`` swaps in the phone
  variant below Material's 720 px breakpoint. Each picture sits in a GLightbox link
  (``class="glightbox"``, from mkdocs-glightbox) that opens its scheme's variant full size, the
  phone variant on a phone (``data-srcset``/``data-sizes``); ``off-glb`` on the ``<img>`` stops
  the plugin from wrapping it a second time.
  ``width``/``height`` come from the SVGs, the alternative text from the lab.

The same markup is used on the lab page (:func:`replace_figure_outputs` swaps a figure cell's
four images for it) and on Markdown pages through the ``lab_figure`` macro (``hooks/macros.py``),
which reads the manifest that :func:`manifest` builds. This module does not import MkDocs.
"""

from __future__ import annotations

import copy
import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hooks.labs import LabError
from snippets.labkit import FIGURE_METADATA_KEY, FIGURE_TAG, PRIMARY_VARIANT, VARIANT_NAMES, VARIANTS_ENV

#: Material's layout breakpoint: below 720 px the content column is at most 687 px, 343 px at 375.
PHONE_MEDIA = "(max-width: 44.9375em)"
#: File name suffix of each variant: the primary has none ("-dark", "-phone", "-phone-dark").
SUFFIX = {v: "".join(f"-{part}" for part in v.split("-") if part not in PRIMARY_VARIANT.split("-")) for v in VARIANT_NAMES}
_SVG_SIZE = re.compile(r"<svg\b[^>]*?\bwidth=\"([\d.]+)(pt|px)?\"[^>]*?\bheight=\"([\d.]+)(pt|px)?\"", re.S)
_PX_PER = {"pt": 4 / 3, "px": 1.0, None: 1.0}


class FigureError(LabError):
    """A figure cell broke the convention (the build fails with this message, naming the lab)."""


@dataclass
class LabFigure:
    """One tagged figure of a lab: its alternative text and its variants' files and sizes."""

    lab: str
    name: str
    alt: str
    svgs: dict[str, bytes] = field(default_factory=dict)

    def filename(self, variant: str) -> str:
        return f"{self.lab}-{self.name}{SUFFIX[variant]}.svg"

    def size(self, variant: str) -> tuple[int, int]:
        return svg_size(self.svgs[variant])

    def files(self) -> dict[str, bytes]:
        return {self.filename(v): self.svgs[v] for v in VARIANT_NAMES}

    def to_manifest(self) -> dict[str, Any]:
        return {
            "alt": self.alt,
            "variants": {v: {"file": self.filename(v), "width": self.size(v)[0], "height": self.size(v)[1]}
                         for v in VARIANT_NAMES},
        }


def svg_size(svg: bytes) -> tuple[int, int]:
    """Intrinsic width and height of an SVG in CSS pixels (matplotlib writes them in pt)."""
    match = _SVG_SIZE.search(svg[:4096].decode("utf-8", "replace"))
    if not match:
        raise FigureError("an SVG figure states no width and height")
    width, w_unit, height, h_unit = match.groups()
    return round(float(width) * _PX_PER[w_unit]), round(float(height) * _PX_PER[h_unit])


def _tags(cell: Any) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _figure_name(cell: Any, index: int, lab: str) -> str | None:
    names = [t[len(FIGURE_TAG):] for t in _tags(cell) if t.startswith(FIGURE_TAG)]
    if not names:
        return None
    if len(names) > 1:
        raise FigureError(f"Lab {lab}: cell {index} has {len(names)} figure tags; use one per cell")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", names[0]):
        raise FigureError(f"Lab {lab}: cell {index} has tag {FIGURE_TAG + names[0]!r}; use figure:<lowercase-name>")
    return names[0]


def extract_figures(nb: Any, lab: str) -> dict[str, LabFigure]:
    """Every figure of an executed lab by name, with all four variants (else FigureError)."""
    figures: dict[str, LabFigure] = {}
    for index, cell in enumerate(nb.cells):
        name = _figure_name(cell, index, lab)
        if name is None:
            continue
        if name in figures:
            raise FigureError(f"Lab {lab}: figure name {name!r} is used by more than one cell")
        figure = LabFigure(lab, name, alt="")
        for output in cell.get("outputs", []):
            data, meta = output.get("data", {}), output.get("metadata", {}).get(FIGURE_METADATA_KEY)
            if "image/svg+xml" not in data and "image/png" not in data:
                continue
            if not meta or "image/svg+xml" not in data:
                raise FigureError(
                    f"Lab {lab}: cell {index} tagged {FIGURE_TAG}{name} displayed an image that is not a figure "
                    "variant; draw it with snippets.plotting.show_figure"
                )
            variant, svg = meta.get("variant"), data["image/svg+xml"]
            if variant not in VARIANT_NAMES or variant in figure.svgs:
                raise FigureError(f"Lab {lab}: cell {index} displayed variant {variant!r} unexpectedly or twice")
            figure.svgs[variant] = ("".join(svg) if isinstance(svg, list) else svg).encode("utf-8")
            figure.alt = str(meta.get("alt", "")).strip()
        missing = [v for v in VARIANT_NAMES if v not in figure.svgs]
        if missing:
            raise FigureError(
                f"Lab {lab}: cell {index} tagged {FIGURE_TAG}{name} lacks the variants {missing}; the build draws "
                f"all four ({VARIANTS_ENV}=all) with snippets.plotting.show_figure"
            )
        if not figure.alt:
            raise FigureError(f"Lab {lab}: figure {name!r} has no alternative text")
        figures[name] = figure
    return figures


def manifest(figures: dict[str, LabFigure]) -> dict[str, Any]:
    """What pages need to include a lab's figures: per name, the alt text and each variant's file and size."""
    return {name: figure.to_manifest() for name, figure in figures.items()}


def manifest_json(figures: dict[str, LabFigure]) -> bytes:
    """The saved manifest (``<cache>/figures/<lab key>.json``): stable bytes."""
    return (json.dumps(manifest(figures), indent=2, sort_keys=True) + "\n").encode("utf-8")


def load_manifest(path: Path, lab: str) -> dict[str, Any]:
    """A saved manifest, or a clear error if the lab has none."""
    if not path.is_file():
        raise FigureError(f"No figures for lab {lab!r}: {path} does not exist (does the lab have figure: cells?)")
    return json.loads(path.read_text(encoding="utf-8"))


def figure_html(entry: dict[str, Any], base_url: str, *, alt: str | None = None, inline: bool = False) -> str:
    """The responsive, scheme-aware, zoomable markup of one figure (an entry of :func:`manifest`).

    ``base_url`` is the figures folder relative to the page, with a trailing slash (``"labs/figures/"``).
    ``inline`` wraps it in a ``<span>`` (styled as a block) instead of a ``<div>``, for a figure
    that stands where an ``<img>`` stood inside a paragraph.
    """
    text = html.escape(alt if alt is not None else entry["alt"], quote=True)
    variants = entry["variants"]
    parts = []
    for scheme, fragment in (("light", "#only-light"), ("dark", "#only-dark")):
        desktop, phone = variants[f"desktop-{scheme}"], variants[f"phone-{scheme}"]
        src = base_url + desktop["file"]
        parts.append(
            f'<a class="glightbox lab-figure__{scheme}" href="{src}" data-type="image" '
            f'data-gallery="lab-figures-{scheme}" data-width="auto" data-height="auto" '
            # In the lightbox, phones get the phone variant: a 3 px slot needs at most 9 device
            # pixels, which the narrower file already covers; elsewhere no file covers the slot
            # and the browser takes the widest, the desktop variant (figures.css sizes the image).
            f'data-srcset="{base_url + phone["file"]} {phone["width"]}w, {src} {desktop["width"]}w" '
            f'data-sizes="{PHONE_MEDIA} 3px, {desktop["width"]}px" '
            f'aria-label="Open the figure full size">'
            f'<picture>'
            f'<source media="{PHONE_MEDIA}" srcset="{base_url + phone["file"]}" '
            f'width="{phone["width"]}" height="{phone["height"]}">'
            f'<img class="off-glb" src="{src}{fragment}" alt="{text}" '
            f'width="{desktop["width"]}" height="{desktop["height"]}" loading="lazy" decoding="async">'
            f'</picture></a>'
        )
    tag = "span" if inline else "div"
    return f'<{tag} class="lab-figure">{"".join(parts)}</{tag}>'


def replace_figure_outputs(nb: Any, lab: str, base_url: str) -> Any:
    """A copy of ``nb`` whose figure cells show :func:`figure_html` instead of their four SVGs."""
    figures = manifest(extract_figures(nb, lab))
    out = copy.deepcopy(nb)
    for index, cell in enumerate(out.cells):
        name = _figure_name(cell, index, lab)
        if name is None:
            continue
        kept = [o for o in cell.get("outputs", []) if not _is_image(o)]
        markup = {"output_type": "display_data", "metadata": {},
                  "data": {"text/html": figure_html(figures[name], base_url)}}
        cell["outputs"] = [*kept, _as_output(markup)]
    return out


def primary_variant_only(nb: Any) -> Any:
    """A copy of ``nb`` whose figure cells keep only the desktop, light SVG (for the download)."""
    out = copy.deepcopy(nb)
    for cell in out.cells:
        if any(t.startswith(FIGURE_TAG) for t in _tags(cell)):
            cell["outputs"] = [o for o in cell.get("outputs", []) if not _is_image(o)
                               or o.get("metadata", {}).get(FIGURE_METADATA_KEY, {}).get("variant") == PRIMARY_VARIANT]
    return out


def _is_image(output: Any) -> bool:
    data = output.get("data", {})
    return "image/svg+xml" in data or "image/png" in data


def _as_output(output: dict[str, Any]) -> Any:
    try:
        import nbformat

        return nbformat.from_dict(output)
    except ImportError:  # pragma: no cover - nbformat ships with nbclient
        return output


# ------------------------------------------------------------------ lightbox

_GLIGHTBOX_SCRIPT = re.compile(r'<script src="([^"]*glightbox\.min\.js)"></script>')
_GLIGHTBOX_INIT = '<script id="init-glightbox">'


def defer_lightbox(page: str) -> str:
    """Make mkdocs-glightbox's scripts wait for the page, like the site's other scripts.

    The plugin puts GLightbox in ``<head>`` (blocking the first paint) and starts it from an
    inline script that subscribes to Material's ``document$``, which this site's deferred
    Material bundle defines only after parsing. Deferring the library and turning the
    start-up script into a module (modules run after deferred scripts, in document order)
    keeps the page unblocked and the start-up after both.
    """
    page = _GLIGHTBOX_SCRIPT.sub(r'<script defer src="\1"></script>', page, count=1)
    return page.replace(_GLIGHTBOX_INIT, '<script id="init-glightbox" type="module">', 1)


# ------------------------------------------------------------------ plain Markdown images

_IMG = re.compile(r'<img\b[^>]*\bsrc="(?P<src>[^"#?]+\.svg)"[^>]*>')
_ALT = re.compile(r'\balt="(?P<alt>[^"]*)"')


def upgrade_figure_images(page_html: str, page_url: str, manifests: dict[str, dict[str, Any]]) -> str:
    """Replace each ``<img>`` of a lab figure's desktop, light SVG by :func:`figure_html` markup.

    A page may include a lab figure as an ordinary Markdown image,
    ``![what it shows](labs/figures/calibration-reliability.svg)``, which MkDocs link-checks;
    here it gains its phone and dark variants and the lightbox link, and keeps its own alt text.
    ``manifests`` maps a figures folder (site path, ``.../labs/figures``) to the merged
    manifests of its labs; ``page_url`` is the page's URL (``a/b/`` or ``a/b.html``).
    """
    page_dir = page_url if page_url.endswith("/") or not page_url else page_url.rsplit("/", 1)[0] + "/"

    def upgrade(match: re.Match[str]) -> str:
        src = match["src"]
        if re.match(r"^(?:[a-z]+:|/)", src):
            return match[0]
        folder, _, filename = _normalise(page_dir + src).rpartition("/")
        entry = next((e for e in manifests.get(folder, {}).values()
                      if e["variants"][PRIMARY_VARIANT]["file"] == filename), None)
        if entry is None:
            return match[0]
        alt = _ALT.search(match[0])
        base = src[: len(src) - len(filename)]
        return figure_html(entry, base, alt=html.unescape(alt["alt"]) if alt else None, inline=True)

    return _IMG.sub(upgrade, page_html)


def _normalise(path: str) -> str:
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            parts.pop() if parts else None
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


def load_manifests(figures_cache: Path) -> dict[str, dict[str, Any]]:
    """Every saved manifest under ``<cache>/figures``, by figures folder (``<labs folder>/figures``)."""
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(figures_cache.rglob("*.json")) if figures_cache.is_dir() else []:
        key = path.relative_to(figures_cache).with_suffix("").as_posix()  # <labs folder>/<lab>
        labs_folder, lab = key.rsplit("/", 1) if "/" in key else ("", key)
        folder = f"{labs_folder}/figures" if labs_folder else "figures"
        for name, entry in json.loads(path.read_text(encoding="utf-8")).items():
            found.setdefault(folder, {})[f"{lab}/{name}"] = entry
    return found
