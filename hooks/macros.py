"""Variables and macros for pages with ``render_macros: true`` (mkdocs-macros-plugin).

Pages state numbers by computing them here at build time from the tested code in
``snippets/``, never by typing them: ``{{ ls.optimal_logit_gap(10, 0.1) | round(3) }}``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
VOCAB_SCALE_RESULTS = ROOT / "benchmarks" / "results" / "vocab_scale.json"
LINEAR_CE_RESULTS = ROOT / "benchmarks" / "results" / "linear_cross_entropy.json"
sys.path.insert(0, str(ROOT))  # so `snippets` and `hooks` import as packages during the build

from hooks.concepts import concepts_by_domain, read_concepts  # noqa: E402
from hooks.labs import load_lab_results  # noqa: E402
from snippets import half_precision, label_smoothing  # noqa: E402
from tools.linear_cross_entropy_table import markdown_table as linear_ce_table  # noqa: E402


def vector(values, digits: int = 3) -> str:
    """Format a 1-D array as ``[0.025, 0.925]`` for prose and math."""
    return "[" + ", ".join(f"{v:.{digits}g}" for v in np.ravel(values)) + "]"


def define_env(env) -> None:
    env.variables["ls"] = label_smoothing
    env.variables["half"] = half_precision  # {{ half.float16_overflow_vocabulary(1.0) }}
    env.filter(vector)
    env.macro(load_lab_results, "lab")  # {{ lab("calibration")["ece"]... }}: numbers the labs computed

    @env.macro
    def vocab_scale_results() -> dict:
        """The committed vocabulary-scale benchmark (benchmarks/results/vocab_scale.json)."""
        return json.loads(VOCAB_SCALE_RESULTS.read_text(encoding="utf-8"))

    @env.macro
    def vocab_scale_table() -> str:
        """The same benchmark as a Markdown table."""
        from benchmarks.vocab_scale import markdown_table

        return markdown_table(vocab_scale_results())

    @env.macro
    def linear_cross_entropy_results() -> dict:
        """The linear cross-entropy benchmark (benchmarks/results/linear_cross_entropy.json)."""
        return json.loads(LINEAR_CE_RESULTS.read_text(encoding="utf-8"))

    @env.macro
    def linear_cross_entropy_table() -> str:
        """The same benchmark as a Markdown table."""
        return linear_ce_table(linear_cross_entropy_results())

    @env.macro
    def concept_catalog() -> dict:
        """Concept pages grouped by domain, read from their front matter."""
        return concepts_by_domain(read_concepts(env.conf["docs_dir"]))
