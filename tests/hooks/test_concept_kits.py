"""hooks/concept_kits.py: a concept's kit found by its folder, its macros, its files as a page feature;
and nothing concept-specific left in the generic glue."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from hooks.concept_kits import KitError, PageKit, find_kits, kit_assets, kit_of_page
from hooks.concepts import read_concepts
from hooks.page_assets import Assets, page_assets, use

ROOT = Path(__file__).resolve().parents[2]

KIT_MACROS = '''
from hooks.concept_kits import uses_assets

from . import drawing

__all__ = ["figure", "table"]


@uses_assets
def figure(n):
    return drawing.draw(n)


def table():
    return "| a |"


def helper():
    return "not a macro"
'''


@pytest.fixture
def docs(tmp_path):
    kit = tmp_path / "domains" / "d" / "some-concept" / "kit"
    kit.mkdir(parents=True)
    (kit / "__init__.py").write_text("")
    (kit / "macros.py").write_text(KIT_MACROS)
    (kit / "drawing.py").write_text("def draw(n):\n    return f'<svg data-n=\"{n}\"></svg>'\n")
    (kit / "figure.js").write_text("/* */")
    (kit / "figure.css").write_text("/* */")
    (tmp_path / "domains" / "d" / "other" / "deep").mkdir(parents=True)
    return tmp_path


def page_kit(docs, uri):
    page = SimpleNamespace(meta={}, uri=uri)
    return page, PageKit(docs, lambda: page.uri, lambda feature: use(page, feature))


def test_a_kit_is_found_by_its_folder_and_its_files_are_a_page_feature(docs):
    assert list(find_kits(docs)) == ["domains/d/some-concept/kit"]
    assert kit_assets(docs) == {"domains/d/some-concept/kit": Assets(
        ("domains/d/some-concept/kit/figure.css",), ("domains/d/some-concept/kit/figure.js",))}


def test_a_page_finds_the_nearest_kit_up_its_folders():
    kits = {"a/b/kit": Path("x"), "kit": Path("y")}
    assert kit_of_page("a/b/index.md", kits) == "a/b/kit"
    assert kit_of_page("a/b/labs/index.md", kits) == "a/b/kit"
    assert kit_of_page("a/c/index.md", kits) == "kit"
    assert kit_of_page("index.md", {"a/b/kit": Path("x")}) is None


def test_a_macro_that_uses_assets_marks_the_page_and_others_do_not(docs):
    page, kit = page_kit(docs, "domains/d/some-concept/math.md")
    assert kit.table() == "| a |"
    assert page.meta == {}
    assert kit.figure(3) == '<svg data-n="3"></svg>'  # the kit's modules import each other
    assert page.meta["page_assets"] == ["domains/d/some-concept/kit"]
    files = page_assets(page.meta, kit_assets(docs), "domains/d/some-concept/math.md")
    assert files.scripts == ("domains/d/some-concept/kit/figure.js",)


def test_unknown_macros_and_pages_without_a_kit_are_named(docs):
    _, kit = page_kit(docs, "domains/d/some-concept/index.md")
    with pytest.raises(KitError, match=r"index.md: kit.helper: domains/d/some-concept/kit/macros.py has no macro "
                                       r"'helper' in __all__ \(its macros: figure, table\)"):
        kit.helper
    _, kit = page_kit(docs, "domains/d/other/deep/page.md")
    with pytest.raises(KitError, match=r"domains/d/other/deep/page.md: kit.table: no kit/ folder .*"
                                       r"kits: domains/d/some-concept/kit"):
        kit.table()


def test_a_kit_without_init_is_named(docs):
    (docs / "domains" / "d" / "some-concept" / "kit" / "__init__.py").unlink()
    _, kit = page_kit(docs, "domains/d/some-concept/index.md")
    with pytest.raises(KitError, match="a kit needs an __init__.py"):
        kit.table


def glue_sources():
    for folder in ("hooks", "tools"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and path.suffix in {".py", ".mjs", ".js", ".html", ".yml"}:
                yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


CONCEPTS = read_concepts(ROOT / "docs")


@pytest.mark.parametrize("uri", sorted(CONCEPTS))
def test_no_concept_is_named_in_the_generic_glue(uri):
    """What one concept needs lives in its folder (its kit), never in hooks/ or tools/."""
    concept = CONCEPTS[uri]
    slug = Path(uri).parent.name
    names = [re.escape(slug), re.escape(concept.title)]
    pattern = re.compile("|".join(names), re.I)
    found = [f"{path}: {match[0]!r}" for path, text in glue_sources() for match in pattern.finditer(text)]
    assert found == [], f"{concept.title} is named in the generic glue: {found}"


def test_the_glue_check_would_see_a_slug():
    assert re.search(re.escape("label-smoothing"), "docs/domains/optimization/label-smoothing/kit/widget.js")
