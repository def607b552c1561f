"""The README's "Measured" section, rendered from benchmarks/results/*.json.

    python -m benchmarks.report      # rewrite the section between the README's markers

tests/test_readme.py fails when the README's section differs from what this renders, so the
numbers in the README always come from the committed results.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
README = ROOT / "README.md"
START, END = "<!-- benchmarks:start -->", "<!-- benchmarks:end -->"


def load(name: str) -> dict:
    return json.loads((RESULTS / f"{name}.json").read_text(encoding="utf-8"))


def render() -> str:
    """Markdown tables of page speed, build time, lab time and vocabulary-scale results."""
    lighthouse, build, labs, vocab = load("lighthouse"), load("build_time"), load("lab_time"), load("vocab_scale")
    lines = [
        f"Page speed (`benchmarks/lighthouse.py`: Lighthouse {lighthouse['pages'][0]['lighthouse']}, mobile preset, "
        "median of the performance runs; core = HTML, CSS, JS and fonts as transferred, gzip):",
        "",
        "| page | performance (runs) | FCP ms | LCP ms | TBT ms | accessibility | best practices | SEO | CLS "
        "| core KiB | DOM elements |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for page in lighthouse["pages"]:
        scores = page["scores"]
        runs = ", ".join(f"{run:.2f}" for run in page["performance_runs"])
        lines.append(
            f"| `/{page['page']}` | {scores['performance']:.2f} ({runs}) | {page['fcp_ms']} | {page['lcp_ms']} "
            f"| {page['tbt_ms']} | {scores['accessibility']:.2f} | {scores['best-practices']:.2f} | {scores['seo']:.2f} "
            f"| {page['cls']:.3f} | {page['core_kib']:.0f} | {page['dom_elements']:,} |"
        )
    lines += [
        "",
        f"Build (`benchmarks/build_time.py`, {build['cores']} cores, {build['date']}): cold "
        f"{build['cold_seconds']['median']:.1f} s (budget {build['budget_seconds']['cold']:.0f} s), warm "
        f"{build['warm_seconds']['median']:.1f} s (budget {build['budget_seconds']['warm']:.0f} s), medians of "
        f"{build['repeats']} runs.",
        "",
        f"Labs (`benchmarks/lab_time.py`, budget {labs['budget_s']:.0f} s each): "
        + ", ".join(f"{lab['lab']} {lab['wall_s']:.1f} s" for lab in labs["labs"])
        + ".",
        "",
        f"Vocabulary scale (`benchmarks/vocab_scale.py`, N = {vocab['n']:,}, {vocab['dtype']}): this library's "
        "time and peak memory as a fraction of PyTorch's: "
        + "; ".join(
            f"K = {size['k']:,}: time {size['library_over_torch']['time']:.2f}, memory {size['library_over_torch']['memory']:.4f}"
            for size in vocab["sizes"]
        )
        + ".",
    ]
    lines += ["", mutation_line(load("mutation"))]
    return "\n".join(lines)


def mutation_line(mutation: dict) -> str:
    """Per module: mutants killed out of those a test could kill (benchmarks/mutation.py)."""
    modules = "; ".join(
        f"`{module['module']}` {module['killed']} of {module['total'] - len(module['equivalent'])} "
        f"({module['score']:.1%}; {len(module['equivalent'])} more equivalent)"
        for module in mutation["modules"]
    )
    return (
        f"Mutation testing (`benchmarks/mutation.py`: mutmut {mutation['mutmut']} with tests/snippets, "
        f"{mutation['date']}; target {mutation['target']:.0%}), mutants killed: {modules}. The equivalent "
        "survivors, each with the reason no test can kill it, are in `benchmarks/results/mutation.json`."
    )


def section(text: str) -> str:
    """The README text between the markers."""
    return text.split(START, 1)[1].split(END, 1)[0].strip()


def main() -> None:
    text = README.read_text(encoding="utf-8")
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    README.write_text(f"{before}{START}\n{render()}\n{END}{after}", encoding="utf-8")
    print(render())


if __name__ == "__main__":
    main()
