"""What readers download (hooks/downloads.py): lab bundles, module bundles, pins and links."""

from __future__ import annotations

import io
import zipfile

import pytest

from hooks import downloads
from hooks.downloads import (
    DownloadError,
    distributions,
    lab_bundle,
    module_bundle,
    module_download,
    module_download_markdown,
    project_pins,
    repository_url,
    requirements_txt,
)


def _entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture
def library(tmp_path):
    """snippets/: a imports b; c stands alone; tests/ has a test of a."""
    snippets = tmp_path / "snippets"
    snippets.mkdir()
    (snippets / "__init__.py").write_text("")
    (snippets / "a.py").write_text("import numpy as np\nfrom snippets.b import helper\n")
    (snippets / "b.py").write_text("import math\n\ndef helper():\n    import scipy.special\n")
    (snippets / "c.py").write_text("import numpy\n")
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_a.py").write_text("import pytest\nfrom snippets.a import helper\n")
    return snippets, tests


def test_pins_are_exact_and_come_from_the_project_files():
    pins = project_pins()
    assert pins["numpy"].startswith("numpy==") and pins["scikit-learn"].startswith("scikit-learn==")
    assert pins["scipy"].startswith("scipy==")  # from constraints.txt
    text = requirements_txt({"numpy", "scikit-learn"}, "note")
    assert text.splitlines()[-2:] == [pins["numpy"], pins["scikit-learn"]]
    with pytest.raises(DownloadError, match="not-a-package not pinned"):
        requirements_txt({"not-a-package"}, "note")


def test_imports_map_to_distributions_without_the_standard_library_or_snippets():
    assert distributions({"sklearn.datasets", "IPython.display", "numpy", "math", "snippets.a", "__future__"}) == {
        "scikit-learn", "ipython", "numpy"
    }
    with pytest.raises(DownloadError, match="'no_such_module' is imported but no installed distribution"):
        distributions({"no_such_module"})


def test_lab_bundle_holds_the_notebook_the_snippets_it_needs_and_pins(library):
    snippets, _ = library
    code = "import matplotlib.pyplot as plt\nfrom snippets import a\n"
    bundle = lab_bundle("calibration", '{"cells": []}', code, snippets)
    entries = _entries(bundle)
    assert sorted(entries) == [
        "calibration/LICENSE", "calibration/README.md", "calibration/calibration.ipynb", "calibration/requirements.txt",
        "calibration/snippets/__init__.py", "calibration/snippets/a.py", "calibration/snippets/b.py",
    ], "c.py is not imported, so not shipped"
    pinned = {line.split("==")[0] for line in entries["calibration/requirements.txt"].decode().splitlines() if "==" in line}
    assert pinned == {"matplotlib", "numpy", "scipy", "ipykernel", "nbclient"}
    assert b"jupyter execute calibration.ipynb" in entries["calibration/README.md"]
    assert lab_bundle("calibration", '{"cells": []}', code, snippets) == bundle, "byte-stable"


def test_module_downloads(library):
    snippets, tests = library
    assert module_download("c", snippets).standalone and not module_download("a", snippets).standalone
    entries = _entries(module_bundle("a", snippets, tests))
    assert sorted(entries) == [
        "a/LICENSE", "a/README.md", "a/requirements.txt", "a/snippets/__init__.py", "a/snippets/a.py",
        "a/snippets/b.py", "a/tests/test_a.py",
    ]
    pinned = {line.split("==")[0] for line in entries["a/requirements.txt"].decode().splitlines() if "==" in line}
    assert pinned == {"numpy", "scipy", "pytest"}
    with pytest.raises(DownloadError, match=r"no library module 'd'.*modules: \['a', 'b', 'c'\]"):
        module_download("d", snippets)


def test_module_line_links_downloads_relative_to_the_page_and_the_source_only_with_a_repository():
    config = {"docs_dir": "/x/docs", "repo_url": None, "edit_uri": None}
    line = module_download_markdown("label_smoothing", "domains/a/b/index.md", config)
    assert "[`label_smoothing.py`](../../../downloads/label_smoothing.py) (needs only numpy)" in line
    assert "(../../../downloads/label_smoothing.zip)" in line and "`python -m pytest`" in line
    assert "[MIT licence](../../../downloads/LICENSE.txt)" in line and "source" not in line
    config.update(repo_url="https://github.com/org/site", edit_uri="blob/main/docs/")
    line = module_download_markdown("calibration", "index.md", config)
    assert "[`calibration.py`]" not in line, "it imports label_smoothing: only the zip runs"
    assert "[source](https://github.com/org/site/blob/main/snippets/calibration.py)" in line


def test_repository_url():
    assert repository_url(None, None, "docs", "snippets/x.py") is None
    assert repository_url("https://h/o/r/", "blob/dev/docs/", "docs", "a/b.py") == "https://h/o/r/blob/dev/a/b.py"


def test_licence_is_shipped():
    assert downloads.LICENSE_FILE.read_text().startswith("MIT License")
