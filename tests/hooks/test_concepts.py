"""The concept template's metadata checks (hooks/concepts.py, and its MkDocs adapter concepts_hook.py)."""

import dataclasses
from pathlib import Path

import pytest
import yaml
from hooks.concepts import BibliographyError, ConceptError, add_citations, load_references, read_concepts

DOCS = Path(__file__).resolve().parents[2] / "docs"

VALID = {
    "number": 60,
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
    assert [part.url for part in page.parts][:1] == ["domains/optimization/label-smoothing/practice/"]
    assert all(part.teaches and part.needs for part in page.parts)
    assert page.url == "domains/optimization/label-smoothing/"
    assert len(concepts) >= 5


def test_valid_metadata_parses(tmp_path):
    concepts = read_concepts(write_site(tmp_path, VALID))
    assert concepts["a/index.md"].papers[0].reference.title == "A Title"
    assert concepts["a/index.md"].prerequisites == ("b/index.md",)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"summary": None}, r"a/index\.md: front matter field 'concept\.summary' is not of type 'string', got None"),
        ({"key_equation": ""}, r"'concept\.key_equation' is missing"),
        ({"number": "sixty"}, r"'concept\.number' is not of type 'integer', got 'sixty'"),
        ({"number": True}, r"'concept\.number' is not of type 'integer', got True"),
        ({"number": 101}, r"'concept\.number' is greater than the maximum of 100, got 101"),
        ({"number": 59}, r"'concept\.number' 59 is already used by"),
        ({"total": 100}, r"'concept\.total' is not a known field"),
        ({"phase": "Three"}, r"'concept\.phase' must read 'Phase N: Name', got 'Three'"),
        ({"next": "b/index.md"}, r"'concept\.next' is not of type 'array', got 'b/index\.md'"),
        ({"next": ["b/index"]}, r"'concept\.next\.0' does not match"),
        ({"prerequisites": ["missing/index.md"]}, r"'concept\.prerequisites' links to 'missing/index\.md', which is not a concept page"),
        ({"papers": [{"key": "nope"}]}, r"'concept\.papers\.0\.key' 'nope' has no entry in docs/references\.yml"),
        ({"papers": [{"note": "x"}]}, r"'concept\.papers\.0\.key' is missing"),
        ({"parts": [{"page": "gone.md", "summary": "x"}]}, r"'concept\.parts\.0\.page' 'gone\.md' is not a page beside a/index\.md"),
        ({"parts": [{"page": "math.md"}]}, r"'concept\.parts\.0\.summary' is missing"),
        ({"moved_anchors": {"old": 3}}, r"'concept\.moved_anchors\.old' is not of type 'string', got 3"),
    ],
)
def test_bad_metadata_names_page_and_field(tmp_path, change, message):
    with pytest.raises(ConceptError, match=message):
        read_concepts(write_site(tmp_path, {**VALID, **change}))


def test_missing_field_is_named(tmp_path):
    concept = {k: v for k, v in VALID.items() if k != "domain"}
    with pytest.raises(ConceptError, match=r"a/index\.md: front matter field 'concept\.domain' is missing"):
        read_concepts(write_site(tmp_path, concept))


def test_chapter_parts_take_their_titles_from_their_pages(tmp_path):
    site = write_site(tmp_path, {**VALID, "parts": [{"page": "math.md", "summary": "The math."}]})
    (site / "a" / "math.md").write_text(
        "---\ntitle: A, the math\npart:\n  teaches: Proofs.\n  needs: Algebra.\n---\n\nBody.\n", encoding="utf-8"
    )
    part = read_concepts(site)["a/index.md"].parts[0]
    assert (part.src_uri, part.title, part.summary, part.url) == ("a/math.md", "A, the math", "The math.", "a/math/")
    assert (part.teaches, part.needs) == ("Proofs.", "Algebra.")


@pytest.mark.parametrize(
    ("opener", "message"),
    [
        ("", r"a/math\.md: front matter field 'part' is not of type 'object', got None"),
        ("part:\n  teaches: Proofs.\n", r"a/math\.md: front matter field 'part\.needs' is missing"),
        ("part:\n  teaches: Proofs.\n  needs: ''\n", r"'part\.needs' is missing"),
        ("part:\n  teaches: Proofs.\n  needs: A.\n  minutes: 5\n", r"'part\.minutes' is not a known field"),
    ],
)
def test_a_part_page_must_say_what_it_teaches_and_needs(tmp_path, opener, message):
    site = write_site(tmp_path, {**VALID, "parts": [{"page": "math.md", "summary": "The math."}]})
    (site / "a" / "math.md").write_text(f"---\ntitle: A, the math\n{opener}---\n\nBody.\n", encoding="utf-8")
    with pytest.raises(ConceptError, match=message):
        read_concepts(site)


def test_reference_needs_doi_or_arxiv_url(tmp_path):
    bad = {"ref2020": {**REFERENCE["ref2020"], "url": "http://example.com/paper.pdf"}}
    (tmp_path / "references.yml").write_text(yaml.safe_dump(bad), encoding="utf-8")
    with pytest.raises(BibliographyError, match=r"reference 'ref2020' field 'url' must be https://doi\.org"):
        load_references(tmp_path)


def test_citations_get_footnotes_and_unknown_keys_fail(tmp_path):
    (tmp_path / "references.yml").write_text(yaml.safe_dump(REFERENCE), encoding="utf-8")
    references = load_references(tmp_path)
    page = "Smoothing helps[^ref2020]. Again[^ref2020]. In code: `[^example]`.\n"
    assert add_citations(page, "p.md", references).count("[^ref2020]: A. Author") == 1
    with pytest.raises(BibliographyError, match=r"p\.md: citation \[\^nope\] has no entry"):
        add_citations("Claim[^nope].", "p.md", references)


def test_concept_urls_follow_directory_urls(tmp_path):
    concepts = read_concepts(write_site(tmp_path, VALID))
    assert concepts["a/index.md"].url == "a/"
    assert dataclasses.replace(concepts["b/index.md"], src_uri="b/page.md").url == "b/page/"


# --- the MkDocs adapter -----------------------------------------------------------------


def test_legacy_urls_come_from_the_redirects():
    from types import SimpleNamespace

    from hooks.concepts_hook import _legacy_urls

    redirects = SimpleNamespace(config={"redirect_maps": {"foundations/x.md": "domains/a/x/index.md"}})
    config = SimpleNamespace(plugins={"redirects": redirects})
    assert _legacy_urls(config) == {"domains/a/x/index.md": ["/foundations/x/"]}
    assert _legacy_urls(SimpleNamespace(plugins={})) == {}


def test_a_concept_must_sit_in_the_nav_under_its_domain(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from mkdocs.exceptions import PluginError

    from hooks import concepts_hook

    concepts = read_concepts(write_site(tmp_path, VALID))
    monkeypatch.setattr(concepts_hook, "_concepts", concepts)

    def nav(*sections):
        page = SimpleNamespace(file=SimpleNamespace(src_uri="a/index.md"),
                               ancestors=[SimpleNamespace(title=t) for t in sections])
        return SimpleNamespace(pages=[page])

    concepts_hook.on_nav(nav("Optimization", "Domains"), None, None)
    with pytest.raises(PluginError, match=r"'concept\.domain' is 'Optimization', but mkdocs\.yml's nav puts the page under Domains > Probability"):
        concepts_hook.on_nav(nav("Probability", "Domains"), None, None)
