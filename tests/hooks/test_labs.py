"""Labs (hooks/labs.py): found by convention, cache key, error reporting, cached execution."""

from __future__ import annotations

import textwrap
from pathlib import Path

import nbformat
import pytest

from hooks import labs
from hooks.lab_results import extract_results
from hooks.labs import Lab, LabError, cache_key, find_labs, snippet_dependencies


# ------------------------------------------------------------------ convention


def test_labs_are_the_py_files_of_any_labs_folder_keyed_by_path():
    found = find_labs([
        ("a/concept/labs/calibration.py", "/d/a/concept/labs/calibration.py"),
        ("b/other/labs/calibration.py", "/d/b/other/labs/calibration.py"),
        ("a/concept/labs/index.md", "/d/a/concept/labs/index.md"),
        ("a/concept/helper.py", "/d/a/concept/helper.py"),  # not in a labs/ folder
        ("a/concept/labs/deeper/x.py", "/d/a/concept/labs/deeper/x.py"),  # not directly in it
        ("a/concept/labs/generated.py", None),  # generated files have no source
    ])
    assert [lab.key for lab in found] == ["a/concept/labs/calibration", "b/other/labs/calibration"]
    lab = found[0]
    assert (lab.name, lab.folder, lab.page_uri, lab.figures_folder) == (
        "calibration", "a/concept/labs", "a/concept/labs/calibration.ipynb", "a/concept/labs/figures"
    )


# ------------------------------------------------------------------ cache key


@pytest.fixture
def fake_tree(tmp_path: Path) -> tuple[Path, Path]:
    """A snippets/ dir where a imports b (relatively), c is unrelated; and a lab importing a."""
    snippets = tmp_path / "snippets"
    snippets.mkdir()
    (snippets / "a.py").write_text("from snippets.b import helper\n")
    (snippets / "b.py").write_text("from .c_missing import nothing  # not a file: ignored\nhelper = 1\n")
    (snippets / "c.py").write_text("unrelated = 2\n")
    lab = tmp_path / "lab.py"
    lab.write_text("# %%\nimport numpy as np\nfrom snippets import a\n")
    return snippets, lab


def test_dependencies_are_transitive_and_only_imported_snippets(fake_tree):
    snippets, lab = fake_tree
    deps = snippet_dependencies(lab.read_text(), str(lab), snippets)
    assert [p.name for p in deps] == ["a.py", "b.py"]


@pytest.mark.parametrize(
    "source",
    ["import snippets.a", "from snippets.a import x", "from snippets import a", "import snippets.a as alias"],
)
def test_every_import_form_is_seen(tmp_path, source):
    snippets = tmp_path / "snippets"
    snippets.mkdir()
    (snippets / "a.py").write_text("x = 1\n")
    assert [p.name for p in snippet_dependencies(source, "lab.py", snippets)] == ["a.py"]


def test_cache_key_changes_with_the_lab_and_its_snippets_only(fake_tree):
    snippets, lab = fake_tree
    key = cache_key(lab, snippets)
    assert cache_key(lab, snippets) == key  # stable

    (snippets / "c.py").write_text("unrelated = 3\n")  # not imported
    assert cache_key(lab, snippets) == key

    (snippets / "b.py").write_text("helper = 2\n")  # imported through a
    key_b = cache_key(lab, snippets)
    assert key_b != key

    (snippets / "a.py").write_text("from snippets.b import helper  # edited\n")
    key_a = cache_key(lab, snippets)
    assert key_a != key_b

    lab.write_text(lab.read_text() + "print('more')\n")
    assert cache_key(lab, snippets) != key_a


def test_cache_key_changes_with_the_machinery_that_executes_labs(fake_tree, tmp_path):
    snippets, lab = fake_tree
    machinery = tmp_path / "runner.py"
    machinery.write_text("def execute(): ...\n")
    key = cache_key(lab, snippets, machinery=[machinery])
    machinery.write_text("def execute(): ...  # changed\n")
    assert cache_key(lab, snippets, machinery=[machinery]) != key
    assert labs.MACHINERY == (Path(labs.__file__),)  # the default: this module's own source


def test_the_real_labs_depend_on_the_library():
    docs = Path(labs.ROOT) / "docs"
    real = find_labs((p.relative_to(docs).as_posix(), p) for p in docs.rglob("*.py"))
    assert real, "no labs found under docs/"
    for lab in real:
        names = {p.name for p in snippet_dependencies(lab.source.read_text(), str(lab.source))}
        assert "label_smoothing.py" in names, lab.key


def test_unparsable_lab_is_reported(tmp_path):
    with pytest.raises(LabError, match="cannot parse as Python"):
        snippet_dependencies("def broken(:\n", str(tmp_path / "bad.py"))


# ------------------------------------------------------------------ execution


def _write_lab(path: Path, body: str) -> Path:
    path.write_text(textwrap.dedent(body))
    return path


def test_failing_lab_names_the_lab_and_the_cell(tmp_path):
    lab = _write_lab(
        tmp_path / "broken.py",
        """\
        # %% [markdown]
        # # A lab that fails

        # %%
        x = 1
        y = x + 1

        # %%
        y = x + 1
        raise RuntimeError("deliberate failure")
        """,
    )
    with pytest.raises(LabError) as info:
        labs.execute_lab(lab, cwd=tmp_path, timeout=60)
    message = str(info.value)
    assert "broken.py" in message
    assert "cell 2" in message
    assert "line 9" in message  # the failing cell's line, not the same text in cell 1
    assert "`y = x + 1`" in message
    assert "RuntimeError: deliberate failure" in message


def test_run_lab_caches_and_ci_runs_fresh(tmp_path, monkeypatch):
    lab_path = _write_lab(
        tmp_path / "tiny.py",
        """\
        # %%
        import numpy as np

        # %% tags=["results"]
        from IPython.display import display
        display({"application/json": {"value": 3}, "text/plain": "3"}, raw=True)
        """,
    )
    cache = tmp_path / "cache"
    lab = Lab("x/labs/tiny.py", lab_path)
    run = labs.run_lab(lab, cache, fresh=False)
    assert run.seconds is not None  # executed
    assert extract_results(nbformat.reads(run.text, as_version=4), "tiny") == {"value": 3}

    cached = labs.run_lab(lab, cache, fresh=False)
    assert cached.seconds is None  # cache hit: not executed again
    assert cached.text == run.text

    again = labs.run_lab(lab, cache, fresh=True)
    assert again.seconds is not None  # CI: always fresh
    assert again.text == run.text  # and the same bytes
    assert len(list((cache / "store" / "x/labs/tiny").glob("*.ipynb"))) == 1

    monkeypatch.setenv("CI", "true")
    assert labs.running_in_ci()
    monkeypatch.setenv("CI", "false")
    assert not labs.running_in_ci()
