"""Lab figures: four variants per tagged cell, published names and sizes, the <picture> markup."""

from __future__ import annotations

import re
import textwrap
from html.parser import HTMLParser

import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from hooks import labs
from hooks.figures import (
    PHONE_MEDIA,
    FigureError,
    extract_figures,
    figure_html,
    manifest,
    primary_variant_only,
    replace_figure_outputs,
    svg_size,
)


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """A tiny lab drawing one figure with show_figure, executed as the build executes labs."""
    lab = tmp_path_factory.mktemp("lab") / "tiny.py"
    lab.write_text(textwrap.dedent("""\
        # %%
        import matplotlib.pyplot as plt
        from snippets.plotting import show_figure

        def draw(variant):
            fig, ax = plt.subplots(figsize=variant.figsize(2.0))
            ax.plot([0, 1], [0, 1], color=variant.colors["blue"], label="a line")
            ax.set_xlabel("x " + variant.name)
            return fig

        # %% tags=["figure:line"]
        print("drawing")
        show_figure(draw, alt="A rising line & nothing else.")
        """))
    return labs.execute_lab(lab, cwd=labs.ROOT, timeout=120)


def test_show_figure_in_the_build_displays_four_named_variants(executed):
    figures = extract_figures(executed, "tiny")
    figure = figures["line"]
    assert figure.alt == "A rising line & nothing else."
    assert sorted(figure.files()) == ["tiny-line-dark.svg", "tiny-line-phone-dark.svg", "tiny-line-phone.svg",
                                      "tiny-line.svg"]
    assert b"x desktop-dark" in figure.svgs["desktop-dark"] and b"x phone-light" in figure.svgs["phone-light"]
    desktop, phone = figure.size("desktop-light"), figure.size("phone-light")
    assert desktop == (653, 192) and phone == (307, 192)  # 6.8 in and 3.2 in wide, 2 in tall, at 96 px/in
    assert b"#1e2129" in figure.svgs["desktop-dark"] and b"#1e2129" not in figure.svgs["desktop-light"]


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_markup_picks_variant_by_scheme_and_width_and_opens_full_size(executed):
    entry = manifest(extract_figures(executed, "tiny"))["line"]
    parser = _Tags()
    parser.feed(figure_html(entry, "../figures/"))
    links = [a for t, a in parser.tags if t == "a"]
    sources = [a for t, a in parser.tags if t == "source"]
    images = [a for t, a in parser.tags if t == "img"]
    assert [a["href"] for a in links] == ["../figures/tiny-line.svg", "../figures/tiny-line-dark.svg"]
    assert all("glightbox" in a["class"].split() for a in links)
    assert [a["data-gallery"] for a in links] == ["lab-figures-light", "lab-figures-dark"]
    # In the lightbox a phone gets its variant: a 3 px slot below the breakpoint, the desktop size above.
    assert links[1]["data-srcset"] == "../figures/tiny-line-phone-dark.svg 307w, ../figures/tiny-line-dark.svg 653w"
    assert links[1]["data-sizes"] == f"{PHONE_MEDIA} 3px, 653px"
    assert [s["srcset"] for s in sources] == ["../figures/tiny-line-phone.svg", "../figures/tiny-line-phone-dark.svg"]
    assert all(s["media"] == PHONE_MEDIA for s in sources)
    assert [(s["width"], s["height"]) for s in sources] == [("307", "192")] * 2
    assert [i["src"] for i in images] == ["../figures/tiny-line.svg#only-light", "../figures/tiny-line-dark.svg#only-dark"]
    assert all(i["class"] == "off-glb" and i["alt"] == "A rising line & nothing else." for i in images)
    assert [(i["width"], i["height"]) for i in images] == [("653", "192")] * 2
    assert figure_html(entry, "x/", alt="Other").count('alt="Other"') == 2


def test_lab_page_shows_markup_and_download_keeps_one_image(executed):
    page = replace_figure_outputs(executed, "tiny", "../figures/")
    outputs = page.cells[-1].outputs
    assert [o.output_type for o in outputs] == ["stream", "display_data"]
    assert 'class="lab-figure"' in outputs[-1].data["text/html"]
    assert sum("image/svg+xml" in o.get("data", {}) for o in executed.cells[-1].outputs) == 4  # input untouched
    download = primary_variant_only(executed)
    images = [o for o in download.cells[-1].outputs if "image/svg+xml" in o.get("data", {})]
    assert [o.metadata["lab_figure"]["variant"] for o in images] == ["desktop-light"]


def _cell(tags, *outputs):
    cell = new_code_cell("pass", metadata={"tags": list(tags)})
    cell.outputs = list(outputs)
    return cell


SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10pt" height="5pt"></svg>'


def _variant(name, alt="alt"):
    return new_output("display_data", data={"image/svg+xml": SVG}, metadata={"lab_figure": {"variant": name, "alt": alt}})


ALL = [_variant(v) for v in ("desktop-light", "desktop-dark", "phone-light", "phone-dark")]


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ([_cell(["figure:empty"])], r"lacks the variants \['desktop-light'"),
        ([_cell(["figure:plain"], new_output("display_data", data={"image/svg+xml": SVG}))], "not a figure variant"),
        ([_cell(["figure:three"], *ALL[:3])], r"lacks the variants \['phone-dark'\]"),
        ([_cell(["figure:twice"], *ALL, ALL[0])], "unexpectedly or twice"),
        ([_cell(["figure:Bad_Name"], *ALL)], "use figure:<lowercase-name>"),
        ([_cell(["figure:same"], *ALL) for _ in range(2)], "figure name 'same' is used by more than one cell"),
        ([_cell(["figure:mute"], *[_variant(v["metadata"]["lab_figure"]["variant"], " ") for v in ALL])],
         "no alternative text"),
    ],
)
def test_bad_figure_cells_fail_the_build(cells, message):
    with pytest.raises(FigureError, match=message):
        extract_figures(new_notebook(cells=cells), "lab")


def test_svg_size_reads_points_as_css_pixels():
    assert svg_size(SVG.encode()) == (13, 7)
    with pytest.raises(FigureError, match="states no width"):
        svg_size(b"<svg></svg>")


def test_untagged_images_are_left_alone():
    nb = new_notebook(cells=[_cell([], new_output("display_data", data={"image/svg+xml": SVG}))])
    assert extract_figures(nb, "lab") == {}
    assert re.search("image/svg", str(replace_figure_outputs(nb, "lab", "x/").cells[0].outputs))


def test_markdown_images_of_lab_figures_gain_their_variants(executed, tmp_path):
    from hooks.figures import load_manifests, manifest_json, upgrade_figure_images

    (tmp_path / "domains/x/labs").mkdir(parents=True)
    (tmp_path / "domains/x/labs/tiny.json").write_bytes(manifest_json(extract_figures(executed, "tiny")))
    manifests = load_manifests(tmp_path)
    assert list(manifests) == ["domains/x/labs/figures"]
    page = '<p><img alt="A &amp; B" src="labs/figures/tiny-line.svg"></p><p><img src="labs/figures/other.svg"></p>'
    out = upgrade_figure_images(page, "domains/x/", manifests)
    assert out.startswith('<p><span class="lab-figure">') and out.count('alt="A &amp; B"') == 2
    assert 'srcset="labs/figures/tiny-line-phone-dark.svg"' in out
    assert out.endswith('<p><img src="labs/figures/other.svg"></p>')  # not a lab figure: untouched
    sibling = upgrade_figure_images('<img src="../labs/figures/tiny-line.svg" alt="x">', "domains/x/evidence/", manifests)
    assert 'href="../labs/figures/tiny-line-dark.svg"' in sibling
    assert upgrade_figure_images(page, "elsewhere/", manifests) == page


def test_lightbox_scripts_are_deferred_after_materials():
    from hooks.figures import defer_lightbox

    page = ('<head><script src="../assets/javascripts/glightbox.min.js"></script></head><body>'
            '<script defer src="bundle.js"></script><script id="init-glightbox">const lightbox = GLightbox({});'
            '</script></body>')
    out = defer_lightbox(page)
    assert '<script defer src="../assets/javascripts/glightbox.min.js"></script>' in out
    assert '<script id="init-glightbox" type="module">' in out
