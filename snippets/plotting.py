"""Figures for the labs: drawn once per layout and colour scheme, as deterministic, compact SVG.

A lab figure is a *drawing function* ``draw(variant) -> Figure``. :func:`show_figure` calls it
for every :class:`Variant` the site needs and displays each SVG with output metadata naming the
variant, which the site build (``hooks/figures.py``) publishes and picks by the reader's screen
and colour scheme:

* **layout** ``"desktop"``: drawn :data:`DESKTOP_WIDTH_IN` wide, which fits the content column
  of Material for MkDocs at 720 px and wider (686-757 CSS px measured in Chromium), so it is
  shown at its own size; ``"phone"``: :data:`PHONE_WIDTH_IN` wide, for the 343 px column at
  375 px (311 px inside a lab page's notebook). A drawing function reads ``variant.phone`` to re-arrange panels (2x2 instead of 1x4)
  or move a legend below the axes.
* **scheme** ``"light"`` or ``"dark"``: the page background of Material's default and slate
  schemes, text colours with at least 7:1 contrast on it, and Okabe & Ito's colour-blind-safe
  hues adjusted to at least 3:1 (``variant.colors``).

Text sizes follow from the widths: an SVG shown at its own size draws a ``font-size`` of s
points as 4/3 s CSS pixels, so the smallest text here, :data:`MIN_FONT_PT` = 9 pt, is 12 px, and
the superscripts of log-axis ticks (0.7 of that) are 8.4 px.

Deterministic: a fixed ``svg.hashsalt``, no ``Date`` metadata, fixed figure sizes (no tight
bounding box), so a lab run twice gives the same bytes. Compact: text stays text
(``svg.fonttype = "none"``). In a notebook opened outside the site build only the desktop,
light variant is drawn; the build sets ``LAB_FIGURE_VARIANTS=all`` in the kernel (the names
shared with the build are in ``snippets/labkit.py``).
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from snippets.labkit import ALL_VARIANTS, FIGURE_METADATA_KEY, LAYOUTS, RESULTS_MIME, SCHEME_NAMES, VARIANTS_ENV

__all__ = [
    "DESKTOP_WIDTH_IN",
    "MIN_FONT_PT",
    "PALETTE",
    "PHONE_WIDTH_IN",
    "RUN_HUES",
    "SCHEMES",
    "VARIANTS",
    "Variant",
    "check_fits",
    "run_color",
    "run_label",
    "figure_variants",
    "show_figure",
    "show_results",
    "svg_bytes",
    "use_lab_style",
]

#: Width of the desktop variant: 6.8 in = 490 pt = 653 CSS px, inside the 686 px content column.
DESKTOP_WIDTH_IN = 6.8
#: Width of the phone variant: 3.2 in = 230 pt = 307 CSS px, inside the 343 px column at 375 px
#: and the 311 px a lab page's notebook leaves there.
PHONE_WIDTH_IN = 3.2
#: Smallest font size on any figure, in points (12 CSS px at the figure's own size).
MIN_FONT_PT = 9.0

#: Colours by scheme. Backgrounds are Material's page backgrounds (white; slate #1e2129).
#: Hues are Okabe & Ito (2008), darkened (light) or lightened (dark) where needed for 3:1.
SCHEMES: dict[str, dict[str, str]] = {
    "light": {
        "background": "#ffffff",
        "text": "#1a1a1a",
        "axis": "#333333",
        "grid": "#dddddd",
        "fill": "#c4c4c4",
        "reference": "#1a1a1a",
        "blue": "#0072B2",
        "vermillion": "#D55E00",
        "green": "#009E73",
        "orange": "#BD8300",
        "sky": "#1D96DB",
        "purple": "#C26D9C",
        "grey": "#6B6B6B",
    },
    "dark": {
        "background": "#1e2129",
        "text": "#e2e4e9",
        "axis": "#c4c7ce",
        "grid": "#3a3f4b",
        "fill": "#4a5060",
        "reference": "#e2e4e9",
        "blue": "#3D9BE9",
        "vermillion": "#EF6900",
        "green": "#00B383",
        "orange": "#E69F00",
        "sky": "#7FC6F0",
        "purple": "#CC79A7",
        "grey": "#9AA0A6",
    },
}
#: The light scheme's colours (for code that draws a single figure).
PALETTE = SCHEMES["light"]
_HUES = ("blue", "vermillion", "green", "orange", "purple", "sky", "grey")

#: The chapter's one colour per run, a hue of :data:`SCHEMES`: hard labels vermillion, smoothed
#: labels blue, in the hero widget, the labs and the math page's figures alike. Nothing else the
#: chapter draws uses these two hues, so a colour always means the same kind of run.
RUN_HUES = {"hard": "vermillion", "smoothed": "blue"}


def run_color(run: str, scheme: str = "light") -> str:
    """The colour of ``run`` ("hard" or "smoothed") in ``scheme``."""
    if run not in RUN_HUES:
        raise ValueError(f"run must be one of {sorted(RUN_HUES)}, got {run!r}")
    return SCHEMES[scheme][RUN_HUES[run]]


def run_label(run: str, alpha: float | None = None) -> str:
    """A run's name in legends, as the hero names it: "trained on hard labels", "trained on smoothed labels (α = 0.1)"."""
    if run not in RUN_HUES:
        raise ValueError(f"run must be one of {sorted(RUN_HUES)}, got {run!r}")
    if run == "hard":
        return "trained on hard labels"
    return "trained on smoothed labels" + ("" if alpha is None else f" (α = {alpha:g})")


@dataclass(frozen=True)
class Variant:
    """One rendering of a figure: a layout ("desktop"/"phone") and a colour scheme ("light"/"dark")."""

    layout: str
    scheme: str

    @property
    def name(self) -> str:
        return f"{self.layout}-{self.scheme}"

    @property
    def phone(self) -> bool:
        return self.layout == "phone"

    @property
    def width(self) -> float:
        """Figure width in inches."""
        return PHONE_WIDTH_IN if self.phone else DESKTOP_WIDTH_IN

    @property
    def colors(self) -> dict[str, str]:
        return SCHEMES[self.scheme]

    def figsize(self, height: float) -> tuple[float, float]:
        """``(width, height)`` in inches for ``plt.subplots(figsize=...)``."""
        return (self.width, float(height))


VARIANTS = tuple(Variant(layout, scheme) for layout in LAYOUTS for scheme in SCHEME_NAMES)


def _style(scheme: str) -> dict[str, Any]:
    from cycler import cycler

    c = SCHEMES[scheme]
    return {
        "svg.hashsalt": "label-smoothing-labs",
        "svg.fonttype": "none",
        "figure.facecolor": c["background"],
        "savefig.facecolor": c["background"],
        "axes.facecolor": c["background"],
        "axes.edgecolor": c["axis"],
        "axes.labelcolor": c["text"],
        "text.color": c["text"],
        "xtick.color": c["axis"],
        "ytick.color": c["axis"],
        "xtick.labelcolor": c["text"],
        "ytick.labelcolor": c["text"],
        "legend.labelcolor": c["text"],
        "axes.titlecolor": c["text"],
        "axes.grid": True,
        "grid.color": c["grid"],
        "grid.linewidth": 0.6,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "font.family": "sans-serif",
        "font.size": MIN_FONT_PT,
        "axes.titlesize": 10.0,
        "axes.labelsize": MIN_FONT_PT,
        "xtick.labelsize": MIN_FONT_PT,
        "ytick.labelsize": MIN_FONT_PT,
        "legend.fontsize": MIN_FONT_PT,
        "legend.title_fontsize": MIN_FONT_PT,
        "figure.titlesize": 10.0,
        "legend.frameon": False,
        "lines.linewidth": 1.8,
        "path.simplify": True,
        "figure.constrained_layout.use": True,
        "axes.prop_cycle": cycler(color=[c[h] for h in _HUES]),
    }


def use_lab_style(scheme: str = "light") -> None:
    """Apply the lab style of ``scheme`` to matplotlib's global rcParams."""
    import matplotlib as mpl

    mpl.rcParams.update(_style(scheme))


def svg_bytes(fig: Any) -> bytes:
    """Render a figure to deterministic SVG bytes at its own size (and close it)."""
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    with mpl.rc_context({"svg.hashsalt": "label-smoothing-labs", "svg.fonttype": "none"}):
        fig.savefig(buffer, format="svg", facecolor=fig.get_facecolor(), metadata={"Date": None})
    plt.close(fig)
    return buffer.getvalue()


def check_fits(fig: Any, name: str = "figure") -> None:
    """Raise ValueError if anything drawn (a title, a label, a legend) reaches past the figure's edges.

    Fixed-size figures do not grow to fit their text, so a long title on a phone variant would be
    cut off; this catches it when the lab runs.
    """
    fig.canvas.draw()
    drawn = fig.get_tightbbox(fig.canvas.get_renderer())
    page = fig.bbox_inches
    tolerance = 0.5 / 72  # half a point: rounding of text extents
    if (drawn.x0 < page.x0 - tolerance or drawn.y0 < page.y0 - tolerance
            or drawn.x1 > page.x1 + tolerance or drawn.y1 > page.y1 + tolerance):
        raise ValueError(
            f"{name}: what is drawn spans x {drawn.x0:.2f}..{drawn.x1:.2f} in, y {drawn.y0:.2f}..{drawn.y1:.2f} in, "
            f"beyond the {page.width:.2f} x {page.height:.2f} in figure: shorten or wrap a title, label or legend"
        )


def figure_variants(draw: Callable[[Variant], Any], variants: tuple[Variant, ...] = VARIANTS) -> dict[str, bytes]:
    """SVG bytes of ``draw(variant)`` for each variant, each drawn under its scheme's style.

    Every variant must fit inside its figure (:func:`check_fits`).
    """
    import matplotlib as mpl

    out = {}
    for variant in variants:
        with mpl.rc_context(_style(variant.scheme)):
            fig = draw(variant)
            check_fits(fig, f"variant {variant.name}")
            out[variant.name] = svg_bytes(fig)
    return out


def show_figure(draw: Callable[[Variant], Any], *, alt: str) -> None:
    """Display the figure ``draw`` makes, once per variant the site needs.

    ``alt`` says what the figure shows (its finding, not only its title); the site uses it as
    the image's alternative text on the lab page and wherever a page includes the figure.
    """
    from IPython.display import display

    if not alt.strip():
        raise ValueError("alt must say what the figure shows; got an empty string")
    wanted = VARIANTS if os.environ.get(VARIANTS_ENV) == ALL_VARIANTS else VARIANTS[:1]
    for name, svg in figure_variants(draw, wanted).items():
        display({"image/svg+xml": svg.decode("utf-8")}, metadata={FIGURE_METADATA_KEY: {"variant": name, "alt": alt}},
                raw=True)


def show_results(results: dict[str, Any]) -> None:
    """Display a lab's results as JSON (the build saves them for the pages' macros)."""
    from IPython.display import display

    text = json.dumps(results, indent=2, sort_keys=True, allow_nan=False)
    display({RESULTS_MIME: json.loads(text), "text/plain": text}, raw=True)
