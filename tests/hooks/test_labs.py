"""Labs (hooks/labs.py): found by convention, cache key, error reporting, execution policy."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import nbformat
import pytest

from hooks import labs
from hooks.lab_results import extract_results
from hooks.lab_store import LabStore
from hooks.labs import Lab, LabError, LabExecution, cache_key, find_labs, lab_source_uri, snippet_dependencies
from snippets import labkit

ROOT = Path(__file__).resolve().parents[2]


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


def test_a_lab_page_leads_back_to_its_py():
    assert lab_source_uri("a/concept/labs/calibration.ipynb") == "a/concept/labs/calibration.py"
    assert lab_source_uri("a/concept/labs/index.md") is None
    assert lab_source_uri("a/concept/notebook.ipynb") is None  # not in a labs/ folder: not a lab


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


@pytest.mark.parametrize("setting, change", [
    ("EXECUTION_FORMAT", lambda value: value + 1),
    ("KERNEL_ENV", lambda value: {**value, "OMP_NUM_THREADS": "2"}),
    ("NBCLIENT_OPTIONS", lambda value: {**value, "allow_errors": True}),
    ("KEY_PACKAGES", lambda value: (*value, "pytest")),
])
def test_cache_key_changes_with_each_execution_setting(fake_tree, monkeypatch, setting, change):
    snippets, lab = fake_tree
    key = cache_key(lab, snippets)
    monkeypatch.setattr(labs, setting, change(getattr(labs, setting)))
    assert cache_key(lab, snippets) != key


def test_cache_key_changes_with_the_python_version(fake_tree, monkeypatch):
    snippets, lab = fake_tree
    key = cache_key(lab, snippets)
    monkeypatch.setattr(labs.sys, "version_info", (3, 99, 0))
    assert cache_key(lab, snippets) != key


def test_cache_key_ignores_edits_to_the_build_code(fake_tree, monkeypatch, tmp_path):
    """A comment in hooks/labs.py (or any change that keeps the settings) keeps every stored run."""
    snippets, lab = fake_tree
    key = cache_key(lab, snippets)
    edited = tmp_path / "labs_edited.py"
    edited.write_text(Path(labs.__file__).read_text() + "\n# a comment\n")
    monkeypatch.setattr(labs, "__file__", str(edited))
    assert cache_key(lab, snippets) == key
    assert "labs.py" not in labs.execution_settings()


def test_store_keys_list_every_real_lab_with_its_cache_key():
    keys = labs.store_keys()
    assert [lab for lab, _ in keys] == sorted(lab for lab, _ in keys) and keys
    for lab_key, key in keys:
        assert key == cache_key(labs.ROOT / "docs" / f"{lab_key}.py")


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
    # the failing line itself, then the cell and where it starts (not the same text in cell 1)
    assert 'line 10: `raise RuntimeError("deliberate failure")` (cell 2, from line 9)' in message
    assert "RuntimeError: deliberate failure" in message


def test_a_failure_inside_a_function_names_the_cells_calling_line(tmp_path):
    lab = _write_lab(
        tmp_path / "nested.py",
        """        # %%
        def divide(a, b):
            return a / b

        # %%
        ok = divide(1, 2)
        bad = divide(1, 0)
        """,
    )
    with pytest.raises(LabError, match=r"failed at line 7: `bad = divide\(1, 0\)` \(cell 1, from line 6\): "
                                       r"ZeroDivisionError"):
        labs.execute_lab(lab, cwd=tmp_path, timeout=60)


@pytest.fixture
def tiny_lab(tmp_path) -> Lab:
    path = _write_lab(
        tmp_path / "tiny.py",
        """\
        # %%
        import numpy as np

        # %% tags=["results"]
        from IPython.display import display
        display({"application/json": {"value": 3}, "text/plain": "3"}, raw=True)
        """,
    )
    return Lab("x/labs/tiny.py", path)


def test_cache_runs_once_force_always_with_the_same_bytes(tiny_lab, tmp_path):
    cache = LabStore(tmp_path / "cache")
    run = labs.run_lab(tiny_lab, cache, policy=LabExecution.CACHE)
    assert run.seconds is not None and run.describe().startswith("executed in")
    assert extract_results(nbformat.reads(run.text, as_version=4), "tiny") == {"value": 3}

    cached = labs.run_lab(tiny_lab, cache, policy=LabExecution.CACHE)
    assert cached.seconds is None and cached.describe() == "cached"  # not executed again
    assert cached.text == run.text

    again = labs.run_lab(tiny_lab, cache, policy=LabExecution.FORCE)
    assert again.seconds is not None  # always executed
    assert again.text == run.text  # and the same bytes
    assert len(list(cache.executions("x/labs/tiny"))) == 1


def test_off_runs_nothing_and_publishes_the_last_stored_run(tiny_lab, tmp_path):
    cache = LabStore(tmp_path / "cache")
    with pytest.raises(LabError, match=r"tiny\.py has never been executed here.*LAB_EXECUTION=cache"):
        labs.run_lab(tiny_lab, cache, policy=LabExecution.OFF)
    run = labs.run_lab(tiny_lab, cache, policy=LabExecution.CACHE)

    current = labs.run_lab(tiny_lab, cache, policy=LabExecution.OFF)
    assert (current.text, current.seconds, current.stale) == (run.text, None, False)

    tiny_lab.source.write_text(tiny_lab.source.read_text().replace('"value": 3', '"value": 4'))
    stale = labs.run_lab(tiny_lab, cache, policy=LabExecution.OFF)
    assert (stale.text, stale.seconds, stale.stale) == (run.text, None, True)  # the old numbers, said so
    assert "older inputs" in stale.describe()
    fresh = labs.run_lab(tiny_lab, cache, policy=LabExecution.CACHE)
    assert fresh.seconds is not None and '"value": 4' in fresh.text


@pytest.mark.parametrize("value, policy", [
    (None, LabExecution.CACHE), ("", LabExecution.CACHE), ("cache", LabExecution.CACHE),
    ("force", LabExecution.FORCE), (" FORCE ", LabExecution.FORCE), ("off", LabExecution.OFF),
])
def test_the_policy_comes_from_lab_execution_only(value, policy):
    environ = {"CI": "true"} | ({} if value is None else {"LAB_EXECUTION": value})
    assert LabExecution.from_environment(environ) is policy  # CI=true no longer forces anything


@pytest.mark.parametrize("value", ["fresh", "true", "1", "none"])
def test_an_unknown_policy_is_named_with_the_choices(value):
    with pytest.raises(LabError, match=rf"LAB_EXECUTION='{value}' is not a lab execution policy; choose one of: cache, force, off"):
        LabExecution.from_environment({"LAB_EXECUTION": value})


# The lab/build contract: written once, in snippets/labkit.py.

def _code_strings(path: Path) -> set[str]:
    """String constants in a module's code, leaving out docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
            and isinstance(node.value, str) and id(node) not in docstrings}


@pytest.mark.parametrize("literal", [labkit.VARIANTS_ENV, labkit.FIGURE_TAG, labkit.RESULTS_MIME, *labkit.VARIANT_NAMES])
def test_no_module_of_the_build_or_the_plotting_kit_spells_the_contract_itself(literal):
    sources = [*sorted((ROOT / "hooks").glob("*.py")), ROOT / "snippets/plotting.py"]
    spelled = [path.name for path in sources if literal in _code_strings(path)]
    assert not spelled, f"{literal!r} is spelled in {spelled}: import it from snippets.labkit"
