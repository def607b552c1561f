"""hooks/search_text.py: the search index holds prose and plain-text formulas, never TeX or code."""

from __future__ import annotations

import json

import pytest
from material.plugins.search.plugin import Parser

from hooks.search_text import exclude_code, plain_index, plain_math, plain_text


@pytest.mark.parametrize("tex, text", [
    (r"\alpha", "α"),
    (r"\alpha = 0.1", "α = 0.1"),
    (r"\alpha/K", "α/K"),
    (r"\frac{\alpha}{K}", "α/K"),
    (r"\log\!\Big(1 + \frac{K(1-\alpha)}{\alpha}\Big)", "log (1 + K(1-α)/α)"),
    (r"\frac{1 - \alpha + \alpha/K}{\alpha/K}", "(1 - α + α/K)/(α/K)"),
    (r"\tfrac{1}{K}\textstyle\sum_k z_k", "1/K∑_k z_k"),
    (r"D_{\mathrm{KL}}(u \,\|\, p)", "D_KL(u ‖ p)"),
    (r"\beta\log K", "β log K"),
    (r"\operatorname{lse}(z) - z_t", "lse(z) - z_t"),
    (r"\alpha \in \{0, 0.05\}", "α ∈ {0, 0.05}"),
    (r"p_k \to 0", "p_k → 0"),
    (r"a < b", "a < b"),
    ("\\begin{aligned}\n\\mathcal{L} &= (1-\\alpha)\\,H(y, p) \\\\\n&\\quad + \\alpha \\log K .\n\\end{aligned}",
     "ℒ = (1-α) H(y, p) + α log K ."),
])
def test_formulas_become_plain_text(tex, text):
    assert plain_math(tex) == text


def test_no_formula_on_the_site_keeps_a_tex_command():
    # the kinds of TeX the pages use; a command the converter does not know would stay as \name
    for tex in [r"\mathbb{E}_{y \sim \eta}\, H\big((1-\alpha)\,\mathrm{onehot}(y) + \alpha u,\ p\big)",
                r"\min_z \mathcal{L}_{\alpha} = H(y_s)", r"z^{*}_t - z^{*}_j", r"\varepsilon \le \tfrac12",
                r"\sigma(z_t/T) \,\|\, \sigma(z_s/T)", r"\frac{\partial \mathcal{L}_{\alpha}}{\partial z_k}"]:
        assert "\\" not in plain_math(tex), tex


def test_index_text_keeps_code_and_escapes_as_html():
    text = r'<p>with \(K = 10\) and \(a &lt; b\), see <code>\(x\)</code> and $\alpha$</p> \[ \frac{1}{2} \]'
    assert plain_text(text) == "<p>with K = 10 and a &lt; b, see <code>\\(x\\)</code> and α</p> 1/2"
    assert plain_text("costs $5 and $6") == "costs $5 and $6"


def test_plain_index_rewrites_titles_and_texts():
    index = {"config": {"lang": ["en"]}, "docs": [
        {"location": "a/", "title": r"The \(\alpha/K\) convention", "text": r"<p>\(\alpha\)</p>"}]}
    docs = json.loads(plain_index(json.dumps(index)))["docs"]
    assert docs == [{"location": "a/", "title": "The α/K convention", "text": "<p>α</p>"}]


def indexed_text(html: str) -> str:
    """What Material's search plugin indexes from ``html``."""
    parser = Parser()
    parser.feed(html)
    parser.close()
    return " ".join("".join(section.text) for section in parser.data)


CODE_BLOCK = ('<p>Before.</p><div class="language-python highlight"><pre><span></span><code>'
              '<span class="k">def</span> f():\n    """A docstring."""</code></pre></div><p>After.</p>')
# a notebook code cell as mkdocs-jupyter writes it: nested <div>s around the code
NOTEBOOK_CELL = """<div class="jp-Cell jp-CodeCell"><div class="jp-Cell-inputWrapper"><div class="jp-InputArea">
<div class="jp-InputPrompt jp-InputArea-prompt">In [1]:</div><div class="jp-CodeMirrorEditor jp-InputArea-editor">
<div class="CodeMirror"><div class="zeroclipboard-container"><clipboard-copy for="cell-1"><div>
<span class="notice" hidden="">Copied!</span></div></clipboard-copy></div>
<div class="highlight-ipynb hl-python"><pre><span></span>import numpy as np</pre></div></div></div>
<div class="clipboard-copy-txt" id="cell-1">import numpy as np</div></div></div>
<div class="jp-OutputArea"><div class="jp-OutputPrompt">Out[1]:</div><div class="jp-RenderedText"><pre>{"gap": 4.5}</pre></div>
<div class="jp-RenderedMarkdown"><p>The gap settles.</p></div></div></div>"""


@pytest.mark.parametrize("html, kept, dropped", [
    (CODE_BLOCK, ["Before.", "After."], ["def", "docstring"]),
    (NOTEBOOK_CELL, ["The gap settles."], ["In [1]", "Copied", "import", "numpy", "gap\": 4.5", "Out[1]"]),
])
def test_material_indexes_no_code(html, kept, dropped):
    assert all(word in indexed_text(html) for word in dropped + kept), "the test HTML must show the problem"
    text = indexed_text(exclude_code(html))
    assert all(word in text for word in kept)
    assert [word for word in dropped if word in text] == []


def test_marks_are_added_once_and_carry_a_value_for_material_to_strip():
    once = exclude_code("<pre>x</pre>")
    assert once == '<pre data-search-exclude="true">x</pre>' == exclude_code(once)
    assert exclude_code('<div class="highlighted">x</div>') == '<div class="highlighted">x</div>'
