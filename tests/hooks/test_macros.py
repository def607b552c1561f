"""Presentation macros of hooks/macros.py: what they print, checked against the fact sheet's table."""

from types import SimpleNamespace

from hooks.macros import concept_list, optimum_table


def test_optimum_table_rows_match_the_closed_forms():
    table = optimum_table([(10, 0.1), (1000, 0.1)]).splitlines()
    assert table[0].startswith("| *K* | *α* |") and len(table) == 4
    assert table[2] == "| 10 | 0.1 | 0.9100 | 0.01 | 4.511 | 0.500 |"
    assert table[3] == "| 1,000 | 0.1 | 0.9001 | 0.0001 | 9.105 | 1.015 |"


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
    assert "How to read" not in interval_key("elsewhere/page.md", tmp_path)  # no labs page beside it


def test_reading_minutes_count_prose_and_skip_code_macros_and_tags():
    from hooks.macros import reading_minutes

    prose = "word " * 1000
    fenced = "\n```python\n" + "x = 1\n" * 3000 + "```\n"
    assert reading_minutes(prose) == 5
    assert reading_minutes(prose + fenced + "{{ lab('a')['b'] }} <div class='x'></div>") == 5
    assert reading_minutes("") == 1


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
