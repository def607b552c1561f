"""The label-smoothing kit's macros (docs/domains/optimization/label-smoothing/kit/macros.py)."""

from pathlib import Path

from hooks.concept_kits import load_kit

macros = load_kit(Path(__file__).resolve().parents[2] / "docs/domains/optimization/label-smoothing/kit")


def test_optimum_table_rows_match_the_closed_forms():
    table = macros.optimum_table([(10, 0.1), (1000, 0.1)]).splitlines()
    assert table[0].startswith("| *K* | *α* |") and len(table) == 4
    assert table[2] == "| 10 | 0.1 | 0.9100 | 0.01 | 4.511 | 0.500 |"
    assert table[3] == "| 1,000 | 0.1 | 0.9001 | 0.0001 | 9.105 | 1.015 |"


def test_the_widget_macro_marks_its_page_for_the_kit_assets():
    assert macros.logit_gap_explorer.uses_kit_assets
    assert not getattr(macros.optimum_table, "uses_kit_assets", False)


def test_benchmark_macros_read_the_committed_results():
    assert macros.vocab_scale_results() and macros.linear_cross_entropy_results()["n"] > 0
    assert macros.vocab_scale_table() and macros.linear_cross_entropy_tables()
