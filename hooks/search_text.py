"""What the search index holds: text a reader can read, not TeX and not code.

Material's search plugin indexes each page's HTML before ``hooks/katex.py`` renders its math,
so its entries would show raw TeX (``\\(\\alpha/K\\)``), and it indexes code blocks whole, so a
section that includes a snippet would show its docstring. Two steps, both outside the page's
visible HTML:

- ``exclude_code(html)``: code blocks and the code and raw output of notebook cells (every
  ``<pre>``, and the ``In [n]:`` prompts) get ``data-search-exclude``, which Material's search
  plugin skips (and then removes from the page). Run on a page's HTML before it is indexed.
- ``plain_index(index_json)``: every formula left in the finished index (``\\(..\\)``,
  ``\\[..\\]``, and a notebook's ``$..$`` and ``$$..$$``) becomes plain text, ``plain_math``:
  ``D_KL(u ‖ p) = log K - H(u)``, ``α ∈ {0, 0.05}``, ``(1-α)/K``.
"""

from __future__ import annotations

import html
import json
import re

from pylatexenc import latexwalker
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
from pylatexenc.macrospec import MacroSpec

from hooks.katex import CODE_ELEMENT, DOLLAR_MATH

# What is not search text: every <pre> (code blocks, notebook code and raw outputs), a notebook
# cell's In/Out prompts, its copy button's "Copied!" and the code it copies. The innermost elements, because
# Material's search parser compares elements by tag name alone: an excluded <div> stops being
# skipped at the first nested </div>.
EXCLUDED_CLASSES = ("jp-InputPrompt", "jp-OutputPrompt", "zeroclipboard-container", "clipboard-copy-txt")
START_TAG = re.compile(r'<(?P<tag>pre|div)\b(?P<attributes>[^>]*)>')
CLASS = re.compile(r'\bclass="(?P<classes>[^"]*)"')

# The search plugin's text keeps inline math as arithmatex wrote it (HTML-escaped).
ARITHMATEX_MATH = re.compile(r"\\\((?P<inline>.+?)\\\)|\\\[(?P<block>.+?)\\\]", re.S)

# Named functions keep a space before their argument: "log p_k", not "logp_k".
OPERATORS = ("log", "ln", "exp", "min", "max", "arg", "lim", "sup", "inf", "det", "sin", "cos", "tan", "tanh")


def exclude_code(page_html: str) -> str:
    """``page_html`` with ``data-search-exclude`` on every code block and notebook code input."""

    def mark(match: re.Match[str]) -> str:
        classes = CLASS.search(match["attributes"])
        excluded = match["tag"] == "pre" or (
            classes is not None and any(c in classes["classes"].split() for c in EXCLUDED_CLASSES))
        if not excluded or "data-search-exclude" in match["attributes"]:
            return match[0]
        return match[0][:-1] + ' data-search-exclude="true">'  # a value, so Material strips it afterwards

    return START_TAG.sub(mark, page_html)


def _argument(node, converter) -> str:
    """A fraction's numerator or denominator, in parentheses unless it is one token."""
    text = converter.nodelist_to_text([node]).strip()
    return text if re.fullmatch(r"[\w.]+(?:\([^()]*\))?|\(.*\)", text) else f"({text})"


def _fraction(node, l2tobj) -> str:
    numerator, denominator = node.nodeargd.argnlist[-2:]
    return f"{_argument(numerator, l2tobj)}/{_argument(denominator, l2tobj)}"


FRACTIONS = ("frac", "tfrac", "dfrac")
# How the parser reads the macros it does not know by default (each takes braced arguments).
_PARSING = latexwalker.get_default_latex_context_db()
_PARSING.add_context_category("search-text", prepend=True, macros=[
    *(MacroSpec(name, "{{") for name in FRACTIONS), MacroSpec("operatorname", "{"),
])
# How the macros become text.
_TEXT = get_default_latex_context_db()
_TEXT.add_context_category("search-text", prepend=True, macros=[
    *(MacroTextSpec(name, simplify_repl=name + " ") for name in OPERATORS),
    *(MacroTextSpec(name, simplify_repl=_fraction) for name in FRACTIONS),
    MacroTextSpec("operatorname", simplify_repl="%s"),
    MacroTextSpec("|", simplify_repl="‖"),
])
_CONVERTER = LatexNodes2Text(math_mode="text", strict_latex_spaces=False, latex_context=_TEXT)
RELATION = re.compile(r"\s*([=<>≤≥≈∈→+])\s*")
GLUED_OPERATOR = re.compile(rf"(?<=[\w)])(?=(?:{'|'.join(OPERATORS)}) )")


def plain_math(tex: str) -> str:
    """A formula as one line of plain text: Greek letters and symbols as Unicode, fractions
    as a/b, sub- and superscripts as _ and ^, alignment and spacing commands dropped."""
    nodes, _, _ = latexwalker.LatexWalker(tex, latex_context=_PARSING, tolerant_parsing=True).get_latex_nodes()
    text = _CONVERTER.nodelist_to_text(nodes)
    text = GLUED_OPERATOR.sub(" ", RELATION.sub(r" \1 ", text))
    return re.sub(r"\s+", " ", text).strip()


def plain_text(text: str) -> str:
    """An index entry's text (HTML) with each formula outside code as plain text."""

    def formula(match: re.Match[str]) -> str:
        tex = match["inline"] if match["inline"] is not None else match["block"]
        return html.escape(plain_math(html.unescape(tex)), quote=False)

    parts = CODE_ELEMENT.split(text)  # [prose, code element, its tag name, prose, ...]
    return "".join(
        part if index % 3 else DOLLAR_MATH.sub(formula, ARITHMATEX_MATH.sub(formula, part))
        for index, part in enumerate(parts)
        if index % 3 != 2
    )


def plain_index(index_json: str) -> str:
    """Material's search_index.json with every entry's title and text made plain."""
    index = json.loads(index_json)
    for entry in index["docs"]:
        entry["title"] = plain_text(entry["title"])
        entry["text"] = plain_text(entry["text"])
    return json.dumps(index, separators=(",", ":"), ensure_ascii=False)
