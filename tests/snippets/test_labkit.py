"""The lab/build contract (snippets/labkit.py): written once, and what both sides use."""

import ast
import json
from pathlib import Path

import pytest
from snippets import labkit, plotting

ROOT = Path(__file__).resolve().parents[2]


def test_the_variants_the_build_reads_are_the_ones_plotting_draws():
    assert [v.name for v in plotting.VARIANTS] == list(labkit.VARIANT_NAMES)
    assert plotting.VARIANTS[0].name == labkit.PRIMARY_VARIANT == "desktop-light", "drawn outside the build"
    assert len(set(labkit.VARIANT_NAMES)) == len(labkit.LAYOUTS) * len(labkit.SCHEME_NAMES)


def test_show_figure_and_show_results_display_under_the_contract_names(monkeypatch):
    pytest.importorskip("matplotlib")
    import IPython.display
    import matplotlib.pyplot as plt

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda data, **kw: shown.append((data, kw)))
    monkeypatch.setenv(labkit.VARIANTS_ENV, labkit.ALL_VARIANTS)

    def draw(variant):
        fig, ax = plt.subplots(figsize=variant.figsize(1.5))
        ax.plot([0, 1], [0, 1])
        return fig

    plotting.show_figure(draw, alt="A rising line")
    assert [kw["metadata"][labkit.FIGURE_METADATA_KEY]["variant"] for _, kw in shown] == list(labkit.VARIANT_NAMES)
    shown.clear()
    plotting.show_results({"x": 1})
    assert json.dumps(shown[0][0][labkit.RESULTS_MIME]) == '{"x": 1}'


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
