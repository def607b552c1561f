"""Benchmark results as Markdown, for the README (benchmarks/report.py) and the pages (hooks/macros.py).

Results are published only when they were recorded on a quiet machine (benchmarks/machine.py
writes the record; ``withheld_reason`` reads it). Otherwise the README and the pages show why
the numbers are missing and the command that records them.

The vocabulary-scale benchmark (benchmarks/vocab_scale.py):

- ``vocab_scale_markdown(results)``: the page's text: a time table and a memory table, each
  with a caption that says what was measured and where PyTorch is faster; or the notice.
- ``vocab_scale_tables(results)``: the same tables, whether or not publishable (the script
  prints them after a debugging run).
- ``vocab_scale_summary(results)``: the findings in sentences (the README's line).

The linear cross-entropy benchmark (benchmarks/linear_cross_entropy.py):

- ``linear_cross_entropy_markdown(results)``: the page's time and memory tables with
  captions, or the notice.
- ``linear_cross_entropy_tables(results)``: the same tables, whether or not publishable.
- ``linear_cross_entropy_targets(results)``: the chunked version's targets at K = 128,000.
"""

from __future__ import annotations

from typing import Any

VOCAB_SCALE_COMMAND = "python -m benchmarks.vocab_scale"
CONTENDER_NAMES = {
    "naive": "naive",
    "library": "library",
    "torch_1_thread": "PyTorch, 1 thread",
    "torch_default": "PyTorch, {threads} threads",
}
# The same, as they read in a sentence.
PROSE_NAMES = {
    "naive": "the naive form",
    "library": "the library",
    "torch_1_thread": "PyTorch on 1 thread",
    "torch_default": "PyTorch on {threads} threads",
}


def withheld_reason(results: dict[str, Any]) -> str | None:
    """Why results must not be published, or None when they come from a quiet machine."""
    record = results.get("machine") or {}
    before = (record.get("load_average") or {}).get("before")
    if not before:
        return "recorded before the load rule (no load average before the run)"
    if record.get("loaded") is not False or before[0] > record["load_limit_1min"]:
        return (f"recorded on a loaded machine (1-minute load average {before[0]:.2f} on "
                f"{record['cores']} cores; the limit is {record['load_limit_1min']:g})")
    return None


def withheld_notice(what: str, reason: str, command: str) -> str:
    """One sentence saying which results are missing, why, and how to record them."""
    return f"{what}: not published, {reason}; record on a quiet machine with `{command}`."


def _captioned(*tables: tuple[str, str]) -> str:
    """Markdown tables, each followed by its caption (pymdownx.blocks.caption's table-caption)."""
    return "\n".join(f"{table}\n\n/// table-caption\n{caption}\n///\n" for table, caption in tables)


def machine_summary(record: dict[str, Any]) -> str:
    """'2026-12-01, 2 cores (AMD EPYC), 1-minute load 0.31 before and 1.90 after'."""
    before, after = record["load_average"]["before"], record["load_average"]["after"]
    load = f"1-minute load {before[0]:.2f} before" + (f" and {after[0]:.2f} after" if after else "")
    return f"{record['date'][:10]}, {record['cores']} cores ({record['cpu']}), {load}"


# ------------------------------------------------------------------ vocabulary scale


def contender_name(contender: str, results: dict[str, Any], names: dict[str, str] = CONTENDER_NAMES) -> str:
    return names[contender].format(threads=results["torch_default_threads"])


def torch_contenders(results: dict[str, Any]) -> list[str]:
    return [c for c in results["contenders"] if c.startswith("torch")]


def traced_contenders(results: dict[str, Any]) -> list[str]:
    """The contenders that tracemalloc also measured (NumPy's)."""
    return list(results["sizes"][0]["tracemalloc_peak_mib"])


def _spread(low: str, high: str) -> str:
    """'(low–high)' for a table cell: a word joiner after the dash keeps a narrow column from
    breaking the range in two."""
    return f"({low}–\u2060{high})"


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.1f}"


def _mib(mib: float) -> str:
    return f"{mib:,.1f}"


def _ratio(ratio: float) -> str:
    return f"{ratio:.2f}" if ratio >= 0.01 else f"{ratio:.1e}"


def _k_list(ks: list[int]) -> str:
    names = [f"{k:,}" for k in ks]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _table(corner: str, results: dict[str, Any], rows: dict[str, list[str]]) -> str:
    """A table with one column per vocabulary size: narrow enough for a phone."""
    header = [corner] + [f"K = {size['k']:,}" for size in results["sizes"]]
    lines = ["| " + " | ".join(header) + " |", "|---|" + "---:|" * len(results["sizes"])]
    lines += ["| " + " | ".join([name, *cells]) + " |" for name, cells in rows.items()]
    return "\n".join(lines)


def time_ratio(size: dict[str, Any], torch_contender: str) -> float:
    """The library's median time over PyTorch's, at one vocabulary size."""
    times = size["time_s"]
    return times["library"]["median"] / times[torch_contender]["median"]


def comparison(size: dict[str, Any], torch_contender: str) -> str:
    """'torch' when PyTorch was faster in every run, 'library' when the library was, else 'overlap'."""
    library, torch = size["time_s"]["library"], size["time_s"][torch_contender]
    if library["min"] > torch["max"]:
        return "torch"
    if library["max"] < torch["min"]:
        return "library"
    return "overlap"


def vocab_scale_tables(results: dict[str, Any]) -> tuple[str, str]:
    """The time table and the memory table: a row per contender, a column per vocabulary size."""
    sizes = results["sizes"]
    times = {
        contender_name(c, results): [
            f"{_ms(size['time_s'][c]['median'])} {_spread(_ms(size['time_s'][c]['min']), _ms(size['time_s'][c]['max']))}"
            for size in sizes]
        for c in results["contenders"]
    }
    times.update({f"library ÷ {contender_name(c, results)}": [_ratio(time_ratio(size, c)) for size in sizes]
                  for c in torch_contenders(results)})
    memory = {contender_name(c, results): [_mib(size["peak_rss_growth_mib"][c]["median"]) for size in sizes]
              for c in results["contenders"]}
    memory.update({f"{contender_name(c, results)}, tracemalloc": [_mib(size["tracemalloc_peak_mib"][c]["median"])
                                                                  for size in sizes]
                   for c in traced_contenders(results)})
    return _table("time (ms)", results, times), _table("peak memory (MiB)", results, memory)


def time_findings(results: dict[str, Any]) -> str:
    """Where each PyTorch setting is faster or slower, in words that follow the runs' spread:
    "faster" only when every run of one was faster than every run of the other."""
    sentences = []
    for torch_contender in torch_contenders(results):
        groups: dict[str, list[int]] = {"torch": [], "library": [], "overlap": []}
        for size in results["sizes"]:
            groups[comparison(size, torch_contender)].append(size["k"])
        name = contender_name(torch_contender, results, PROSE_NAMES)
        parts = []
        if groups["torch"]:
            parts.append(f"{name} is faster than the library at K = {_k_list(groups['torch'])}")
        if groups["library"]:
            parts.append(f"the library is faster than {name} at K = {_k_list(groups['library'])}")
        if groups["overlap"]:
            parts.append(f"the runs of the library and {name} overlap at K = {_k_list(groups['overlap'])}")
        findings = "; ".join(parts)
        ratios = "; ".join(f"{_ratio(time_ratio(size, torch_contender))} at K = {size['k']:,}"
                           for size in results["sizes"])
        sentences.append(f"{findings[0].upper()}{findings[1:]} (median time, the library ÷ {name}: {ratios}).")
    return " ".join(sentences)


def memory_findings(results: dict[str, Any]) -> str:
    """Each contender's peak memory at the largest vocabulary."""
    largest = max(results["sizes"], key=lambda size: size["k"])
    memory = largest["peak_rss_growth_mib"]
    parts = [f"{_mib(memory[c]['median'])} MiB for {contender_name(c, results, PROSE_NAMES)}"
             for c in results["contenders"]]
    return f"At K = {largest['k']:,} one call's peak memory is {', '.join(parts[:-1])} and {parts[-1]}."


def vocab_scale_summary(results: dict[str, Any]) -> str:
    """What the run shows, time and memory, in sentences (the README's line)."""
    return f"{time_findings(results)} {memory_findings(results)}"


def vocab_scale_markdown(results: dict[str, Any]) -> str:
    """The page's vocabulary-scale tables with captions, or a notice when they are withheld."""
    reason = withheld_reason(results)
    if reason:
        return withheld_notice("The vocabulary-scale timings", reason, VOCAB_SCALE_COMMAND) + "\n"
    time_table, memory_table = vocab_scale_tables(results)
    machine = machine_summary(results["machine"])
    return _captioned(
        (time_table,
         f"Wall time of one call in ms: median (min–max) of {results['repetitions']} repetitions, "
         "the contenders' calls interleaved after a warm-up call each, on one batch of "
         f"N = {results['n']:,} {results['dtype']} rows ({machine}; torch {results['machine']['torch']}). "
         f"{time_findings(results)}"),
        (memory_table,
         "Peak memory of one call in MiB: the growth of the peak resident set over the resident set "
         "before the call, in a fresh process per measurement, the same instrument for every "
         "contender; for the NumPy contenders also the peak that tracemalloc sees (NumPy's "
         f"allocations only). {memory_findings(results)}"),
    )


# ------------------------------------------------------------ linear cross-entropy

LINEAR_CE_COMMAND = "python -m benchmarks.linear_cross_entropy"
# Short names, so a table with a column per K fits a phone; the page says what each runs.
LINEAR_CE_NAMES = {
    "dense": "full logits",
    "torch_linear_ce": "F.linear_cross_entropy",
    "chunked": "chunked",
    "torch_hard_plus_identity": "PyTorch chunks + identity",
    "numpy": "NumPy",
}
LINEAR_CE_TARGETS = {"k": 128_000, "memory_fraction": 1 / 8, "time_ratio": 1.25}


def linear_cross_entropy_targets(results: dict[str, Any]) -> dict[str, bool | None]:
    """The chunked PyTorch version against full logits at K = 128,000: peak memory at most
    an eighth, median time at most 1.25 times. None when the run lacks either contender."""
    size = next((s for s in results["sizes"] if s["k"] == LINEAR_CE_TARGETS["k"]), {})
    if "dense" not in size or "chunked" not in size:
        return {"memory_at_most_one_eighth": None, "time_at_most_1.25x": None}
    dense, chunked = size["dense"], size["chunked"]
    return {
        "memory_at_most_one_eighth": chunked["peak_rss_growth_mib"]
        <= LINEAR_CE_TARGETS["memory_fraction"] * dense["peak_rss_growth_mib"],
        "time_at_most_1.25x": chunked["time_s"]["median"]
        <= LINEAR_CE_TARGETS["time_ratio"] * dense["time_s"]["median"],
    }


def _seconds(seconds: float) -> str:
    return f"{seconds:,.2f}"


def linear_cross_entropy_tables(results: dict[str, Any]) -> tuple[str, str]:
    """The time table and the memory table: a row per contender, a column per vocabulary size,
    and a row of the chunked version's ratio to the full logits."""
    sizes = results["sizes"]
    contenders = [c for c in LINEAR_CE_NAMES if all(c in size for size in sizes)]
    times = {
        LINEAR_CE_NAMES[c]: [
            f"{_seconds(t['median'])} {_spread(_seconds(t['min']), _seconds(t['max']))}"
            for t in (size[c]["time_s"] for size in sizes)
        ]
        for c in contenders
    }
    memory = {LINEAR_CE_NAMES[c]: [_mib(size[c]["peak_rss_growth_mib"]) for size in sizes] for c in contenders}
    if "numpy" in contenders:
        memory[f"{LINEAR_CE_NAMES['numpy']}, tracemalloc"] = [
            _mib(size["numpy"]["tracemalloc_peak_mib"]) for size in sizes
        ]
    if {"dense", "chunked"} <= set(contenders):
        ratio = f"{LINEAR_CE_NAMES['chunked']} ÷ full logits"
        times[ratio] = [_ratio(s["chunked"]["time_s"]["median"] / s["dense"]["time_s"]["median"]) for s in sizes]
        memory[ratio] = [_ratio(s["chunked"]["peak_rss_growth_mib"] / s["dense"]["peak_rss_growth_mib"])
                         for s in sizes]
    return _table("time (s)", results, times), _table("peak memory (MiB)", results, memory)


def linear_cross_entropy_markdown(results: dict[str, Any]) -> str:
    """The page's linear cross-entropy tables with captions, or a notice when they are withheld."""
    reason = withheld_reason(results)
    if reason:
        return withheld_notice("The linear cross-entropy timings", reason, LINEAR_CE_COMMAND) + "\n"
    time_table, memory_table = linear_cross_entropy_tables(results)
    machine = machine_summary(results["machine"])
    return _captioned(
        (time_table,
         f"Wall time of one forward and backward pass in seconds: median (min–max) of "
         f"{results['repetitions']} repetitions after a first call, at N = {results['n']:,} positions "
         f"and d = {results['d']} features in {results['dtype']} ({machine}; torch "
         f"{results['machine']['torch']})."),
        (memory_table,
         "Peak memory of the first call in MiB: the growth of the peak resident set over the "
         "resident set before the call, in a fresh process per method and K, the same instrument "
         "for every method; for NumPy also the peak that tracemalloc sees."),
    )
