"""The concept template's metadata checks (hooks/concepts.py)."""

import dataclasses
from pathlib import Path

import pytest
import yaml
from mkdocs.exceptions import PluginError

from hooks.concepts import add_citations, load_references, read_concepts

DOCS = Path(__file__).resolve().parents[2] / "docs"

VALID = {
    "number": 60,
    "total": 100,
    "domain": "Optimization",
    "phase": "Phase 3: Optimization & generalization",
    "summary": "One line.",
    "key_equation": "y = x",
    "prerequisites": ["b/index.md"],
    "next": [],
    "papers": [{"key": "ref2020", "note": "What it showed."}],
}
REFERENCE = {
    "ref2020": {
        "authors": "A. Author",
        "title": "A Title",
        "venue": "ICML",
        "year": 2020,
        "url": "https://arxiv.org/abs/2003.02819",
    }
}


def write_site(tmp_path: Path, concept_a: dict, references: dict = REFERENCE) -> Path:
    """A docs/ folder with page a (under test) and page b (its prerequisite)."""
    (tmp_path / "references.yml").write_text(yaml.safe_dump(references), encoding="utf-8")
    concept_b = {**VALID, "number": 59, "prerequisites": [], "papers": []}
    for name, concept in (("a", concept_a), ("b", concept_b)):
        page = tmp_path / name / "index.md"
        page.parent.mkdir()
        front = yaml.safe_dump({"title": f"Page {name}", "concept": concept})
        page.write_text(f"---\n{front}---\n\nBody.\n", encoding="utf-8")
    return tmp_path


def test_the_real_site_metadata_is_valid():
    concepts = read_concepts(DOCS)
    page = concepts["domains/optimization/label-smoothing/index.md"]
    assert (page.number, page.total, page.domain, page.phase_short) == (60, 100, "Optimization", "Phase 3")
    assert page.url == "domains/optimization/label-smoothing/"
    assert len(concepts) >= 5


def test_valid_metadata_parses(tmp_path):
    concepts = read_concepts(write_site(tmp_path, VALID))
    assert concepts["a/index.md"].papers[0].reference.title == "A Title"
    assert concepts["a/index.md"].prerequisites == ("b/index.md",)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"summary": None}, r"a/index\.md: front matter field 'concept\.summary' is missing"),
        ({"key_equation": ""}, r"'concept\.key_equation' is missing"),
        ({"number": "sixty"}, r"'concept\.number' must be int, got 'sixty'"),
        ({"number": 101}, r"'concept\.number' must lie in \[1, 100\], got 101"),
        ({"number": 59}, r"'concept\.number' 59 is already used by"),
        ({"total": 99}, r"'concept\.total' must be 100, got 99"),
        ({"phase": "Three"}, r"'concept\.phase' must read 'Phase N: Name', got 'Three'"),
        ({"next": "b/index.md"}, r"'concept\.next' must be a list of \.md paths"),
        ({"prerequisites": ["missing/index.md"]}, r"'concept\.prerequisites' links to 'missing/index\.md', which is not a concept page"),
        ({"papers": [{"key": "nope"}]}, r"'concept\.papers' entries need a 'key'"),
    ],
)
def test_bad_metadata_names_page_and_field(tmp_path, change, message):
    with pytest.raises(PluginError, match=message):
        read_concepts(write_site(tmp_path, {**VALID, **change}))


def test_reference_needs_doi_or_arxiv_url(tmp_path):
    bad = {"ref2020": {**REFERENCE["ref2020"], "url": "http://example.com/paper.pdf"}}
    (tmp_path / "references.yml").write_text(yaml.safe_dump(bad), encoding="utf-8")
    with pytest.raises(PluginError, match=r"reference 'ref2020' url must be"):
        load_references(tmp_path)


def test_citations_get_footnotes_and_unknown_keys_fail(tmp_path):
    (tmp_path / "references.yml").write_text(yaml.safe_dump(REFERENCE), encoding="utf-8")
    references = load_references(tmp_path)
    page = "Smoothing helps[^ref2020]. Again[^ref2020]. In code: `[^example]`.\n"
    assert add_citations(page, "p.md", references).count("[^ref2020]: A. Author") == 1
    with pytest.raises(PluginError, match=r"p\.md: citation \[\^nope\] has no entry"):
        add_citations("Claim[^nope].", "p.md", references)


def test_concept_urls_follow_directory_urls(tmp_path):
    concepts = read_concepts(write_site(tmp_path, VALID))
    assert concepts["a/index.md"].url == "a/"
    assert dataclasses.replace(concepts["b/index.md"], src_uri="b/page.md").url == "b/page/"
