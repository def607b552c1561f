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
sys.path.insert(0, str(ROOT))  # so `snippets` and `hooks` import as packages during the build

from hooks.downloads import module_download_markdown  # noqa: E402
from hooks.lab_results import lab_results  # noqa: E402
from snippets import label_smoothing  # noqa: E402


def vector(values, digits: int = 3) -> str:
    """Format a 1-D array as ``[0.025, 0.925]`` for prose and math."""
    return "[" + ", ".join(f"{v:.{digits}g}" for v in np.ravel(values)) + "]"


def _page_path(page) -> str:
    """The page's path under docs/: MkDocs pages have ``file.src_uri``, Zensical's ``path``."""
    return page.file.src_uri if hasattr(page, "file") else page.path


def define_env(env) -> None:
    env.variables["ls"] = label_smoothing
    env.filter(vector)
    # {{ lab("calibration")["ece"]... }}: numbers the page's concept's labs computed (hooks/lab_results.py)
    env.macro(lambda name: lab_results(name, _page_path(env.page), env.project_dir), "lab")
    # {{ module_download("label_smoothing") }} under library code: its downloads, licence and test command
    env.macro(lambda module: module_download_markdown(module, _page_path(env.page), env.conf), "module_download")

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
    def concept_catalog() -> dict:
        """Concept pages grouped by domain, read from their front matter."""
        from hooks.concepts import concepts_by_domain, read_concepts  # imports MkDocs: only when called
        return concepts_by_domain(read_concepts(env.conf["docs_dir"]))
