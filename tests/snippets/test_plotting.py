"""Lab figures: deterministic, compact SVG on an opaque white card."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from snippets.plotting import PALETTE, svg_bytes, use_lab_style  # noqa: E402


def _figure():
    use_lab_style()
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1, 2], [1, 0, 2], label="a line")
    ax.scatter([0.5, 1.5], [0.5, 1.5])
    ax.set_title("title")
    ax.legend()
    return fig


def test_svg_is_byte_identical_across_renders():
    assert svg_bytes(_figure()) == svg_bytes(_figure())


def test_svg_has_no_date_and_keeps_text_as_text():
    svg = svg_bytes(_figure()).decode()
    assert "<dc:date>" not in svg
    assert "a line" in svg  # svg.fonttype = none: text is text, not glyph paths
    assert len(svg) < 30_000


def test_figure_background_is_opaque_white():
    svg = svg_bytes(_figure()).decode()
    assert "fill: #ffffff" in svg


def test_palette_colours_are_hex():
    assert all(c.startswith("#") and len(c) == 7 for c in PALETTE.values())
