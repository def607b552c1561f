"""hooks/glossary.py: each glossary term explained once per page, at its first use."""

import re
from pathlib import Path

import markdown

from hooks.glossary import mark_first_uses

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = ROOT / "includes" / "glossary.md"
ECE = '<abbr title="Expected calibration error.">ECE</abbr>'


def test_the_first_use_is_kept_and_focusable_and_later_uses_are_plain():
    html = f"<p>{ECE} and {ECE}.</p><p>Again {ECE}.</p>"
    assert mark_first_uses(html) == (
        '<p><abbr title="Expected calibration error." tabindex="0">ECE</abbr> and ECE.</p><p>Again ECE.</p>'
    )


def test_spellings_with_one_definition_count_as_one_term():
    html = '<abbr title="A raw score.">logit</abbr>, <abbr title="A raw score.">logits</abbr>'
    assert mark_first_uses(html) == '<abbr title="A raw score." tabindex="0">logit</abbr>, logits'


def test_a_use_inside_a_link_or_summary_stays_plain_and_the_next_use_is_explained():
    html = f'<a href="x/">see {ECE}</a><summary>{ECE}</summary> then {ECE}'
    assert mark_first_uses(html) == (
        '<a href="x/">see ECE</a><summary>ECE</summary> then '
        '<abbr title="Expected calibration error." tabindex="0">ECE</abbr>'
    )


def test_a_page_without_terms_is_unchanged():
    html = '<p><a href="a/">a</a> <code>ECE</code></p>'
    assert mark_first_uses(html) == html


def test_the_glossary_file_defines_every_term_the_pages_need_and_marks_them_outside_math_and_code():
    definitions = dict(re.findall(r"^\*\[([^\]]+)\]: (.+)$", GLOSSARY.read_text(encoding="utf-8"), re.M))
    for term in ("ECE", "NLL", "fitted temperature", "perplexity", "BLEU", "AUROC", "risk–coverage curve",
                 "linear probe", "negative smoothing", "logit", "logit gap", "KD", "nats",
                 "penultimate activations", "penultimate layer"):
        assert definitions.get(term), f"includes/glossary.md does not define {term!r}"
    assert all(len(text) < 300 and "*" not in text for text in definitions.values())
    md = markdown.Markdown(extensions=["abbr", "pymdownx.arithmatex"], extension_configs={"pymdownx.arithmatex": {"generic": True}})
    html = md.convert(r"The ECE, \(\mathrm{ECE}\), `ECE` and the logit gap." + "\n\n" + GLOSSARY.read_text(encoding="utf-8"))
    assert html.count("<abbr") == 2 and r"\(\mathrm{ECE}\)" in html and "<code>ECE</code>" in html
    assert '">logit gap</abbr>' in html
