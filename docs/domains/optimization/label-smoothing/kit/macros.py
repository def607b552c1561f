"""Macros only the label-smoothing pages call, as ``{{ kit.<name>(...) }}`` (hooks/concept_kits.py).

- ``logit_gap_explorer()``: the overview's hero figure (``widget.py``, drawn again in the browser by
  ``widget.js``, styled by ``widget.css``, which load only on the pages that show it);
- ``optimum_table(cases)``: target, optimal logit gap and loss floor for each ``(K, alpha)``;
- ``vocab_scale_results()``, ``vocab_scale_table()``, ``linear_cross_entropy_results()``,
  ``linear_cross_entropy_tables()``: the committed benchmarks (``benchmarks/results/``) and their
  tables (``tools/results_tables.py``, which the README's report shares).
"""

from __future__ import annotations

import json
from pathlib import Path

from hooks.concept_kits import uses_assets
from snippets import label_smoothing
from tools.results_tables import linear_cross_entropy_markdown, vocab_scale_markdown

from . import widget

__all__ = ["logit_gap_explorer", "optimum_table", "vocab_scale_results", "vocab_scale_table",
           "linear_cross_entropy_results", "linear_cross_entropy_tables"]

# this file is docs/domains/optimization/label-smoothing/kit/macros.py in the repository
RESULTS = Path(__file__).resolve().parents[5] / "benchmarks" / "results"
VOCAB_SCALE_RESULTS = RESULTS / "vocab_scale.json"
LINEAR_CE_RESULTS = RESULTS / "linear_cross_entropy.json"

logit_gap_explorer = uses_assets(widget.logit_gap_explorer)


def optimum_table(cases: list[tuple[int, float]]) -> str:
    """A Markdown table of the smoothed target, the optimal logit gap and the loss floor for
    each ``(K, alpha)``, computed by the library the page teaches."""
    rows = [
        "| *K* | *α* | true-class target | each wrong class | logit gap | loss floor \\(H(y_s)\\), nats |",
        "|---|---|---|---|---|---|",
    ]
    for num_classes, alpha in cases:
        target = label_smoothing.smooth_labels([0], num_classes, alpha)[0]
        rows.append(
            f"| {num_classes:,} | {alpha:g} | {target[0]:.4f} | {target[1]:.2g} "
            f"| {label_smoothing.optimal_logit_gap(num_classes, alpha):.3f} "
            f"| {label_smoothing.loss_floor(num_classes, alpha):.3f} |"
        )
    return "\n".join(rows)


def vocab_scale_results() -> dict:
    """The committed vocabulary-scale benchmark (benchmarks/results/vocab_scale.json)."""
    return json.loads(VOCAB_SCALE_RESULTS.read_text(encoding="utf-8"))


def vocab_scale_table() -> str:
    """The same benchmark as captioned Markdown tables, or why they are withheld."""
    return vocab_scale_markdown(vocab_scale_results())


def linear_cross_entropy_results() -> dict:
    """The linear cross-entropy benchmark (benchmarks/results/linear_cross_entropy.json)."""
    return json.loads(LINEAR_CE_RESULTS.read_text(encoding="utf-8"))


def linear_cross_entropy_tables() -> str:
    """The same benchmark as captioned Markdown tables, or why they are withheld."""
    return linear_cross_entropy_markdown(linear_cross_entropy_results())
