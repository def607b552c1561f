"""A lab's results: extracted from its results cell, saved, read by pages (hooks/lab_results.py)."""

from __future__ import annotations

import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from hooks.lab_results import LabResultsError, extract_results, lab_results
from hooks.lab_store import LabStore
from hooks.labs import LabError


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


def _save(project, key, data):
    path = LabStore.of_project(project).results(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))


@pytest.fixture
def project(tmp_path):
    """Two concepts, each with a lab called calibration, and a third without labs."""
    _save(tmp_path, "a/one/labs/calibration", {"ece": {"baseline": {"mean": 0.04}}})
    _save(tmp_path, "b/two/labs/calibration", {"ece": {"baseline": {"mean": 0.5}}})
    _save(tmp_path, "b/two/labs/geometry", {"gap": 4.5})
    return tmp_path


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("a/one/index.md", 0.04),          # the concept page
        ("a/one/deep-dive.md", 0.04),      # a page beside it
        ("a/one/labs/index.md", 0.04),     # the labs index
        ("a/one/more/deeper/page.md", 0.04),  # further down: the nearest labs/ above
        ("b/two/index.md", 0.5),           # the other concept's lab of the same name
    ],
)
def test_a_lab_name_resolves_against_the_pages_own_concept(project, page, expected):
    assert lab_results("calibration", page, project)["ece"]["baseline"]["mean"] == expected


def test_a_path_names_another_concepts_lab(project):
    assert lab_results("b/two/labs/geometry", "a/one/index.md", project)["gap"] == 4.5


def test_missing_labs_and_keys_are_named(project):
    results = lab_results("calibration", "a/one/index.md", project)
    assert isinstance(results, dict)
    with pytest.raises(LabResultsError, match=r"Lab 'calibration' has no result \['ece'\]\['baselin'\]; available keys there: \['baseline'\]"):
        results["ece"]["baselin"]
    with pytest.raises(LabResultsError, match=r"No results for lab 'geometri' \(seen from b/two/index\.md\).*b/two/labs/geometri\.py.*\['calibration', 'geometry'\]"):
        lab_results("geometri", "b/two/index.md", project)
    with pytest.raises(LabResultsError, match=r"a lab c/labs/calibration\.py.*none"):
        lab_results("calibration", "c/index.md", project)


def test_results_are_reread_only_when_the_file_changes(project):
    first = lab_results("geometry", "b/two/index.md", project)
    assert lab_results("geometry", "b/two/index.md", project) is first
    _save(project, "b/two/labs/geometry", {"gap": 4.25, "more": 1})
    assert lab_results("geometry", "b/two/index.md", project)["gap"] == 4.25


def test_results_error_is_not_a_lookup_error():
    # Jinja turns LookupError into an undefined value; ours must propagate and fail the build.
    assert not issubclass(LabResultsError, LookupError)


def test_executed_notebook_is_valid_nbformat(tmp_path):
    nb = _nb(_cell(["results"], new_output("display_data", data={"application/json": {}})))
    nbformat.validate(nb)
