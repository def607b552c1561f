"""Slim the lab pages that mkdocs-jupyter renders.

mkdocs-jupyter inlines about 0.6 MB of JupyterLab CSS into every notebook page, loads MathJax
(math here is pre-rendered by ``hooks/katex.py``), and ships a loader that would import Mermaid
from a CDN. This hook moves the notebook CSS into one shared, content-hashed stylesheet that the
browser caches across labs, and removes the MathJax and Mermaid loaders, so a lab page requests
nothing from another origin. nbconvert gives every output image the alt text "No description has
been provided for this image"; this hook names the section the figure belongs to instead.

This module does not import MkDocs; ``hooks/notebook_pages_hook.py`` wires it into the build.
"""

from __future__ import annotations

import hashlib
import html
import posixpath
import re

NOTEBOOK_STYLE = re.compile(
    r"<style[^>]*>(?P<css>\s*\['.*?|(?:(?!</style>).)*?(?:jp-|jupyter-wrapper|highlight-ipynb).*?)</style>\s*", re.S
)
UNUSED_SCRIPTS = [
    re.compile(r"<!-- Load mathjax -->\s*<script src=\"[^\"]*\">\s*</script>\s*", re.S),
    re.compile(r"<!-- MathJax configuration -->\s*<script type=\"text/x-mathjax-config\">.*?</script>\s*", re.S),
    re.compile(r"<script type=\"module\">\s*document\.addEventListener\(\"DOMContentLoaded\", async \(\) => \{\s*const diagrams = document\.querySelectorAll\(\"\.jp-Mermaid.*?</script>\s*", re.S),
]

GENERIC_ALT = 'alt="No description has been provided for this image"'
HEADING_OR_GENERIC_ALT = re.compile(r"<h[1-3]\b[^>]*>(?P<heading>.*?)</h[1-3]>|" + re.escape(GENERIC_ALT), re.S)

def relative_url(path: str, page_url: str) -> str:
    """``path`` (from the site root) as seen from the page at directory URL ``page_url``."""
    return posixpath.relpath(path, posixpath.dirname(page_url) or ".")


def describe_figures(output: str, title: str) -> str:
    """Replace nbconvert's placeholder alt text with the title of the section around the figure."""
    section = title

    def visit(match: re.Match[str]) -> str:
        nonlocal section
        if match["heading"] is not None:
            section = html.unescape(re.sub(r"<[^>]+>|¶", "", match["heading"])).strip() or section
            return match[0]
        where = title if section == title else f"{title}: {section}"
        return f'alt="Figure from {html.escape(where)}"'

    return HEADING_OR_GENERIC_ALT.sub(visit, output)


def slim(output: str, page_url: str) -> tuple[str, str | None, str]:
    """Return (page without notebook CSS and unused loaders, stylesheet path, its CSS)."""
    blocks: list[str] = []

    def take(match: re.Match[str]) -> str:
        css = match["css"].strip()
        if not css.startswith("['"):  # mkdocs-jupyter also emits a Python list repr as CSS
            blocks.append(css)
        return ""

    output = NOTEBOOK_STYLE.sub(take, output)
    for pattern in UNUSED_SCRIPTS:
        output = pattern.sub("", output)
    if not blocks:
        return output, None, ""
    css = "\n".join(dict.fromkeys(blocks))
    path = f"assets/stylesheets/notebook-{hashlib.sha256(css.encode()).hexdigest()[:12]}.css"
    link = f'<link rel="stylesheet" href="{relative_url(path, page_url)}">'
    return output.replace("</head>", f"{link}\n</head>", 1), path, css
