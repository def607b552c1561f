"""Render long pages on demand: blocks below the first screen skip style and layout until near.

A concept page holds hundreds of formulas and listings (about ten thousand elements). Laying all
of them out before the first paint, and again each time Material's scripts read a position, is
what made the page slow on phones. Every top-level block that starts below the first screen gets
``data-lazy-render`` (``content-visibility: auto`` in ``concept.css``) and an estimate of its
height, so the browser lays it out only when it nears the viewport and the scrollbar stays about
right until then; once laid out, the browser remembers the real height (``auto``).

Headings are never deferred: Material's table of contents measures where they are. The page's
markup is otherwise untouched.
"""

from __future__ import annotations

import html as html_lib
import re
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
INVISIBLE = {"script", "style", "template"}
SKIP = INVISIBLE | VOID | {"h1", "h2", "h3", "h4", "h5", "h6"}

# Rough geometry of the content column, used only until a block is first laid out.
LINE_PX = 26            # one line of body text
CHARS_PER_LINE = 75
CODE_LINE_PX = 19
DISPLAY_MATH_PX = 64
MIN_PX = 24
FIRST_SCREEN_PX = 500   # blocks starting above this (estimated) stay eager: they are on screen at once


class _TopLevelBlocks(HTMLParser):
    """Offsets of each top-level element's start tag, with its tag name.

    A self-closing tag (``<hr />``) reaches ``handle_starttag`` then ``handle_endtag`` through
    HTMLParser's own ``handle_startendtag``, which keeps the depth right for void and non-void tags.
    """

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.depth = 0
        self.blocks: list[tuple[str, int, int]] = []   # (tag, offset of "<", length of the start tag)

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs) -> None:
        if self.depth == 0:
            self.blocks.append((tag, self._offset(), len(self.get_starttag_text() or "")))
        if tag not in VOID:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID:
            self.depth = max(0, self.depth - 1)


def estimated_height(block: str) -> int:
    """A rough rendered height in CSS pixels of one block of page HTML."""
    code_lines = sum(pre.count("\n") for pre in re.findall(r"<pre\b.*?</pre>", block, re.S))
    without_code = re.sub(r"<pre\b.*?</pre>", "", block, flags=re.S)
    text = html_lib.unescape(re.sub(r"<[^>]+>", "", without_code))
    text_lines = sum(-(-len(line.strip()) // CHARS_PER_LINE) for line in text.splitlines() if line.strip())
    display_math = block.count('<div class="arithmatex"')
    images = sum(int(h) for h in re.findall(r"<img\b[^>]*\bheight=\"(\d+)\"", block))
    return max(MIN_PX, text_lines * LINE_PX + code_lines * CODE_LINE_PX + display_math * DISPLAY_MATH_PX
               + min(images, 1200))


def defer_offscreen_blocks(html: str) -> str:
    """Mark every top-level block but headings that starts below the first screen for on-demand rendering."""
    parser = _TopLevelBlocks(html)
    parser.feed(html)
    parser.close()
    starts = parser.blocks
    top = 0   # estimated position of the next block
    out, last = [], 0
    for index, (tag, start, tag_length) in enumerate(starts):
        end = starts[index + 1][1] if index + 1 < len(starts) else len(html)
        estimate = 0 if tag in INVISIBLE else estimated_height(html[start:end])
        block_top = top
        top += estimate
        if block_top < FIRST_SCREEN_PX or tag in SKIP:
            continue
        opening_end = start + tag_length - 1   # the start tag's ">"
        out.append(html[last:opening_end])
        out.append(f' data-lazy-render style="contain-intrinsic-block-size: auto {estimate}px"'
                   if " style=" not in html[start:opening_end] else " data-lazy-render")
        last = opening_end
    out.append(html[last:])
    return "".join(out)


def on_page_content(html: str, page, config, files) -> str:
    return defer_offscreen_blocks(html)
