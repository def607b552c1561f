"""Build-time math rendering (hooks/katex.py), with the real KaTeX in node_modules/."""

import pytest

from hooks.katex import KatexError, KatexRenderer, render_page, source_line


@pytest.fixture
def renderer(tmp_path):
    katex = KatexRenderer(tmp_path / "cache.json")
    yield katex
    katex.close()


def where(tex: str) -> str:
    return "docs/page.md:7"


def test_arithmatex_inline_and_block_become_katex_html(renderer):
    page = (
        '<p>Mass <span class="arithmatex">\\(\\alpha / K\\)</span>.</p>'
        '<div class="arithmatex">\\[y_s = (1 - \\alpha) y &lt; 1\\]</div>'
    )
    html = render_page(page, renderer.render, where)
    assert html.count('class="katex"') == 2 and 'class="katex-display"' in html
    assert "\\(" not in html and "\\[" not in html


def test_attributes_other_hooks_add_to_a_formula_are_kept(renderer):
    page = '<div class="arithmatex" data-lazy-render style="contain-intrinsic-block-size: auto 64px">\\[x^2\\]</div>'
    html = render_page(page, renderer.render, where)
    assert html.startswith('<div class="arithmatex" data-lazy-render style="contain-intrinsic-block-size: auto 64px">')
    assert 'class="katex-display"' in html and "\\[" not in html


def test_notebook_dollar_math_is_rendered_but_code_is_not(renderer):
    cell = (
        '<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown jp-MarkdownOutput">'
        "<p>Gap $\\log(1 + K)$ and</p><p>$$H(y_s)$$</p><code>$not math$</code> costs $5 and $6.</div>"
    )
    html = render_page(cell, renderer.render, where)
    assert html.count('class="katex"') == 2
    assert "<code>$not math$</code>" in html and "costs $5 and $6." in html


def test_parse_error_names_page_line_and_formula(renderer):
    page = '<span class="arithmatex">\\(\\frac{1}{\\)</span>'
    with pytest.raises(KatexError, match=r"docs/page\.md:7: KaTeX cannot render '\\\\frac\{1\}\{'"):
        render_page(page, renderer.render, where)


def test_cache_serves_a_warm_build_without_node(tmp_path):
    cold = KatexRenderer(tmp_path / "cache.json")
    html = cold.render("x^2", display=False)
    cold.close()
    warm = KatexRenderer(tmp_path / "cache.json")
    assert warm.render("x^2", display=False) == html
    assert warm.process is None
    warm.close()


def test_source_line_finds_the_formula():
    assert source_line("title\n\nwhere \\(x^2\\) grows\n", "x^2") == 3
    assert source_line("nothing here", "x^2") is None


def test_math_in_table_of_contents_labels_is_rendered(renderer):
    nav = '<a href="#why"><span class="md-ellipsis">\n  Why the \\(T^2\\)\n</span></a>'
    html = render_page(nav, renderer.render, where)
    assert "\\(" not in html and html.count('class="katex"') == 1
