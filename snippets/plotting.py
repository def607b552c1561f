"""Figure style for the labs: deterministic, compact SVG that reads in light and dark themes.

* Deterministic: a fixed ``svg.hashsalt`` (matplotlib otherwise derives element ids
  from a random salt) and no ``Date`` metadata, so re-running a lab gives the same bytes.
* Compact: text stays text (``svg.fonttype = "none"``) instead of glyph outlines.
* Legible in both site themes: every figure is drawn on an opaque white card with
  dark text, and the colours (Okabe & Ito's colour-blind-safe palette) are chosen
  for a white background, so the site's dark theme cannot swallow them.

:func:`show` displays a figure as an ``image/svg+xml`` output, which is what the
site build extracts from a tagged notebook cell.
"""

from __future__ import annotations

import io
from typing import Any

__all__ = ["PALETTE", "svg_bytes", "show", "show_results", "use_lab_style"]

#: Okabe & Ito (2008) palette: distinguishable with the common colour-vision deficiencies.
PALETTE = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#6B6B6B",
}

_STYLE: dict[str, Any] = {
    "svg.hashsalt": "label-smoothing-labs",
    "svg.fonttype": "none",
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "axes.facecolor": "white",
    "axes.edgecolor": "#333333",
    "axes.labelcolor": "#111111",
    "text.color": "#111111",
    "xtick.color": "#333333",
    "ytick.color": "#333333",
    "axes.grid": True,
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "font.family": "sans-serif",
    "font.size": 10,
    "axes.titlesize": 10.5,
    "legend.frameon": False,
    "lines.linewidth": 1.8,
    "path.simplify": True,
    "axes.prop_cycle": None,  # filled in by use_lab_style
}


def use_lab_style() -> None:
    """Apply the lab style to matplotlib's global rcParams."""
    import matplotlib as mpl
    from cycler import cycler

    style = dict(_STYLE)
    style["axes.prop_cycle"] = cycler(
        color=[PALETTE[c] for c in ("blue", "vermillion", "green", "orange", "purple", "sky", "black")]
    )
    mpl.rcParams.update(style)


def svg_bytes(fig: Any) -> bytes:
    """Render a figure to deterministic SVG bytes (and close it)."""
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    with mpl.rc_context({"svg.hashsalt": _STYLE["svg.hashsalt"], "svg.fonttype": "none"}):
        fig.savefig(buffer, format="svg", bbox_inches="tight", pad_inches=0.12, metadata={"Date": None})
    plt.close(fig)
    return buffer.getvalue()


def show(fig: Any) -> None:
    """Display a figure in the notebook as SVG (the output the site build publishes)."""
    from IPython.display import display

    display({"image/svg+xml": svg_bytes(fig).decode("utf-8")}, raw=True)


def show_results(results: dict[str, Any]) -> None:
    """Display a lab's headline numbers as JSON (the build saves them for the concept page)."""
    import json

    from IPython.display import display

    text = json.dumps(results, indent=2, sort_keys=True, allow_nan=False)
    display({"application/json": json.loads(text), "text/plain": text}, raw=True)
