"""hooks/page_assets.py: features from mkdocs.yml, marks on pages, and the files each page loads."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from hooks.page_assets import Assets, PageAssetsError, page_assets, read_features, use


@pytest.fixture
def docs(tmp_path):
    for name in ("a.css", "a.js", "b.js", "shared.css"):
        (tmp_path / name).write_text("/* */")
    return tmp_path


def test_features_read_from_config(docs):
    features = read_features({"a": {"stylesheets": ["a.css"], "scripts": ["a.js"]}, "b": {"scripts": ["b.js"]}}, docs)
    assert features == {"a": Assets(("a.css",), ("a.js",)), "b": Assets((), ("b.js",))}
    assert read_features(None, docs) == {}


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (["a.css"], "must map feature names"),
        ({"a": {"styles": ["a.css"]}}, "extra.page_assets.a must have only stylesheets and scripts"),
        ({"a": {}}, "extra.page_assets.a must have only"),
        ({"a": {"scripts": "a.js"}}, "extra.page_assets.a.scripts must be a list of paths"),
        ({"a": {"scripts": ["missing.js"]}}, "extra.page_assets.a.scripts: 'missing.js' is not a file"),
    ],
)
def test_bad_config_is_named(docs, config, message):
    with pytest.raises(PageAssetsError, match=message):
        read_features(config, docs)


def test_a_page_loads_only_the_features_it_uses_in_order_each_file_once(docs):
    features = {
        "a": Assets(("shared.css", "a.css"), ("a.js",)),
        "b": Assets(("shared.css",), ("b.js",)),
    }
    page = SimpleNamespace(meta={})
    assert page_assets(page.meta, features, "p.md") == Assets()
    use(page, "b")
    use(page, "a")
    use(page, "b")
    assert page.meta["page_assets"] == ["b", "a"]
    assert page_assets(page.meta, features, "p.md") == Assets(("shared.css", "a.css"), ("b.js", "a.js"))


def test_front_matter_marks_and_unknown_features_are_named():
    with pytest.raises(PageAssetsError, match=r"p.md: uses page feature 'quizz'.*defined: quiz"):
        page_assets({"page_assets": ["quizz"]}, {"quiz": Assets()}, "p.md")
    with pytest.raises(PageAssetsError, match=r"p.md: front matter field 'page_assets' must be a list"):
        page_assets({"page_assets": "quiz"}, {"quiz": Assets()}, "p.md")
