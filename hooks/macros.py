"""Variables and macros for pages with ``render_macros: true`` (mkdocs-macros-plugin).

Pages state numbers by computing them here at build time from the tested code in
``snippets/``, never by typing them: ``{{ ls.optimal_logit_gap(10, 0.1) | round(3) }}``.
"""

from __future__ import annotations

import json
import posixpath
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
VOCAB_SCALE_RESULTS = ROOT / "benchmarks" / "results" / "vocab_scale.json"
LINEAR_CE_RESULTS = ROOT / "benchmarks" / "results" / "linear_cross_entropy.json"
sys.path.insert(0, str(ROOT))  # so `snippets`, `hooks` and `tools` import as packages during the build

from hooks.concepts import concepts_by_domain, read_concepts  # noqa: E402
from hooks.gap_explorer import logit_gap_explorer  # noqa: E402
from hooks.labs import load_lab_results  # noqa: E402
from snippets import half_precision, label_smoothing  # noqa: E402
from tools.results_tables import linear_cross_entropy_markdown, vocab_scale_markdown  # noqa: E402


def vector(values, digits: int = 3) -> str:
    """Format a 1-D array as ``[0.025, 0.925]`` for prose and math."""
    return "[" + ", ".join(f"{v:.{digits}g}" for v in np.ravel(values)) + "]"


def concept_list(concepts: list, page_uri: str, *, with_phase: bool = True) -> str:
    """A Markdown list of concepts, each linked relative to the page ``page_uri`` that shows it."""
    base = posixpath.dirname(page_uri)
    lines = []
    for c in concepts:
        link = posixpath.relpath(c.src_uri, base)
        phase = f" · {c.phase_short}" if with_phase else ""
        lines.append(f"- **[{c.title}]({link})** · Concept {c.number}{phase}: {c.summary}")
    return "\n".join(lines)


def define_env(env) -> None:
    env.variables["ls"] = label_smoothing
    env.variables["half"] = half_precision  # {{ half.float16_overflow_vocabulary(1.0) }}
    env.filter(vector)
    env.macro(load_lab_results, "lab")  # {{ lab("calibration")["ece"]... }}: numbers the labs computed
    env.macro(logit_gap_explorer)  # the overview's hero figure: {{ logit_gap_explorer() }}

    @env.macro
    def vocab_scale_results() -> dict:
        """The committed vocabulary-scale benchmark (benchmarks/results/vocab_scale.json)."""
        return json.loads(VOCAB_SCALE_RESULTS.read_text(encoding="utf-8"))

    @env.macro
    def vocab_scale_table() -> str:
        """The same benchmark as captioned Markdown tables, or why they are withheld."""
        return vocab_scale_markdown(vocab_scale_results())

    @env.macro
    def linear_cross_entropy_results() -> dict:
        """The linear cross-entropy benchmark (benchmarks/results/linear_cross_entropy.json)."""
        return json.loads(LINEAR_CE_RESULTS.read_text(encoding="utf-8"))

    @env.macro
    def linear_cross_entropy_tables() -> str:
        """The same benchmark as captioned Markdown tables, or why they are withheld."""
        return linear_cross_entropy_markdown(linear_cross_entropy_results())

    def catalog() -> dict:
        return concepts_by_domain(read_concepts(env.conf["docs_dir"]))

    @env.macro
    def concept_catalog() -> str:
        """Every published concept as Markdown: one heading per domain, then its concepts."""
        sections = [
            f"## {domain}\n\n{concept_list(concepts, env.page.file.src_uri)}"
            for domain, concepts in catalog().items()
        ]
        return "\n\n".join(sections)

    @env.macro
    def domain_concepts(domain: str) -> str:
        """The concepts of one domain as a Markdown list."""
        concepts = catalog().get(domain)
        if not concepts:
            raise ValueError(f"domain_concepts: no concept page has domain {domain!r}; known: {sorted(catalog())}")
        return concept_list(concepts, env.page.file.src_uri)

    @env.macro
    def published_concepts() -> int:
        """How many concept pages exist."""
        return sum(len(concepts) for concepts in catalog().values())
