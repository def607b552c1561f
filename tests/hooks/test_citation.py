"""hooks/citation.py: the page's BibTeX entry."""

import datetime

import pytest

from hooks.citation import bibtex_entry, escape


def test_entry_has_title_publisher_url_and_year():
    entry = bibtex_entry("conceptlab:label-smoothing", title="Label Smoothing & Soft Targets",
                         publisher="Concept Lab · Domains", url="https://example.org/ls/",
                         changed=datetime.date(2026, 12, 5))
    assert entry.splitlines()[0] == "@misc{conceptlab:label-smoothing,"
    assert "  title = {{Label Smoothing \\& Soft Targets}}," in entry
    assert "  publisher = {Concept Lab · Domains}," in entry
    assert "  url = {https://example.org/ls/}," in entry
    assert "  year = {2026}," in entry and entry.endswith("}")


def test_unknown_fields_are_left_out_rather_than_guessed():
    entry = bibtex_entry("k", title="T", publisher="P", url=None, changed=None)
    assert "url" not in entry and "year" not in entry


def test_escaping_and_bad_keys():
    assert escape("50% of $x_1$ & {y}") == r"50\% of \$x\_1\$ \& \{y\}"
    with pytest.raises(ValueError, match="key must be"):
        bibtex_entry("a key", title="T", publisher="P", url=None, changed=None)
