"""The navigation's domains derived from the content tree (hooks/course_nav.py)."""

from pathlib import Path

import pytest
import yaml
from hooks.concepts import read_concepts
from hooks.course_nav import NavError, domains_nav, with_domains
from hooks.labs import LabError

DOCS = Path(__file__).resolve().parents[2] / "docs"
CONCEPT = {"summary": "One line.", "key_equation": "y = x", "prerequisites": []}
PART = {"teaches": "What it teaches.", "needs": "What it needs."}  # a part page's own front matter


def page(path: Path, front: dict, body: str = "Body.\n") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{yaml.safe_dump(front)}---\n\n{body}", encoding="utf-8")


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    """Two domains; the later-numbered one has a chapter with a part, a labs overview and two labs."""
    (tmp_path / "references.yml").write_text("{}\n", encoding="utf-8")
    (tmp_path / "course.yml").write_text("size: 100\nphases: [{name: All, first: 1}]\n", encoding="utf-8")
    page(tmp_path / "domains/index.md", {"title": "Domains"})
    page(tmp_path / "domains/late/index.md", {"title": "Late domain"})
    page(tmp_path / "domains/early/index.md", {"title": "Early domain"})
    page(tmp_path / "domains/early/one/index.md", {"title": "One", "concept": {**CONCEPT, "number": 1}})
    page(tmp_path / "domains/late/three/index.md", {"title": "Three", "concept": {**CONCEPT, "number": 3}})
    page(tmp_path / "domains/late/two/index.md", {
        "title": "Two, in full", "nav_title": "Two",
        "concept": {**CONCEPT, "number": 2, "parts": [
            {"page": "labs/index.md", "summary": "Its labs."}, {"page": "math.md", "summary": "Its math."}]},
    })
    page(tmp_path / "domains/late/two/math.md", {"title": "Two: the math", "nav_title": "The math", "part": PART})
    page(tmp_path / "domains/late/two/labs/index.md", {"title": "Two's labs", "part": PART})
    for name, title in (("zeta", "Lab: the last file"), ("alpha", "Lab: the first file")):
        (tmp_path / f"domains/late/two/labs/{name}.py").write_text(
            f"# %% [markdown]\n# # {title}\n#\n# Prose.\n\n# %%\nx = 1\n", encoding="utf-8")
    return tmp_path


def test_domains_concepts_parts_and_labs_come_from_the_tree(docs):
    assert domains_nav(read_concepts(docs), docs) == [
        {"Early domain": [{"Overview": "domains/early/index.md"}, {"One": "domains/early/one/index.md"}]},
        {"Late domain": [
            {"Overview": "domains/late/index.md"},
            {"Two": [  # a chapter: its overview, then its parts in the order of parts:
                {"Overview": "domains/late/two/index.md"},
                {"Labs": [{"Overview": "domains/late/two/labs/index.md"},
                          {"Lab: the first file": "domains/late/two/labs/alpha.ipynb"},
                          {"Lab: the last file": "domains/late/two/labs/zeta.ipynb"}]},
                {"The math": "domains/late/two/math.md"},
            ]},
            {"Three": "domains/late/three/index.md"},
        ]},
    ]


def test_labs_without_an_overview_still_get_a_section(docs):
    (docs / "domains/early/one/labs").mkdir()
    (docs / "domains/early/one/labs/only.py").write_text("# %% [markdown]\n# # Only lab\n", encoding="utf-8")
    early = domains_nav(read_concepts(docs), docs)[0]["Early domain"]
    assert early[1] == {"One": [{"Overview": "domains/early/one/index.md"},
                                {"Labs": [{"Only lab": "domains/early/one/labs/only.ipynb"}]}]}


def test_a_lab_without_a_title_is_named(docs):
    (docs / "domains/late/two/labs/zeta.py").write_text("# %%\nx = 1\n", encoding="utf-8")
    with pytest.raises(LabError, match=r"docs/domains/late/two/labs/zeta\.py has no title"):
        domains_nav(read_concepts(docs), docs)


def test_the_domains_go_beside_the_domains_index_and_replace_earlier_lines():
    generated = [{"D": [{"Overview": "domains/d/index.md"}]}]
    nav = [{"Home": "index.md"},
           {"Domains": [{"All domains": "domains/index.md"}, {"Old": [{"Typed": "domains/d/x/index.md"}]}]},
           {"For authors": "authors.md"}]
    expanded = with_domains(nav, generated)
    assert expanded == [{"Home": "index.md"}, {"Domains": [{"All domains": "domains/index.md"}, *generated]},
                        {"For authors": "authors.md"}]
    assert with_domains(expanded, generated) == expanded, "expanding twice changes nothing"
    with pytest.raises(NavError, match=r"no entry for domains/index\.md"):
        with_domains([{"Home": "index.md"}], generated)


def test_the_real_site_has_one_nav_entry_per_page_and_lab():
    nav = domains_nav(read_concepts(DOCS), DOCS)

    def pages(entry):
        value = next(iter(entry.values()))
        return [value] if isinstance(value, str) else [p for child in value for p in pages(child)]

    listed = [p for domain in nav for p in pages(domain)]
    on_disk = sorted(p.relative_to(DOCS).as_posix() for p in (DOCS / "domains").rglob("*.md")
                     if p.relative_to(DOCS).as_posix() != "domains/index.md")
    labs = sorted(p.relative_to(DOCS).with_suffix(".ipynb").as_posix() for p in (DOCS / "domains").rglob("labs/*.py"))
    assert sorted(listed) == sorted(on_disk + labs) and len(listed) == len(set(listed))
