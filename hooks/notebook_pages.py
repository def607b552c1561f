"""Slim the lab pages that mkdocs-jupyter renders.

mkdocs-jupyter inlines about 0.6 MB of JupyterLab CSS into every notebook page, loads MathJax
(math here is pre-rendered by ``hooks/katex.py``), and ships a loader that would import Mermaid
from a CDN. This hook moves the notebook CSS into one shared, content-hashed stylesheet that the
browser caches across labs, and removes the MathJax and Mermaid loaders, so a lab page requests
nothing from another origin. nbconvert gives every output image the alt text "No description has
been provided for this image"; this hook names the section the figure belongs to instead.
"""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path

from mkdocs.utils import get_relative_url

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

_stylesheets: dict[str, str] = {}  # site path -> CSS, written once per build


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
    link = f'<link rel="stylesheet" href="{get_relative_url(path, page_url)}">'
    return output.replace("</head>", f"{link}\n</head>", 1), path, css


def on_post_page(output: str, page, config) -> str:
    if not page.file.abs_src_path or not page.file.abs_src_path.endswith(".ipynb"):
        return output
    output, path, css = slim(describe_figures(output, page.title or ""), page.url)
    if path:
        _stylesheets[path] = css
    return output


def on_post_build(config) -> None:
    for path, css in _stylesheets.items():
        target = Path(config["site_dir"]) / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(css, encoding="utf-8")
    _stylesheets.clear()  # `mkdocs serve` rebuilds: write each stylesheet once per build
