"""Presentation macros of hooks/macros.py: what they print."""

import re
import traceback
from pathlib import Path
from types import SimpleNamespace

import jinja2
import pytest

from hooks.macros import concept_list, lines_before_body, on_post_page_macros, on_pre_page_macros


def test_concept_list_links_relative_to_the_page_that_shows_it():
    concept = SimpleNamespace(src_uri="domains/a/x/index.md", title="X", number=7, phase_short="Phase 1", summary="S.")
    assert concept_list([concept], "domains/a/index.md") == "- **[X](x/index.md)** · Concept 7 · Phase 1: S."
    assert concept_list([concept], "index.md") == "- **[X](domains/a/x/index.md)** · Concept 7 · Phase 1: S."


def test_page_source_reads_mkdocs_and_zensical_pages():
    from hooks.macros import page_source

    assert page_source(SimpleNamespace(file=SimpleNamespace(src_uri="a/b.md"))) == "a/b.md"
    assert page_source(SimpleNamespace(path="a/b.md")) == "a/b.md"


def test_interval_key_reads_the_notation_the_findings_print(tmp_path):
    from hooks.macros import interval_key
    from snippets import stats

    (tmp_path / "c" / "labs").mkdir(parents=True)
    (tmp_path / "c" / "labs" / "index.md").write_text("# Labs\n", encoding="utf-8")
    key = interval_key("c/index.md", tmp_path)
    example = stats.format_difference(stats.PairedComparison("a", "b", 8, 0, 0, 1.2, 0.4, 2.0, 0.01), 1)
    assert f"*{example}*" in key and "between 0.4 and 2.0 with 95 % confidence" in key
    assert "[How to read a finding](labs/index.md)" in key
    assert f"*{stats.format_estimate({'mean': 0.9, 'sd': 0.02}, 2)}* is a mean ± standard deviation" in key
    assert "How to read" not in interval_key("elsewhere/page.md", tmp_path)  # no labs page beside it


DOCS = Path(__file__).resolve().parents[2] / "docs"
# Macros that print an interval in the site's notation: "+1.2 [0.4, 2.0], n = 8".
_PRINTS_AN_INTERVAL = re.compile(r"\{\{[^}]*\b(interval|finding)\(|\|\s*paired\b")


@pytest.mark.parametrize("page", sorted(
    str(p.relative_to(DOCS)) for p in DOCS.glob("domains/**/*.md")
    if p.name != "index.md" or p.parent.name != "labs"  # a labs index holds the full key itself
))
def test_a_page_that_prints_an_interval_keys_its_first_one(page):
    # docs/authors.md: "Put {{ interval_key() }} after the paragraph with a page's first finding".
    blocks = re.split(r"\n\s*\n", (DOCS / page).read_text(encoding="utf-8"))
    first = next((i for i, block in enumerate(blocks) if _PRINTS_AN_INTERVAL.search(block)), None)
    if first is None:
        return
    assert blocks[first + 1].strip() == "{{ interval_key() }}", (
        f"{page}: the paragraph with the first interval is not followed by {{{{ interval_key() }}}}")


def test_reading_minutes_count_prose_and_skip_code_macros_and_tags():
    from hooks.macros import reading_minutes

    prose = "word " * 1000
    fenced = "\n```python\n" + "x = 1\n" * 3000 + "```\n"
    assert reading_minutes(prose) == 5
    assert reading_minutes(prose + fenced + "{{ lab('a')['b'] }} <div class='x'></div>") == 5
    assert reading_minutes("") == 1


def test_reading_minutes_keep_prose_after_a_less_than_sign_in_math():
    from hooks.macros import reading_minutes

    # A "<" in math is not a tag: the prose up to the next ">" (an arrow, a later tag) still counts.
    prose = "word " * 1000
    page = r"The gradient \(p_t - 1 < 0\) pushes up. " + prose + "<span class='x'>then</span> a -> b.\n"
    assert reading_minutes(page) == 5
    assert reading_minutes("<!-- " + "hidden " * 1000 + "-->" + "<br/>" + prose + "</p>") == 5


def test_reading_time_sums_pages_and_names_a_missing_one(tmp_path):
    import pytest

    from hooks.macros import reading_time

    (tmp_path / "a.md").write_text("---\ntitle: " + "long " * 5000 + "\n---\n" + "word " * 600, encoding="utf-8")
    (tmp_path / "b.md").write_text("word " * 400, encoding="utf-8")
    assert reading_time("index.md", tmp_path, ("a.md", "b.md")) == 3 + 2  # front matter is not read
    with pytest.raises(ValueError, match=r"index\.md: reading_time\(\) names 'gone\.md'"):
        reading_time("index.md", tmp_path, ("gone.md",))


def test_part_opener_and_prerequisites_come_from_front_matter():
    import pytest

    from hooks.macros import part_opener, prerequisite_links

    docs = "docs"
    opener = part_opener("domains/optimization/label-smoothing/math.md", docs, "word " * 400)
    assert "**You will learn:**" in opener and "**You need:**" in opener and "about 2 minutes" in opener
    with pytest.raises(ValueError, match="no concept lists this page"):
        part_opener("authors.md", docs, "")
    links = prerequisite_links("domains/optimization/label-smoothing/index.md", docs)
    assert links.startswith("[Softmax and Cross-Entropy](../../neural-networks/softmax-cross-entropy/index.md) and [")


@pytest.mark.parametrize(
    ("source", "lines"),
    [
        ("# Title\n", 0),
        ("---\ntitle: A\n---\n# Title\n", 3),
        ("---\ntitle: A\nrender_macros: true\n---\n\n\n# Title\n", 6),
        ("---\ntitle: A\n...\nbody\n", 3),
    ],
)
def test_lines_before_body_count_the_front_matter_and_the_blank_lines_mkdocs_strips(source, lines):
    assert lines_before_body(source) == lines


def test_a_macro_error_names_the_line_of_the_page_file(tmp_path):
    """mkdocs-macros renders the page without its front matter; the stand-in lines put Jinja's line
    number (the ``<template>`` line of the error's traceback) back on the file's line."""
    page_file = tmp_path / "page.md"
    page_file.write_text("---\ntitle: A\nrender_macros: true\n---\n\n# A\n\nText.\n\n{{ undefined_name.x }}\n",
                         encoding="utf-8")
    body = "# A\n\nText.\n\n{{ undefined_name.x }}\n"  # what MkDocs hands the macros plugin
    env = SimpleNamespace(page=SimpleNamespace(file=SimpleNamespace(abs_src_path=str(page_file))), markdown=body)
    on_pre_page_macros(env)
    with pytest.raises(jinja2.UndefinedError) as error:
        jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(env.markdown).render()
    template_lines = [frame.lineno for frame in traceback.extract_tb(error.tb) if frame.filename == "<template>"]
    assert template_lines == [10]  # {{ undefined_name.x }} is line 10 of page.md
    env.markdown = env.markdown.replace("{{ undefined_name.x }}", "rendered")
    on_post_page_macros(env)
    assert env.markdown == "# A\n\nText.\n\nrendered\n", "the rendered page has no stand-in lines"
