"""Build-time math: render every formula to HTML with KaTeX, so pages need no math JS.

``pymdownx.arithmatex`` (generic mode) wraps formulas in ``<span class="arithmatex">\\(..\\)</span>``
and ``<div class="arithmatex">\\[..\\]</div>``; notebook pages from mkdocs-jupyter keep raw
``$..$`` and ``$$..$$`` in their markdown cells. After each page is rendered, this hook
replaces both with KaTeX's HTML, using one Node process per build (``hooks/katex-render.mjs``)
and an on-disk cache keyed by KaTeX version, TeX and display mode, so a warm build starts no
Node at all. KaTeX's CSS and fonts are copied from ``node_modules`` into the site
(self-hosted, no CDN). A formula KaTeX cannot parse fails the build, naming page, line and TeX.

This module does not import MkDocs; ``hooks/katex_hook.py`` wires it into the build.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KATEX_DIST = ROOT / "node_modules" / "katex" / "dist"
RENDERER = Path(__file__).with_name("katex-render.mjs")
SITE_DIR = "assets/katex"

ARITHMATEX = re.compile(
    r'<(?P<tag>span|div) class="arithmatex"(?P<attributes>[^>]*)>(?:\\\((?P<inline>.*?)\\\)|\\\[(?P<block>.*?)\\\])</(?P=tag)>',
    re.S,
)
NOTEBOOK_MARKDOWN_CELL = re.compile(
    r'(<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown[^"]*"[^>]*>)(.*?)(</div>)', re.S
)
# $$..$$ first, then $..$ with no space just inside either dollar and no word character just
# outside (so prices like "$5 and $6" stay text).
DOLLAR_MATH = re.compile(r"\$\$(?P<block>.+?)\$\$|(?<![\\$\w])\$(?P<inline>[^\s$](?:[^$]*?[^\s$])?)\$(?!\w)", re.S)
# The table of contents repeats a heading's text with its math as raw \(..\).
NAV_LABEL = re.compile(r'(<span class="md-ellipsis">)(.*?)(</span>)', re.S)
NAV_MATH = re.compile(r"\\\((.+?)\\\)", re.S)
CODE_ELEMENT = re.compile(r"(<(pre|code)\b.*?</\2>)", re.S)


class KatexError(Exception):
    """A formula KaTeX cannot render, or KaTeX itself missing; the message names page and line."""


def katex_version() -> str:
    package = json.loads((KATEX_DIST.parent / "package.json").read_text(encoding="utf-8"))
    return package["version"]


class KatexRenderer:
    """Renders TeX through one lazily started Node process, with a persistent cache."""

    def __init__(self, cache_file: Path) -> None:
        self.cache_file = cache_file
        self.cache: dict[str, str] = (
            json.loads(cache_file.read_text(encoding="utf-8")) if cache_file.exists() else {}
        )
        self.used: set[str] = set()
        self.process: subprocess.Popen[str] | None = None

    def render(self, tex: str, display: bool) -> str:
        """Return KaTeX HTML; raise ValueError with KaTeX's message if the TeX is invalid."""
        key = hashlib.sha256(f"{int(display)}{tex}".encode()).hexdigest()
        self.used.add(key)
        if key not in self.cache:
            reply = self._ask_node(tex, display)
            if "error" in reply:
                raise ValueError(reply["error"])
            self.cache[key] = reply["html"]
        return self.cache[key]

    def _ask_node(self, tex: str, display: bool) -> dict[str, str]:
        if self.process is None:
            self.process = subprocess.Popen(
                ["node", str(RENDERER)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                cwd=ROOT,
            )
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps({"tex": tex, "display": display}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise KatexError(f"KaTeX renderer {RENDERER} exited; is `npm ci` done?")
        return json.loads(line)

    def close(self, *, complete: bool = True) -> None:
        """Stop Node and save the cache: after a complete build, only the entries it used."""
        if self.process is not None:
            self.process.stdin.close()  # type: ignore[union-attr]
            self.process.wait(timeout=10)
            self.process = None
        keys = sorted(self.used) if complete else sorted(self.cache)
        kept = {key: self.cache[key] for key in keys if key in self.cache}
        self.cache_file.parent.mkdir(parents=True, exist_ok=True)
        self.cache_file.write_text(json.dumps(kept), encoding="utf-8")


def source_line(source: str, tex: str) -> int | None:
    """1-based line of the page source where ``tex`` starts, if it can be found."""
    first_line = tex.strip().splitlines()[0] if tex.strip() else tex
    for number, line in enumerate(source.splitlines(), start=1):
        if first_line and first_line in line:
            return number
    return None


def render_page(output: str, render, where) -> str:
    """Replace arithmatex wrappers and notebook ``$`` math in ``output`` with KaTeX HTML.

    ``render(tex, display)`` returns HTML; ``where(tex)`` names the page (and line) for errors.
    """

    def formula(tex: str, display: bool) -> str:
        try:
            return render(tex, display)
        except ValueError as error:
            raise KatexError(f"{where(tex)}: KaTeX cannot render {tex!r}: {error}") from None

    def arithmatex(match: re.Match[str]) -> str:
        display = match["block"] is not None
        tex = html.unescape(match["block"] if display else match["inline"])
        return f'<{match["tag"]} class="arithmatex"{match["attributes"]}>{formula(tex, display)}</{match["tag"]}>'

    def dollars(text: str) -> str:
        def one(match: re.Match[str]) -> str:
            display = match["block"] is not None
            tex = html.unescape(match["block"] if display else match["inline"])
            rendered = formula(tex.strip(), display)
            return f'<div class="arithmatex">{rendered}</div>' if display else rendered

        # Leave code alone: split on <pre>/<code> elements and only touch the prose between.
        parts = CODE_ELEMENT.split(text)
        return "".join(
            part if index % 3 else DOLLAR_MATH.sub(one, part)
            for index, part in enumerate(parts)
            if index % 3 != 2
        )

    output = ARITHMATEX.sub(arithmatex, output)
    output = NAV_LABEL.sub(
        lambda m: m[1] + NAV_MATH.sub(lambda t: formula(html.unescape(t[1]), False), m[2]) + m[3], output
    )
    return NOTEBOOK_MARKDOWN_CELL.sub(lambda m: m[1] + dollars(m[2]) + m[3], output)


def cache_file(project_dir: str | Path) -> Path:
    """The formula cache of a site (``.cache/katex`` beside its ``mkdocs.yml``), per KaTeX version."""
    if not KATEX_DIST.exists():
        raise KatexError(f"KaTeX not found at {KATEX_DIST}: run `npm ci` first")
    return Path(project_dir) / ".cache" / "katex" / f"katex-{katex_version()}.json"


def assets() -> list[tuple[str, Path]]:
    """Site path and source of KaTeX's stylesheet and the woff2 fonts it references."""
    return [
        (f"{SITE_DIR}/{path.relative_to(KATEX_DIST).as_posix()}", path)
        for path in [KATEX_DIST / "katex.min.css", *sorted((KATEX_DIST / "fonts").glob("*.woff2"))]
    ]


def where_in_source(docs_dir: str | Path, src_uri: str):
    """For errors only: a function naming ``file:line`` of a formula in the page's source.

    A lab page's source is the jupytext ``.py`` beside its ``.ipynb``.
    """

    def where(tex: str) -> str:
        source = Path(docs_dir) / src_uri
        if source.suffix == ".ipynb":
            source = source.with_suffix(".py")
        line = source_line(source.read_text(encoding="utf-8"), tex) if source.is_file() else None
        try:
            shown = source.relative_to(ROOT)
        except ValueError:
            shown = source
        return f"{shown}" + (f":{line}" if line else "")

    return where
