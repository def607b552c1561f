# %% [markdown]
# # Lab: label smoothing at vocabulary scale
#
# [Download this lab](vocabulary-scale.zip) (the executed notebook, the `snippets/` it imports, exact pins) · [all labs](../) · [the evidence](../../evidence/)
#
# **What it asks.** How does the memory needed to compute the smoothed loss grow with the batch
# size $N$ and the number of classes $K$, the textbook way and the library's way?
#
# The textbook way to compute the smoothed loss builds the target matrix $y_s$, shape
# $N \times K$, then a log-probability matrix of the same shape, and multiplies them. For a
# language model $K$ is the vocabulary (32,000 to 128,000 and more) and $N$ the number of
# tokens in a batch, so those temporaries dominate memory. The library never builds them: it
# uses
#
# $$\begin{aligned} \ell &= (1-\alpha)\,(\mathrm{lse}(z) - z_y) \\ &\quad + \alpha\,\Big(\mathrm{lse}(z) - \tfrac{1}{K}\textstyle\sum_k z_k\Big), \end{aligned}$$
#
# and works through the rows a chunk at a time in one reused scratch buffer.
#
# **Data: synthetic.** Standard-normal float32 logits and uniform random labels: only the
# shapes matter here. This is a *small, fast* version measured with `tracemalloc` (NumPy's
# allocations, not counting the input logits). The full benchmark, at $N = 4096$ and
# $K$ up to 128,000 and against PyTorch, is `benchmarks/vocab_scale.py`; its committed
# results (`benchmarks/results/vocab_scale.json`) are on the vocabulary-scale page, in
# [the target matrix is a trap](../../scale/#the-vocabulary-scale-memory-trap).

# %% tags=["fold"]
import time

import numpy as np
import matplotlib.pyplot as plt
from IPython.display import Markdown, display, update_display

from snippets.datasets import synthetic_logits
from snippets.label_smoothing import smoothed_cross_entropy
from snippets.memory_cost import dense_smoothed_cross_entropy, peak_traced_bytes
from snippets.plotting import show_figure, show_results

started = time.perf_counter()
ALPHA = 0.1
MIB = 2**20

# %% [markdown]
# ## What it found

# %% tags=["prose"]
display(Markdown("*The findings appear here once the lab has run; they are computed at the end.*"),
        display_id="findings")

# %% [markdown]
# ## The two ways, and how memory is measured
#
# Both compute the same number: `dense_smoothed_cross_entropy` (in `snippets/memory_cost.py`) builds
# the (N, K) target and multiplies it by (N, K) log-probabilities, as textbooks write it;
# `smoothed_cross_entropy` uses the lse decomposition a chunk of rows at a time. `tracemalloc`
# records the peak of what NumPy allocates during one call, beyond the logits that already exist.

# %%
def peak_extra_mib(loss, logits, labels):
    """Peak memory NumPy allocates during one call of ``loss``, beyond the logits that exist."""
    value = None

    def call():
        nonlocal value
        value = loss(logits, labels, ALPHA)

    return peak_traced_bytes(call) / MIB, float(value)


def measure(n, k):
    logits, labels = synthetic_logits(n, k, seed=0)
    naive_mib, naive_value = peak_extra_mib(dense_smoothed_cross_entropy, logits, labels)
    library_mib, library_value = peak_extra_mib(smoothed_cross_entropy, logits, labels)
    # Same loss either way (float32 rounding aside): the difference is only in memory.
    assert abs(naive_value - library_value) <= 1e-4 * abs(library_value), (naive_value, library_value)
    # tracemalloc also sees a few dozen bytes of interpreter bookkeeping that vary from run to
    # run; rounding (to 0.1 MiB and 0.01 MiB) keeps the figure byte-identical across builds.
    return {"n": n, "k": k, "naive_mib": round(naive_mib, 1), "library_mib": round(library_mib, 2),
            "logits_mib": logits.nbytes / MIB}


K_FIXED, N_FIXED = 4000, 1024
by_n = [measure(n, K_FIXED) for n in (128, 256, 512, 1024, 2048, 4096)]
by_k = [measure(N_FIXED, k) for k in (1000, 2000, 4000, 8000, 16000)]

# %% tags=["prose"]
rows = ["| N | K | N·K (millions) | naive peak extra (MiB) | library peak extra (MiB) | size of the logits (MiB) |",
        "|---|---|---|---|---|---|"]
for r in by_n + by_k:
    rows.append(f"| {r['n']} | {r['k']} | {r['n'] * r['k'] / 1e6:.2f} | {r['naive_mib']:.1f} | "
                f"{r['library_mib']:.2f} | {r['logits_mib']:.1f} |")
display(Markdown("\n".join(rows)))

# %% tags=["figure:memory", "fold"]
def draw_memory(variant):
    c = variant.colors
    rows, cols = (2, 1) if variant.phone else (1, 2)
    fig, axes = plt.subplots(rows, cols, figsize=variant.figsize(6.4 if variant.phone else 3.4))
    for ax, runs, key, fixed in ((axes[0], by_n, "n", f"K = {K_FIXED:,}"), (axes[1], by_k, "k", f"N = {N_FIXED:,}")):
        xs = [r[key] for r in runs]
        ax.plot(xs, [r["naive_mib"] for r in runs], marker="o", color=c["orange"], label="naive: $y_s$, then log-softmax")
        ax.plot(xs, [r["library_mib"] for r in runs], marker="s", color=c["green"], label="library: chunked")
        ax.plot(xs, [r["logits_mib"] for r in runs], linestyle=":", color=c["grey"], label="the logits (N·K·4 bytes)")
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.minorticks_off()
        shown = xs[::2] if variant.phone else xs
        ax.set_xticks(shown)
        ax.set_xticklabels([f"{v:,}" for v in shown])
        ax.set_xlabel(f"{'N (rows)' if key == 'n' else 'K (classes)'}, {fixed}")
        ax.set_ylabel("peak extra memory (MiB)")
    axes[0].set_title("Growing the batch")
    axes[1].set_title("Growing the vocabulary")
    axes[0].legend(loc="upper left")
    return fig


show_figure(draw_memory, alt=(
    f"Two log-log panels of peak extra memory during one call of the smoothed loss. Growing the batch from "
    f"{by_n[0]['n']:,} to {by_n[-1]['n']:,} rows at K = {K_FIXED:,}, the naive loss's peak rises from "
    f"{by_n[0]['naive_mib']:.1f} to {by_n[-1]['naive_mib']:.0f} MiB, in step with the size of the logits, while the "
    f"library's stays near {by_n[-1]['library_mib']:.1f} MiB. Growing the vocabulary at N = {N_FIXED:,} shows the same "
    "pattern."
))

# %% [markdown]
# **Takeaway.** The naive loss needs extra memory in step with the logits, growing with N and K;
# the chunked library's extra memory stays flat.

# %% [markdown]
# ## Findings
#
# Computed from the measurements above: the growth factor of each method's peak when $N$ (or
# $K$) grows by the factor shown. Memory is deterministic here (same shapes, same allocations),
# so there is no seed-to-seed spread to report.

# %% tags=["prose"]
def growth(runs, key):
    return runs[-1][key] / runs[0][key]


n_factor = by_n[-1]["n"] / by_n[0]["n"]
k_factor = by_k[-1]["k"] / by_k[0]["k"]
lines = [
    f"* **Batch ×{n_factor:g}** (K = {K_FIXED}): the naive peak grows ×{growth(by_n, 'naive_mib'):.1f} "
    f"(to {by_n[-1]['naive_mib']:.0f} MiB, {by_n[-1]['naive_mib'] / by_n[-1]['logits_mib']:.1f}× the logits), "
    f"the library's ×{growth(by_n, 'library_mib'):.1f} (to {by_n[-1]['library_mib']:.2f} MiB).",
    f"* **Vocabulary ×{k_factor:g}** (N = {N_FIXED}): naive ×{growth(by_k, 'naive_mib'):.1f}, "
    f"library ×{growth(by_k, 'library_mib'):.1f}.",
    "* The library's peak is set by its scratch chunk (about 1 MiB of rows) plus two length-N vectors, "
    "so it does not grow with N·K; the naive peak is a few full N×K float32 arrays.",
]
display(Markdown("\n".join(lines)))
elapsed = time.perf_counter() - started
update_display(Markdown("\n".join(lines[:2]) + "\n\n" + (
    f"Running time: {elapsed:.0f} s when this page was built. Details: [Findings](#findings).")), display_id="findings")

# %% [markdown]
# ## What this does not show
#
# * Speed: this lab measures memory only. Time is measured, against PyTorch, by the full
#   benchmark (`benchmarks/vocab_scale.py`), shown on the
#   [vocabulary-scale page](../../scale/#measured-time-and-memory).
# * Memory in training: a backward pass needs the gradient, another (N, K) array, whichever way
#   the loss is computed; this lab measures the forward loss only.
# * Other allocators: `tracemalloc` sees NumPy's allocations in this process, not a GPU's memory
#   or a framework's caching allocator.

# %% tags=["results"]
results = {
    "data": {"dataset": "synthetic standard-normal float32 logits", "alpha": ALPHA,
             "k_fixed": K_FIXED, "n_fixed": N_FIXED},
    "seconds": round(elapsed, 1),
    "by_n": by_n,
    "by_k": by_k,
    "growth": {"n_factor": n_factor, "k_factor": k_factor,
               "naive_over_n": growth(by_n, "naive_mib"), "library_over_n": growth(by_n, "library_mib"),
               "naive_over_k": growth(by_k, "naive_mib"), "library_over_k": growth(by_k, "library_mib")},
    "largest": {"naive_mib": by_n[-1]["naive_mib"], "library_mib": by_n[-1]["library_mib"],
                "n": by_n[-1]["n"], "k": by_n[-1]["k"]},
}
show_results(results)

# %% [markdown]
# ## Try it
#
# Download the lab, make one change, predict, then run it.
#
# * **Another α.** Set `ALPHA = 0.5`. Predict first: does either peak move? Run: neither does;
#   α changes the values in the target, not the size of any array.
# * **A larger vocabulary.** Set `K_FIXED, N_FIXED = 8000, 1024`. Predict: what happens to each
#   method's peak at every batch size? Run: the naive peak about doubles (within 10 %), and the
#   library's stays within 10 % of where it was.
