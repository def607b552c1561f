"""The site's glossary on its pages: each term explained where a page first uses it.

The terms and their definitions live in one file, ``includes/glossary.md``, as Python-Markdown
abbreviations (``*[ECE]: Expected calibration error: ...``), appended to every page by
``pymdownx.snippets`` (``auto_append`` in ``mkdocs.yml``). The ``abbr`` extension then wraps
*every* use of a term in ``<abbr title="definition">``. On a page that reads as a dotted underline
under every "logits", and Material's ``content.tooltips`` would give each its own tooltip.

:func:`mark_first_uses` keeps the first use of each term on a page and unwraps the others, so the
definition sits where the reader first meets the term. The kept ``<abbr>`` is made focusable, so
the tooltip also opens from the keyboard and on a tap, and screen readers announce the definition
as the element's description. A use inside a link, a ``<summary>`` or a button (already
interactive) is left plain, and the term is explained at its next use outside one.

This module does not import MkDocs; ``hooks/glossary_hook.py`` adapts it.
"""

from __future__ import annotations

import re

#: The abbr extension's output, and the interactive elements a focusable term must not sit in.
_TOKEN = re.compile(
    r'<abbr title="(?P<title>[^"]*)">(?P<text>.*?)</abbr>'
    r"|<(?P<open>a|summary|button)\b[^>]*>"
    r"|</(?P<close>a|summary|button)>",
    re.S,
)


def mark_first_uses(html: str) -> str:
    """Keep the first ``<abbr>`` of each definition (made focusable), unwrap the later ones."""
    marked: set[str] = set()
    interactive = 0
    pieces: list[str] = []
    end = 0
    for match in _TOKEN.finditer(html):
        pieces.append(html[end : match.start()])
        end = match.end()
        if match["open"]:
            interactive += 1
            pieces.append(match[0])
        elif match["close"]:
            interactive = max(0, interactive - 1)
            pieces.append(match[0])
        elif match["title"] in marked or interactive:
            pieces.append(match["text"])
        else:
            marked.add(match["title"])
            pieces.append(f'<abbr title="{match["title"]}" tabindex="0">{match["text"]}</abbr>')
    pieces.append(html[end:])
    return "".join(pieces)
