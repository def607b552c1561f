"""Checks on the built site/ (run `make build` first; `make test` does): what a page loads and shows,
and what a reader downloads. Every test here fails, rather than passes, when there is no built site."""

import io
import json
import os
import re
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from importlib import metadata
from pathlib import Path

import pytest

SITE = Path(__file__).resolve().parents[1] / "site"
CONCEPT = SITE / "domains/optimization/label-smoothing/index.html"

pytestmark = pytest.mark.built_site


@pytest.fixture(autouse=True, scope="module")
def built_site() -> Path:
    if not CONCEPT.exists():
        pytest.fail(f"{CONCEPT} is missing: build the site first (`make build`)", pytrace=False)
    return SITE


class ResourceCollector(HTMLParser):
    """URLs a browser would fetch while loading the page (not plain links it may follow)."""

    def __init__(self) -> None:
        super().__init__()
        self.resources: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("script", "img", "iframe", "source", "audio", "video", "embed") and attributes.get("src"):
            self.resources.append(attributes["src"])
        if tag == "link" and attributes.get("rel") not in ("canonical", "alternate", "next", "prev"):
            self.resources.append(attributes.get("href") or "")
        if attributes.get("srcset"):
            self.resources.append(attributes["srcset"])


@pytest.fixture(scope="module")
def pages() -> list[Path]:
    return sorted(SITE.rglob("*.html"))


def test_pages_load_nothing_from_other_origins(pages):
    offenders = []
    for page in pages:
        collector = ResourceCollector()
        collector.feed(page.read_text(encoding="utf-8"))
        offenders += [f"{page.relative_to(SITE)}: {url}" for url in collector.resources if re.match(r"^(https?:)?//", url)]
    assert not offenders


def test_stylesheets_load_nothing_from_other_origins():
    urls = [
        f"{css.relative_to(SITE)}: {url}"
        for css in SITE.rglob("*.css")
        for url in re.findall(r"url\(\s*['\"]?((?:https?:)?//[^)'\"]+)", css.read_text(encoding="utf-8"))
    ]
    assert not urls


def test_math_is_prerendered_katex_html(pages):
    html = CONCEPT.read_text(encoding="utf-8")
    assert html.count('class="katex"') >= 5
    assert 'class="katex-error"' not in html
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r'class="arithmatex">\\[(\[]', text), f"{page}: unrendered formula"
    assert not any("katex.min.js" in p.read_text(encoding="utf-8") for p in pages), "math needs no client JS"
    labs = [p for p in pages if "/labs/" in p.as_posix()]
    assert labs, "no lab pages were built"
    for page in labs:
        prose = re.sub(r"<(pre|code|script|style)\b.*?</\1>", "", page.read_text(encoding="utf-8"), flags=re.S)
        leftover = re.findall(r"\$\$|\$\\[A-Za-z]+", prose)
        assert not leftover, f"{page}: notebook math left unrendered: {leftover[:3]}"


def test_concept_template_renders_badge_equation_and_connections():
    html = CONCEPT.read_text(encoding="utf-8")
    badge = re.search(r'<p class="concept-badge">(.*?)</p>', html, re.S)[1]
    assert re.sub(r"<[^>]+>|\s+", " ", badge).split() == "Concept 60 of 100 · Optimization · Phase 3".split()
    assert '<span title="Optimization &amp; generalization">Phase 3</span>' in badge, "the tooltip adds the name, not the number again"
    assert 'class="concept-card concept-key-equation"' in html
    assert 'id="connections"' in html and html.count('class="concept-card concept-link"') >= 4
    assert "/foundations/label-smoothing/" in html, "the page says which legacy page it replaces"


def test_legacy_url_redirects_to_the_concept_page():
    legacy = (SITE / "foundations/label-smoothing/index.html").read_text(encoding="utf-8")
    target = "../../domains/optimization/label-smoothing/"
    assert f'<meta http-equiv="refresh" content="0; url={target}">' in legacy
    assert f'<link rel="canonical" href="{target}">' in legacy


# ------------------------------------------------------------------ downloads

LAB_BUNDLES = sorted(SITE.glob("domains/**/labs/*/*.zip"))
MODULE_BUNDLES = sorted(SITE.glob("downloads/*.zip"))
#: Loaded when installed, not needed: each is imported inside `try: ... except ImportError`.
OPTIONAL = {
    "setuptools",  # its .pth start-up hook (_distutils_hack) runs in every interpreter of this venv
    "colorama",  # tornado.log colours its output with it if present
    "charset-normalizer",  # numpy.f2py.crackfortran guesses file encodings with it if present
    "rich",  # scikit-learn's sklearn/callback/_progressbar.py uses it if present (mutmut brings it)
}
#: Appended to each downloaded notebook: where `snippets` came from, and every distribution loaded.
PROBE = """
import importlib.metadata, json, sys
import snippets
providers = importlib.metadata.packages_distributions()
loaded = sorted({d for name in list(sys.modules) for d in providers.get(name.split(".")[0], [])})
print(json.dumps({"snippets": list(snippets.__path__), "loaded": loaded}))
"""


def _unzip(bundle: Path, into: Path) -> Path:
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(into)
    (folder,) = into.iterdir()  # one top-level folder, named after the lab or module
    return folder


def _closure(requirements: Path) -> set[str]:
    """The distributions requirements.txt pins, and everything they depend on (as installed here)."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    todo = [line.split("==")[0] for line in requirements.read_text().splitlines() if "==" in line]
    seen: set[str] = set()
    while todo:
        name = canonicalize_name(todo.pop())
        if name in seen:
            continue
        seen.add(name)
        for spec in metadata.requires(name) or []:
            requirement = Requirement(spec)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return seen


def _clean_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSTARTUP")}


def test_every_lab_page_offers_its_bundle():
    labs = sorted(p.parent for p in SITE.glob("domains/**/labs/*/index.html"))
    assert labs and [b.parent for b in LAB_BUNDLES] == labs
    for page in labs:
        assert f'href="{page.name}.zip"' in (page / "index.html").read_text(encoding="utf-8")


def _run_bundle(bundle: Path, tmp: Path) -> tuple[Path, dict]:
    import nbformat

    from hooks.labs import execute_lab

    folder = _unzip(bundle, tmp)
    notebook = folder / f"{folder.name}.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    nbformat.write(nb, notebook)
    executed = execute_lab(notebook, cwd=folder, timeout=600)
    probe = json.loads(executed.cells[-1].outputs[-1]["text"])
    return folder, probe


def test_every_lab_bundle_runs_from_an_empty_folder_with_what_its_requirements_pin(tmp_path, monkeypatch):
    monkeypatch.delenv("PYTHONPATH", raising=False)  # the kernel sees the unzipped folder, not the repository
    assert LAB_BUNDLES, "no lab bundles were built"
    folders = [tmp_path / bundle.stem for bundle in LAB_BUNDLES]
    for folder in folders:
        folder.mkdir()
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = list(pool.map(_run_bundle, LAB_BUNDLES, folders))
    for (folder, probe), bundle in zip(runs, LAB_BUNDLES):
        assert probe["snippets"] == [str(folder / "snippets")], f"{bundle}: snippets imported from elsewhere"
        from packaging.utils import canonicalize_name

        missing = {canonicalize_name(d) for d in probe["loaded"]} - _closure(folder / "requirements.txt") - OPTIONAL
        assert not missing, f"{bundle}: requirements.txt does not cover {sorted(missing)}"


def test_every_module_bundle_passes_its_own_tests_from_an_empty_folder(tmp_path):
    assert MODULE_BUNDLES, "no module bundles were built"
    for bundle in MODULE_BUNDLES:
        folder = _unzip(bundle, tmp_path / bundle.stem)
        run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=folder,
                             env=_clean_environment(), capture_output=True, text=True, timeout=600)
        assert run.returncode == 0 and " passed" in run.stdout, f"{bundle}:\n{run.stdout[-3000:]}{run.stderr[-2000:]}"


def test_every_standalone_module_imports_alone(tmp_path):
    modules = sorted(SITE.glob("downloads/*.py"))
    assert modules, "no standalone module downloads were built"
    for module in modules:
        (tmp_path / module.stem).mkdir()
        (tmp_path / module.stem / module.name).write_bytes(module.read_bytes())
        run = subprocess.run([sys.executable, "-c", f"import {module.stem}"], cwd=tmp_path / module.stem,
                             env=_clean_environment(), capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, f"{module}: {run.stderr}"
