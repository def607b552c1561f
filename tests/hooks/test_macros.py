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
