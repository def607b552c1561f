"""Lab figures: deterministic SVG, one variant per layout and scheme, legible sizes and colours."""

from __future__ import annotations

import json
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from snippets import labkit, plotting  # noqa: E402

from snippets.plotting import (  # noqa: E402
    DESKTOP_WIDTH_IN,
    MIN_FONT_PT,
    PALETTE,
    PHONE_WIDTH_IN,
    SCHEMES,
    VARIANTS,
    figure_variants,
    svg_bytes,
    use_lab_style,
)

HUES = ("blue", "vermillion", "green", "orange", "purple", "sky", "grey")


def _draw(variant):
    fig, ax = plt.subplots(figsize=variant.figsize(2.0))
    ax.plot([0, 1, 2], [1, 0, 2], color=variant.colors["blue"], label="a line")
    ax.scatter([0.5, 1.5], [0.5, 1.5])
    ax.set_yscale("log")  # log ticks use mathtext superscripts
    ax.set_title("title")
    ax.legend()
    return fig


def _relative_luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio."""
    high, low = sorted((_relative_luminance(a), _relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_formula_matches_wcag_examples():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
def test_scheme_colours_pass_contrast_on_their_background(scheme):
    colours = SCHEMES[scheme]
    background = colours["background"]
    assert contrast(colours["text"], background) >= 7.0  # text: WCAG AAA
    assert contrast(colours["axis"], background) >= 4.5  # tick marks and spines
    for hue in HUES:
        assert contrast(colours[hue], background) >= 3.0, hue  # graphics: WCAG 1.4.11


def test_backgrounds_are_materials_page_backgrounds():
    assert SCHEMES["light"]["background"] == "#ffffff"
    assert SCHEMES["dark"]["background"] == "#1e2129"  # slate: rgb(30, 33, 41) measured in Chromium


def test_svg_is_byte_identical_across_renders():
    use_lab_style()
    assert figure_variants(_draw) == figure_variants(_draw)


def test_four_variants_with_their_widths_and_backgrounds():
    svgs = figure_variants(_draw)
    assert list(svgs) == [v.name for v in VARIANTS] == ["desktop-light", "desktop-dark", "phone-light", "phone-dark"]
    for name, svg in svgs.items():
        text = svg.decode()
        width_pt = float(re.search(r'<svg[^>]*\bwidth="([\d.]+)pt"', text)[1])
        assert width_pt == pytest.approx(72 * (PHONE_WIDTH_IN if name.startswith("phone") else DESKTOP_WIDTH_IN))
        background = SCHEMES[name.split("-")[1]]["background"]
        assert f"fill: {background}" in text.lower()
        assert "<dc:date>" not in text
        assert "a line" in text  # svg.fonttype = none: text is text, not glyph paths


def test_every_font_size_is_at_least_the_minimum():
    for svg in figure_variants(_draw).values():
        sizes = [float(s) for s in re.findall(r"font(?:-size)?:\s*(?:[a-z]+\s+)*([\d.]+)px", svg.decode())]
        assert sizes, "no font sizes found"
        normal = [s for s in sizes if s >= MIN_FONT_PT]
        small = [s for s in sizes if s < MIN_FONT_PT]
        assert normal and min(normal) >= MIN_FONT_PT
        # Only superscripts are smaller: still >= 8 CSS px at the figure's own size (pt * 4/3).
        assert all(s * 4 / 3 >= 8.0 for s in small), small


def test_text_past_the_edge_of_a_variant_fails_the_lab():
    def too_wide(variant):
        fig, ax = plt.subplots(figsize=variant.figsize(2.0))
        ax.set_title("a title far too long to fit on the narrow phone variant of this figure")
        return fig

    with pytest.raises(ValueError, match="variant phone-light: what is drawn spans .* beyond the 3.20 x 2.00 in figure"):
        figure_variants(too_wide)
    figure_variants(_draw)  # the ordinary figure fits


def test_single_figure_keeps_working_with_the_light_palette():
    use_lab_style()
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1], [0, 1], color=PALETTE["blue"])
    assert "fill: #ffffff" in svg_bytes(fig).decode()


# The lab/build contract (snippets/labkit.py), as plotting displays it.

def test_the_variants_the_build_reads_are_the_ones_plotting_draws():
    assert [v.name for v in plotting.VARIANTS] == list(labkit.VARIANT_NAMES)
    assert plotting.VARIANTS[0].name == labkit.PRIMARY_VARIANT == "desktop-light", "drawn outside the build"
    assert len(set(labkit.VARIANT_NAMES)) == len(labkit.LAYOUTS) * len(labkit.SCHEME_NAMES)


def test_show_figure_and_show_results_display_under_the_contract_names(monkeypatch):
    import IPython.display
    import matplotlib.pyplot as plt

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda data, **kw: shown.append((data, kw)))
    monkeypatch.setenv(labkit.VARIANTS_ENV, labkit.ALL_VARIANTS)

    def draw(variant):
        fig, ax = plt.subplots(figsize=variant.figsize(1.5))
        ax.plot([0, 1], [0, 1])
        return fig

    plotting.show_figure(draw, alt="A rising line")
    assert [kw["metadata"][labkit.FIGURE_METADATA_KEY]["variant"] for _, kw in shown] == list(labkit.VARIANT_NAMES)
    shown.clear()
    plotting.show_results({"x": 1})
    assert json.dumps(shown[0][0][labkit.RESULTS_MIME]) == '{"x": 1}'


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
def test_each_run_has_one_colour_of_its_own(scheme):
    hard, smoothed = plotting.run_color("hard", scheme), plotting.run_color("smoothed", scheme)
    assert hard == SCHEMES[scheme]["vermillion"] and smoothed == SCHEMES[scheme]["blue"]
    assert hard != smoothed


def test_runs_are_named_as_the_hero_names_them():
    assert plotting.run_label("hard") == "trained on hard labels"
    assert plotting.run_label("hard", 0.1) == "trained on hard labels"
    assert plotting.run_label("smoothed") == "trained on smoothed labels"
    assert plotting.run_label("smoothed", 0.1) == "trained on smoothed labels (α = 0.1)"


@pytest.mark.parametrize("call", [lambda: plotting.run_color("soft"), lambda: plotting.run_label("soft")])
def test_an_unknown_run_is_named_in_the_error(call):
    with pytest.raises(ValueError, match="'soft'"):
        call()
