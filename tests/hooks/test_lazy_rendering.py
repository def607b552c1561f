"""On-demand rendering of blocks below the first screen (hooks/lazy_rendering.py)."""

import re

from hooks.lazy_rendering import FIRST_SCREEN_PX, defer_offscreen_blocks, estimated_height

LONG_PARAGRAPH = "<p>" + "word " * 400 + "</p>\n"   # well over one screen by itself


def marked(html: str) -> list[str]:
    return re.findall(r"<(\w+)[^>]*\bdata-lazy-render\b", html)


def test_first_screen_and_headings_stay_eager_everything_after_is_deferred():
    html = ('<p>Intro</p>\n<h2 id="a">A</h2>\n' + LONG_PARAGRAPH +
            '<h2 id="b">B</h2>\n<div class="highlight"><pre><code>x = 1\n</code></pre></div>\n'
            '<h3 id="c">C</h3>\n<ul>\n<li>item</li>\n</ul>\n<hr />\n')
    out = defer_offscreen_blocks(html)
    assert marked(out) == ["div", "ul"]   # the intro and the long paragraph start on the first screen
    assert '<h2 id="b">B</h2>' in out and '<h3 id="c">C</h3>' in out
    assert "<hr />" in out


def test_only_top_level_elements_are_marked_and_markup_is_otherwise_unchanged():
    html = (LONG_PARAGRAPH + LONG_PARAGRAPH +
            '<details class="note"><summary>More</summary><h3 id="inner">Inner</h3><p>deep</p></details>\n'
            '<table>\n<tr><td><p>cell</p></td></tr>\n</table>\n')
    out = defer_offscreen_blocks(html)
    assert marked(out) == ["p", "details", "table"]
    assert re.sub(r' data-lazy-render(?: style="[^"]*")?', "", out) == html


def test_each_deferred_block_carries_its_height_estimate():
    block = '<div class="highlight"><pre><code>' + "line\n" * 30 + "</code></pre></div>\n"
    out = defer_offscreen_blocks(LONG_PARAGRAPH * 2 + block)
    estimate = estimated_height(block)
    assert f'<div class="highlight" data-lazy-render style="contain-intrinsic-block-size: auto {estimate}px">' in out


def test_an_authors_own_style_is_kept():
    out = defer_offscreen_blocks(LONG_PARAGRAPH * 2 + '<p style="color: red">x</p>\n')
    assert '<p style="color: red" data-lazy-render>x</p>' in out


def test_style_and_script_take_no_room_on_screen():
    css = "<style>\n" + ".cell { color: red; }\n" * 200 + "</style>\n"   # as notebook pages carry
    assert marked(defer_offscreen_blocks(css + '<div class="jupyter-wrapper"><p>cells</p></div>\n')) == []


def test_short_pages_are_left_alone():
    html = '<p>One</p>\n<h2 id="a">A</h2>\n<p>Two</p>\n'
    assert defer_offscreen_blocks(html) == html


def test_height_estimate_grows_with_text_code_math_and_images():
    assert estimated_height("<p>short</p>") < estimated_height(LONG_PARAGRAPH)
    code = '<div class="highlight"><pre><code>' + "x\n" * 40 + "</code></pre></div>"
    assert estimated_height(code) > 40 * 15
    assert estimated_height('<div class="arithmatex">\\[x\\]</div>') > estimated_height("<p>x</p>")
    assert estimated_height('<p><img src="a.svg" width="600" height="400"></p>') >= 400
    assert FIRST_SCREEN_PX < estimated_height(LONG_PARAGRAPH)
