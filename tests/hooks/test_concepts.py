"""The concept template's metadata checks (hooks/concepts.py, and its MkDocs adapter concepts_hook.py)."""

import dataclasses
from pathlib import Path

import pytest
import yaml
from hooks.concepts import BibliographyError, ConceptError, CourseError, add_citations, load_references, read_concepts

DOCS = Path(__file__).resolve().parents[2] / "docs"

A, B = "domains/d/a/index.md", "domains/d/b/index.md"
VALID = {
    "number": 60,
    "summary": "One line.",
    "key_equation": "y = x",
    "prerequisites": [B],
    "papers": [{"key": "ref2020", "note": "What it showed."}],
}
COURSE = {"size": 100, "phases": [{"name": "Foundations", "first": 1}, {"name": "Optimization", "first": 60}]}
REFERENCE = {
    "ref2020": {
        "authors": "A. Author",
        "title": "A Title",
        "venue": "ICML",
        "year": 2020,
        "url": "https://arxiv.org/abs/2003.02819",
    }
}


def write_page(path: Path, front: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{yaml.safe_dump(front)}---\n\nBody.\n", encoding="utf-8")


def write_site(tmp_path: Path, concept_a: dict, references: dict = REFERENCE, course: dict = COURSE) -> Path:
    """A docs/ folder: domain d ("Domain D") with page a (under test) and page b (its prerequisite)."""
    (tmp_path / "references.yml").write_text(yaml.safe_dump(references), encoding="utf-8")
    (tmp_path / "course.yml").write_text(yaml.safe_dump(course), encoding="utf-8")
    write_page(tmp_path / "domains/d/index.md", {"title": "Domain D"})
    concept_b = {**VALID, "number": 59, "prerequisites": [], "papers": []}
    for uri, concept in ((A, concept_a), (B, concept_b)):
        write_page(tmp_path / uri, {"title": f"Page {uri.split('/')[2]}", "concept": concept})
    return tmp_path


def test_the_real_site_metadata_is_valid():
    concepts = read_concepts(DOCS)
    page = concepts["domains/optimization/label-smoothing/index.md"]
    assert (page.number, page.total, page.domain, page.phase_short) == (60, 100, "Optimization", "Phase 3")
    assert page.next == ("domains/optimization/calibration-temperature-scaling/index.md",
                         "domains/optimization/knowledge-distillation/index.md"), "the concepts that list it"
    assert [part.url for part in page.parts][:1] == ["domains/optimization/label-smoothing/practice/"]
    assert all(part.teaches and part.needs for part in page.parts)
    assert page.url == "domains/optimization/label-smoothing/"
    assert len(concepts) >= 5


def test_valid_metadata_parses(tmp_path):
    concepts = read_concepts(write_site(tmp_path, VALID))
    assert concepts[A].papers[0].reference.title == "A Title"
    assert concepts[A].prerequisites == (B,)


def test_domain_phase_and_next_are_derived(tmp_path):
    concepts = read_concepts(write_site(tmp_path, VALID))
    a, b = concepts[A], concepts[B]
    assert (a.domain, a.domain_uri) == ("Domain D", "domains/d/index.md"), "the folder, named by its index.md"
    assert (a.phase, b.phase) == ("Phase 2: Optimization", "Phase 1: Foundations"), "docs/course.yml, by number"
    assert (a.phase_short, a.phase_name) == ("Phase 2", "Optimization"), "the badge and its tooltip, each said once"
    assert (a.next, b.next) == ((), (A,)), "b's next is every concept that lists b as a prerequisite"
    concepts = read_concepts(write_site(tmp_path, {**VALID, "next_extra": [B]}))
    assert concepts[A].next == (B,), "next_extra adds curated moves"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"summary": None}, r"domains/d/a/index\.md: front matter field 'concept\.summary' is not of type 'string', got None"),
        ({"key_equation": ""}, r"'concept\.key_equation' is missing"),
        ({"number": "sixty"}, r"'concept\.number' is not of type 'integer', got 'sixty'"),
        ({"number": True}, r"'concept\.number' is not of type 'integer', got True"),
        ({"number": 101}, r"'concept\.number' is beyond the course's 100 concepts \(docs/course\.yml\), got 101"),
        ({"number": 59}, r"'concept\.number' 59 is already used by"),
        ({"total": 100}, r"'concept\.total' is not a known field"),
        ({"phase": "Phase 3: X"}, r"'concept\.phase' is derived, not typed: it comes from docs/course\.yml"),
        ({"domain": "D"}, r"'concept\.domain' is derived, not typed: it comes from the folder"),
        ({"next": []}, r"'concept\.next' is derived, not typed: it lists the concepts that name this one"),
        ({"next_extra": "b/index.md"}, r"'concept\.next_extra' is not of type 'array', got 'b/index\.md'"),
        ({"next_extra": ["b/index"]}, r"'concept\.next_extra\.0' does not match"),
        ({"next_extra": ["gone/index.md"]}, r"'concept\.next_extra' links to 'gone/index\.md', which is not a concept page"),
        ({"prerequisites": ["missing/index.md"]}, r"'concept\.prerequisites' links to 'missing/index\.md', which is not a concept page"),
        ({"papers": [{"key": "nope"}]}, r"'concept\.papers\.0\.key' 'nope' has no entry in docs/references\.yml"),
        ({"papers": [{"note": "x"}]}, r"'concept\.papers\.0\.key' is missing"),
        ({"parts": [{"page": "gone.md", "summary": "x"}]}, r"'concept\.parts\.0\.page' 'gone\.md' is not a page beside domains/d/a/index\.md"),
        ({"parts": [{"page": "math.md"}]}, r"'concept\.parts\.0\.summary' is missing"),
        ({"moved_anchors": {"old": 3}}, r"'concept\.moved_anchors\.old' is not of type 'string', got 3"),
    ],
)
def test_bad_metadata_names_page_and_field(tmp_path, change, message):
    with pytest.raises(ConceptError, match=message):
        read_concepts(write_site(tmp_path, {**VALID, **change}))


def test_missing_field_is_named(tmp_path):
    concept = {k: v for k, v in VALID.items() if k != "summary"}
    with pytest.raises(ConceptError, match=r"domains/d/a/index\.md: front matter field 'concept\.summary' is missing"):
        read_concepts(write_site(tmp_path, concept))


def test_a_concept_lives_in_a_named_domain_folder(tmp_path):
    site = write_site(tmp_path, VALID)
    (site / "domains/d/index.md").write_text("---\ndescription: no title\n---\n", encoding="utf-8")
    with pytest.raises(ConceptError, match=r"domains/d/index\.md: front matter field 'title' is missing"):
        read_concepts(site)
    (site / "domains/d/index.md").unlink()
    with pytest.raises(ConceptError, match=r"domains/d/a/index\.md: .*'concept' sits in domain folder domains/d/, which needs an index\.md"):
        read_concepts(site)
    write_page(site / "domains/d/index.md", {"title": "Domain D"})
    write_page(site / "elsewhere/index.md", {"title": "Stray", "concept": {**VALID, "number": 7}})
    with pytest.raises(ConceptError, match=r"elsewhere/index\.md: .*must be the index\.md of a concept folder in a domain folder"):
        read_concepts(site)


def test_every_page_in_a_concept_folder_is_a_listed_part(tmp_path):
    site = write_site(tmp_path, VALID)
    write_page(site / "domains/d/a/labs/index.md", {"title": "A's labs"})
    with pytest.raises(ConceptError, match=r"domains/d/a/index\.md: front matter field 'concept\.parts' does not list 'labs/index\.md'"):
        read_concepts(site)


@pytest.mark.parametrize(
    ("course", "message"),
    [
        ({"size": 100}, r"course\.yml: field 'phases' is missing"),
        ({**COURSE, "phases": [{"name": "Late", "first": 5}]}, r"field 'phases\.0\.first' must be 1"),
        ({**COURSE, "phases": [{"name": "A", "first": 1}, {"name": "B", "first": 1}]}, r"field 'phases\.1\.first' must lie after 1"),
        ({**COURSE, "phases": [{"name": "A", "first": 1}, {"name": "B", "first": 120}]}, r"within the course's 100, got 120"),
        ({**COURSE, "size": "many"}, r"field 'size' is not of type 'integer'"),
    ],
)
def test_the_course_file_is_checked(tmp_path, course, message):
    with pytest.raises(CourseError, match=message):
        read_concepts(write_site(tmp_path, VALID, course=course))


def test_chapter_parts_take_their_titles_from_their_pages(tmp_path):
    site = write_site(tmp_path, {**VALID, "parts": [{"page": "math.md", "summary": "The math."}]})
    (site / "domains/d/a/math.md").write_text(
        "---\ntitle: A, the math\npart:\n  teaches: Proofs.\n  needs: Algebra.\n---\n\nBody.\n", encoding="utf-8"
    )
    part = read_concepts(site)[A].parts[0]
    assert (part.src_uri, part.title, part.summary, part.url) == ("domains/d/a/math.md", "A, the math", "The math.", "domains/d/a/math/")
    assert (part.teaches, part.needs) == ("Proofs.", "Algebra.")


@pytest.mark.parametrize(
    ("opener", "message"),
    [
        ("", r"domains/d/a/math\.md: front matter field 'part' is not of type 'object', got None"),
        ("part:\n  teaches: Proofs.\n", r"domains/d/a/math\.md: front matter field 'part\.needs' is missing"),
        ("part:\n  teaches: Proofs.\n  needs: ''\n", r"'part\.needs' is missing"),
        ("part:\n  teaches: Proofs.\n  needs: A.\n  minutes: 5\n", r"'part\.minutes' is not a known field"),
    ],
)
def test_a_part_page_must_say_what_it_teaches_and_needs(tmp_path, opener, message):
    site = write_site(tmp_path, {**VALID, "parts": [{"page": "math.md", "summary": "The math."}]})
    (site / "domains/d/a/math.md").write_text(f"---\ntitle: A, the math\n{opener}---\n\nBody.\n", encoding="utf-8")
    with pytest.raises(ConceptError, match=message):
        read_concepts(site)


def test_reference_needs_doi_or_arxiv_url(tmp_path):
    bad = {"ref2020": {**REFERENCE["ref2020"], "url": "http://example.com/paper.pdf"}}
    (tmp_path / "references.yml").write_text(yaml.safe_dump(bad), encoding="utf-8")
    with pytest.raises(BibliographyError, match=r"reference 'ref2020' field 'url' must be a DOI \(https://doi\.org"):
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
    assert concepts[A].url == "domains/d/a/"
    assert dataclasses.replace(concepts[B], src_uri="b/page.md").url == "b/page/"


# --- the MkDocs adapter -----------------------------------------------------------------


def test_legacy_urls_come_from_the_redirects():
    from types import SimpleNamespace

    from hooks.concepts_hook import _legacy_urls

    redirects = SimpleNamespace(config={"redirect_maps": {"foundations/x.md": "domains/a/x/index.md"}})
    config = SimpleNamespace(plugins={"redirects": redirects})
    assert _legacy_urls(config) == {"domains/a/x/index.md": ["/foundations/x/"]}
    assert _legacy_urls(SimpleNamespace(plugins={})) == {}
