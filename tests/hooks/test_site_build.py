"""The hooks together: tests/fixture_site/ built in-process with the project's own mkdocs.yml.

The configuration is the real one (plugins, hooks and their order, Markdown extensions); only
its paths, nav and redirects are swapped for the fixture's, so reordering the hooks in
mkdocs.yml changes this build too. Two concepts each have a lab called ``calibration``.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixture_site"
NAV = [{"Home": "index.md"}, {"Domains": [{"All domains": "domains/index.md"}]}]  # the hooks derive the rest
ALPHA, BETA = "domains/fixtures/alpha", "domains/fixtures/beta"
REPO_URL = "https://example.org/org/site"


def fixture_config(project: Path, docs: Path = FIXTURE / "docs") -> Path:
    """mkdocs.yml of the project, pointed at the fixture site (or a copy, ``docs``), written to ``project/``."""
    from properdocs.utils import yaml_load

    config = yaml_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config.update(docs_dir=str(docs), site_dir=str(project / "site"), nav=NAV)
    config.pop("watch", None)
    # the project's page features point at docs/ files the fixture lacks: it has one of its own
    config["extra"]["page_assets"] = {"fixture-feature": {"stylesheets": ["assets/fixture-feature.css"], "scripts": ["assets/fixture-feature.js"]}}
    config["theme"]["custom_dir"] = str(ROOT / config["theme"]["custom_dir"])
    config["hooks"] = [str(ROOT / hook) for hook in config["hooks"]]
    for plugin in config["plugins"]:
        if not isinstance(plugin, dict):
            continue
        options = next(iter(plugin.values()))
        if "redirects" in plugin:
            options["redirect_maps"] = {"old/alpha.md": f"{ALPHA}/index.md"}
        if "macros" in plugin:
            options["module_name"] = str(ROOT / options["module_name"])
        if "mkdocs-jupyter" in plugin:  # its cache is relative to the working directory: keep it apart
            options["cache_dir"] = str(project / ".cache" / "mkdocs-jupyter")
    for extension in config["markdown_extensions"]:
        if isinstance(extension, dict) and "pymdownx.snippets" in extension:
            extension["pymdownx.snippets"]["base_path"] = [str(ROOT)]
    path = project / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def build(project: Path, docs: Path = FIXTURE / "docs") -> Path:
    from properdocs.commands.build import build as properdocs_build
    from properdocs.config import load_config

    properdocs_build(load_config(str(fixture_config(project, docs))))
    return project / "site"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("fixture-site")
    with pytest.MonkeyPatch.context() as env:
        env.delenv("REPO_URL", raising=False)
        env.setenv("LAB_EXECUTION", "cache")
        return build(project)


def html(site: Path, page: str) -> str:
    return (site / page / "index.html").read_text(encoding="utf-8")


def test_each_concept_reads_its_own_lab_of_the_same_name(site):
    assert "measured 0.25" in html(site, ALPHA) and "measured 0.75" in html(site, BETA)


def test_lab_pages_downloads_and_figures_are_published_per_concept(site):
    for concept in (ALPHA, BETA):
        lab = html(site, f"{concept}/labs/calibration")
        assert '<details class="lab-fold"><summary>Show code</summary>' in lab
        assert not re.search(r'jp-OutputArea-output[^>]*>\s*<pre>\{', lab), "no JSON dump"
        assert 'href="calibration.zip"' in lab
        with zipfile.ZipFile(site / concept / "labs/calibration/calibration.zip") as bundle:
            assert {"calibration/calibration.ipynb", "calibration/snippets/plotting.py",
                    "calibration/requirements.txt"} <= set(bundle.namelist())
        assert (site / concept / "labs/figures/calibration-curve.svg").read_bytes().lstrip().startswith(b"<")
    alpha, beta = (site / c / "labs/figures/calibration-curve.svg" for c in (ALPHA, BETA))
    assert alpha.read_bytes() != beta.read_bytes(), "two labs called calibration, two figures"


def test_a_page_reaches_any_snippets_module(site):
    # the number only: the glossary wraps the unit after it in an <abbr>
    assert "the loss floor is\n0.5 " in html(site, ALPHA)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _filled(template: str, fields: dict[str, str]) -> str:
    text = (ROOT / "templates" / template).read_text(encoding="utf-8")
    for old, new in fields.items():
        assert old in text, f"templates/{template} no longer has {old!r}"
        text = text.replace(old, new)
    return text


def test_a_new_concept_in_a_new_domain_is_its_folders_and_nothing_else(site, tmp_path):
    """The author's path: copy the templates into new folders, fill them in, build. Nothing else is edited."""
    docs = tmp_path / "docs"
    shutil.copytree(FIXTURE / "docs", docs)
    before = _files(docs)
    concept = docs / "domains/regularization/dropout"
    (concept / "labs").mkdir(parents=True)
    (concept.parent / "index.md").write_text(_filled("domain-page.md", {
        "title: Domain Name": "title: Regularization", "# Domain Name": "# Regularization"}), encoding="utf-8")
    (concept / "index.md").write_text(_filled("concept-page.md", {
        "title: Concept Title": "title: Dropout",
        "number: 0 ": "number: 3 ",
        "prerequisites: []": f"prerequisites: [{ALPHA}/index.md]",
        "[^muller2019]": "[^fixture2020]",
    }) + '\nWith smoothing, held-out confidence was {{ finding("confidence", "confidence", "smoothed", "hard") }}.\n',
        encoding="utf-8")
    shutil.copy(ROOT / "templates/lab.py", concept / "labs/confidence.py")
    project = tmp_path / "project"
    project.mkdir()
    (project / ".cache").symlink_to(site.parent / ".cache", target_is_directory=True)  # alpha's and beta's labs stay cached
    with pytest.MonkeyPatch.context() as env:
        env.delenv("REPO_URL", raising=False)
        built = build(project, docs)

    after = _files(docs)
    touched = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
    assert touched == {"domains/regularization/index.md", "domains/regularization/dropout/index.md",
                       "domains/regularization/dropout/labs/confidence.py"}
    page = html(built, "domains/regularization/dropout")
    nav = page.split('data-md-type="navigation"')[1].split('data-md-type="toc"')[0]
    assert re.search(r"Regularization\s*</span>", nav) and re.search(r"Dropout\s*</span>", nav), "its domain and concept"
    assert re.search(r'href="labs/confidence/"[^>]*>(?:\s|<[^>]+>)*Lab: does label smoothing lower a classifier', nav), "its lab in the nav, by title"
    assert re.search(r"With smoothing, held-out confidence was (lower|higher|no detectable difference) \(", page)
    assert "Lab: does label smoothing lower a classifier" in html(built, "domains/regularization/dropout/labs/confidence")
    figures = built / "domains/regularization/dropout/labs/figures"
    assert {p.name for p in figures.glob("confidence-confidence*.svg")} == {
        "confidence-confidence.svg", "confidence-confidence-dark.svg", "confidence-confidence-phone.svg",
        "confidence-confidence-phone-dark.svg"}
    with zipfile.ZipFile(built / "domains/regularization/dropout/labs/confidence/confidence.zip") as bundle:
        assert "confidence/confidence.ipynb" in bundle.namelist()
    assert "Dropout" in html(built, ALPHA).split("concept-footer")[-1], "its prerequisite lists it as a next step"


def test_citation_footnote_is_appended(site):
    page = html(site, ALPHA)
    assert 'class="footnote"' in page and "A Reference for the Fixture Site" in page


def test_math_is_rendered_in_the_page_and_in_the_template(site):
    page = html(site, ALPHA)
    formulas = re.findall(r'<div class="arithmatex"([^>]*)>(.*?)</div>', page, re.S)
    assert len(formulas) == 2, "the page's formula and the key equation the concept template adds"
    for _, rendered in formulas:
        assert 'class="katex-display"' in rendered and "\\[" not in rendered
    assert "a = b" in page.split("concept-key-equation")[1][:3000], "the key equation comes from the front matter"


def test_a_lab_figure_on_a_page_gets_its_variants_size_and_one_lightbox_link(site):
    page = html(site, ALPHA)
    light = re.search(r'<a class="glightbox lab-figure__light" href="labs/figures/calibration-curve.svg"[^>]*>'
                      r'<picture><source media="[^"]+" srcset="labs/figures/calibration-curve-phone.svg"[^>]*>'
                      r'<img ([^>]*)></picture></a>', page)
    assert light, "the Markdown image did not become the figure markup (figures_hook before the glightbox plugin)"
    img = light[1]
    assert 'alt="A rising line, from the alpha lab"' in img, "the page's own alt text is kept"
    assert re.search(r'width="\d+" height="\d+"', img) and 'loading="lazy"' in img and 'class="off-glb"' in img
    assert 'href="labs/figures/calibration-curve-dark.svg"' in page, "the dark variant is linked too"
    assert page.count('class="glightbox') == 2, "one lightbox link per scheme, none wrapped twice"
    lab = html(site, f"{ALPHA}/labs/calibration")
    assert 'alt="A line rising from 0 to 1"' in lab and "No description has been provided" not in lab


def test_a_feature_loads_its_files_only_on_the_page_that_uses_it(site):
    """alpha/more opts in from its front matter; a macro calls hooks.page_assets.use the same way."""
    assets = "../../../../assets/fixture-feature"
    tags = (f'<link rel="stylesheet" href="{assets}.css">', f'src="{assets}.js"></script>')
    assert all(tag in html(site, f"{ALPHA}/more") for tag in tags)
    assert not any("fixture-feature" in html(site, page) for page in (ALPHA, BETA, ""))
    head, body = html(site, f"{ALPHA}/more").split("</head>")
    assert tags[0] in head and tags[1] in body.split('data-md-component="container"')[1], "scripts ride in the swapped container"


def test_module_download_and_redirect(site):
    page = html(site, ALPHA)
    assert 'href="../../../downloads/label_smoothing.py"' in page and (site / "downloads/label_smoothing.py").is_file()
    assert 'href="../../../downloads/label_smoothing.zip"' in page and "MIT licence" in page
    assert "example.org" not in page and "View the source" not in page, "without REPO_URL no source link"
    assert f'url=../../{ALPHA}/' in (site / "old/alpha/index.html").read_text(encoding="utf-8")


def test_with_repo_url_pages_link_their_sources(site, tmp_path):
    with pytest.MonkeyPatch.context() as env:
        env.setenv("REPO_URL", REPO_URL)
        env.setenv("LAB_EXECUTION", "cache")
        project = tmp_path / "project"
        project.mkdir()
        (project / ".cache").symlink_to(site.parent / ".cache", target_is_directory=True)  # labs stay cached
        linked = build(project)
    assert f'href="{REPO_URL}/blob/main/docs/{ALPHA}/index.md"' in html(linked, ALPHA)
    assert f'href="{REPO_URL}/blob/main/docs/{ALPHA}/labs/calibration.py"' in html(linked, f"{ALPHA}/labs/calibration")
    assert f"[source]({REPO_URL}" not in html(linked, ALPHA) and f'href="{REPO_URL}/blob/main/snippets/label_smoothing.py"' in html(linked, ALPHA)
    assert 'data-md-component="source"' not in html(linked, ALPHA), "no repository API request on page view"


def test_dirty_rebuilds_render_only_edited_pages_unless_something_else_changed(site, tmp_path):
    """`properdocs serve --dirty`: a Markdown edit renders that page; any other edit renders them all.

    Alpha is a chapter: rendering its overview reads its part page's table of contents, which a
    dirty build that does not render the part must still offer."""
    import os
    import time

    from properdocs.commands.build import build as properdocs_build
    from properdocs.config import load_config

    project = tmp_path / "dirty"
    project.mkdir()
    (project / ".cache").symlink_to(site.parent / ".cache", target_is_directory=True)
    path = fixture_config(project)

    def dirty_build() -> dict[str, int]:
        config = load_config(str(path))
        config.plugins.on_startup(command="serve", dirty=True)
        properdocs_build(config, dirty=True)
        return {page: (project / "site" / page / "index.html").stat().st_mtime_ns for page in (ALPHA, f"{ALPHA}/more", BETA)}

    def touch(relative: str) -> None:
        future = time.time() + 2  # later than anything the last build wrote
        os.utime(FIXTURE / "docs" / relative, (future, future))

    try:
        first = dirty_build()
        touch(f"{ALPHA}/index.md")
        second = dirty_build()
        assert second[ALPHA] != first[ALPHA] and second[BETA] == first[BETA]
        assert second[f"{ALPHA}/more"] == first[f"{ALPHA}/more"], "the part is not rendered again"
        touch("references.yml")
        third = dirty_build()
        assert third[ALPHA] != second[ALPHA] and third[BETA] != second[BETA]
    finally:
        config = load_config(str(path))
        config.plugins.on_startup(command="build", dirty=False)  # hooks keep module state: undo


def test_under_dirty_rebuilds_a_lab_edit_runs_and_converts_that_lab_only(site, tmp_path, caplog, monkeypatch):
    """`properdocs serve --dirty`: a Markdown edit runs no lab and keeps every notebook's stored
    conversion (mkdocs-jupyter deletes those of notebooks a build skips); a lab edit then runs and
    converts that lab alone."""
    import logging
    import time

    from properdocs.commands.build import build as properdocs_build
    from properdocs.config import load_config

    monkeypatch.setenv("LAB_EXECUTION", "cache")  # the policy serve runs under; CI's force would run every lab
    project = tmp_path / "dirty-labs"
    docs = project / "docs"
    shutil.copytree(FIXTURE / "docs", docs)
    (project / ".cache").symlink_to(site.parent / ".cache", target_is_directory=True)
    path = fixture_config(project, docs)

    def dirty_build() -> str:
        caplog.clear()
        config = load_config(str(path))
        config.plugins.on_startup(command="serve", dirty=True)
        properdocs_build(config, dirty=True)
        return caplog.text

    caplog.set_level(logging.INFO)
    try:
        dirty_build()
        time.sleep(0.01)  # the edits below are newer than the last build's start
        page = docs / ALPHA / "index.md"
        page.write_text(page.read_text(encoding="utf-8") + "\n<!-- an edit -->\n", encoding="utf-8")
        log = dirty_build()
        assert "executed in" not in log and "Converting notebook" not in log and "Evicted stale cache" not in log
        lab = docs / BETA / "labs" / "calibration.py"
        lab.write_text(lab.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
        log = dirty_build()
        assert re.findall(r"labs: (\S+): executed", log) == [f"{BETA}/labs/calibration"]
        assert re.findall(r"Converting notebook.*?(domains/\S+)\.ipynb", log) == [f"{BETA}/labs/calibration"]
    finally:
        config = load_config(str(path))
        config.plugins.on_startup(command="build", dirty=False)  # hooks keep module state: undo
