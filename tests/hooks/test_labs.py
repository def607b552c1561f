"""The labs build hook: cache key, error reporting, figure and results extraction."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from hooks import labs
from hooks.labs import (
    LabError,
    LabResultsError,
    cache_key,
    extract_results,
    load_lab_results,
    snippet_dependencies,
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


def test_the_real_labs_depend_on_the_library():
    for lab in sorted((Path(labs.ROOT) / "docs" / labs.LABS_DIR).glob("*.py")):
        names = {p.name for p in snippet_dependencies(lab.read_text(), str(lab))}
        assert "label_smoothing.py" in names, lab.name


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
    lab = labs.Lab(name="tiny", source=lab_path, src_uri="x/tiny.py")
    nb = labs.run_lab(lab, fresh=False, cache_dir=cache)
    assert lab.seconds is not None  # executed
    assert extract_results(nb, "tiny") == {"value": 3}
    executed_bytes = lab.executed.read_bytes()

    labs.run_lab(lab, fresh=False, cache_dir=cache)
    assert lab.seconds is None  # cache hit: not executed again

    labs.run_lab(lab, fresh=True, cache_dir=cache)
    assert lab.seconds is not None  # CI: always fresh
    assert lab.executed.read_bytes() == executed_bytes  # and the same bytes
    assert len(list((cache / "store" / "tiny").glob("*.ipynb"))) == 1

    monkeypatch.setenv("CI", "true")
    assert labs._in_ci()
    monkeypatch.setenv("CI", "false")
    assert not labs._in_ci()


# ------------------------------------------------------------------ outputs


def _nb(*cells):
    return new_notebook(cells=list(cells))


def _cell(tags, *outputs):
    cell = new_code_cell("pass", metadata={"tags": list(tags)})
    cell.outputs = list(outputs)
    return cell


def test_results_need_exactly_one_json_cell():
    good = _cell(["results"], new_output("display_data", data={"application/json": {"a": {"b": 1}}}))
    assert extract_results(_nb(good), "lab") == {"a": {"b": 1}}
    with pytest.raises(LabError, match="found 0"):
        extract_results(_nb(_cell([])), "lab")
    twice = _cell(["results"], new_output("display_data", data={"application/json": {"c": 2}}))
    with pytest.raises(LabError, match="found 2"):
        extract_results(_nb(good, twice), "lab")


def test_load_lab_results_reads_and_names_missing_keys(tmp_path):
    (tmp_path / "calibration.json").write_text(json.dumps({"ece": {"baseline": {"mean": 0.04}}}))
    results = load_lab_results("calibration", results_dir=tmp_path)
    assert results["ece"]["baseline"]["mean"] == 0.04
    assert isinstance(results, dict)
    with pytest.raises(LabResultsError, match=r"Lab 'calibration' has no result \['ece'\]\['baselin'\]; available keys there: \['baseline'\]"):
        results["ece"]["baselin"]
    with pytest.raises(LabResultsError, match=r"No results for lab 'geometri'.*is there a lab called geometri\.py"):
        load_lab_results("geometri", results_dir=tmp_path)


def test_results_error_is_not_a_lookup_error():
    # Jinja turns LookupError into an undefined value; ours must propagate and fail the build.
    assert not issubclass(LabResultsError, LookupError)


def test_executed_notebook_is_valid_nbformat(tmp_path):
    nb = _nb(_cell(["results"], new_output("display_data", data={"application/json": {}})))
    nbformat.validate(nb)
