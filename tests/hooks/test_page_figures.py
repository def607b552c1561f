"""hooks/page_figures.py: a page's figure drawn by snippets/ code, published beside the page."""

import pytest

from hooks.page_figures import PageFigureError, page_figure_html


def test_a_page_figure_is_published_beside_its_page_with_every_variant(tmp_path):
    site, cache = tmp_path / "site", tmp_path / "cache"
    html = page_figure_html("gap_figures", "optimal-gap", alt="The gap grows with K.", page_uri="c/math.md",
                            site_dir=site, cache_dir=cache)
    names = sorted(p.name for p in (site / "c" / "math" / "figures").iterdir())
    assert names == ["gap_figures-optimal-gap-dark.svg", "gap_figures-optimal-gap-phone-dark.svg",
                     "gap_figures-optimal-gap-phone.svg", "gap_figures-optimal-gap.svg"]
    assert 'src="figures/gap_figures-optimal-gap.svg#only-light"' in html and 'alt="The gap grows with K."' in html
    drawn = sorted(p.name for p in next(cache.iterdir()).iterdir())
    # drawn once: a second call reads the cache (and still publishes for this build)
    page_figure_html("gap_figures", "optimal-gap", alt="x", page_uri="c/index.md", site_dir=site, cache_dir=cache)
    assert len(list(cache.iterdir())) == 1 and len(drawn) == 4
    assert (site / "c" / "figures" / "gap_figures-optimal-gap.svg").is_file()


@pytest.mark.parametrize(
    ("module", "name", "alt", "message"),
    [
        ("gap_figures", "optimal-gap", " ", r"c/math\.md: page_figure\('gap_figures', 'optimal-gap'\) needs alt="),
        ("nope", "x", "a", r"there is no snippets/nope\.py"),
        ("label_smoothing", "x", "a", r"snippets/label_smoothing\.py has no FIGURES dict"),
        ("gap_figures", "missing", "a", r"draws no figure 'missing'; it draws \['loss-along-gap', 'optimal-gap'\]"),
    ],
)
def test_a_bad_request_names_what_is_wrong(tmp_path, module, name, alt, message):
    with pytest.raises(PageFigureError, match=message):
        page_figure_html(module, name, alt=alt, page_uri="c/math.md", site_dir=tmp_path, cache_dir=tmp_path)
