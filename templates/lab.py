# %% [markdown]
# # Lab: does label smoothing lower a classifier's confidence?
#
# Copy to `docs/domains/<domain>/<concept>/labs/<name>.py`: the build finds it, runs it, lists it in
# the navigation under this title, and publishes its page, figures and download. Keep the title
# cell, the results cell, "What this does not show" and "Try it"; replace the rest.
#
# **What it asks.** One or two sentences: the question, and the claim of a paper it tests.
# **Data.** Three Gaussian blobs in the plane, drawn afresh for each seed. **Design.** Each seed
# trains a softmax regression twice, on hard and on smoothed targets (α = 0.1), so the two arms are
# paired by seed: the finding is their mean difference, its 95 % interval and n.

# %% tags=["fold"]
# `fold`: set-up and plotting code; the page folds it behind "Show code".
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Markdown, display

from snippets.label_smoothing import smooth_labels, softmax
from snippets.plotting import show_figure, show_results
from snippets.stats import Findings

SEEDS = range(8)
ALPHA = 0.1
NUM_CLASSES = 3

# %% [markdown]
# ## The experiment
#
# An untagged cell is the code that teaches: the page shows it in full.

# %%
def held_out_confidence(seed: int, alpha: float, steps: int = 300, learning_rate: float = 0.5) -> float:
    """Mean top-class probability on 100 held-out points, after training on 200 with smoothing ``alpha``."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=2.0, size=(NUM_CLASSES, 2))
    labels = rng.integers(0, NUM_CLASSES, size=300)
    points = centres[labels] + rng.normal(size=(300, 2))
    targets = smooth_labels(labels[:200], NUM_CLASSES, alpha)
    weights, bias = np.zeros((2, NUM_CLASSES)), np.zeros(NUM_CLASSES)
    for _ in range(steps):
        gradient = (softmax(points[:200] @ weights + bias) - targets) / 200  # of the cross-entropy
        weights -= learning_rate * points[:200].T @ gradient
        bias -= learning_rate * gradient.sum(axis=0)
    return float(softmax(points[200:] @ weights + bias).max(axis=1).mean())


findings = Findings()
findings.metric("confidence", digits=3)
for arm, alpha in (("hard", 0.0), ("smoothed", ALPHA)):
    findings.add("confidence", arm, [held_out_confidence(seed, alpha) for seed in SEEDS])
findings.compare("confidence", "smoothed", "hard")  # record every comparison the lab reports, then
findings.adjust()  # close the family: verdicts follow the Holm-adjusted p-values (snippets/stats.py)

# %% tags=["figure:confidence", "fold"]
# `figure:<name>`: drawn once per layout (desktop, phone) and colour scheme (light, dark).
def draw(variant):
    fig, ax = plt.subplots(figsize=variant.figsize(2.4))
    for arm in ("hard", "smoothed"):
        ax.plot(list(SEEDS), findings.arm("confidence", arm).values, marker="o", label=arm)
    ax.set_xlabel("seed")
    ax.set_ylabel("held-out confidence")
    ax.legend(loc="lower right" if variant.phone else "best")
    return fig


show_figure(draw, alt="Held-out confidence for each seed, trained on hard and on smoothed targets")

# %% [markdown]
# ## Findings

# %% tags=["prose"]
# `prose`: the page shows only the Markdown this cell displays, written from the results.
table = ["| targets | held-out confidence (mean ± sd) |", "|---|---|"]
table += [f"| {arm} | {findings.estimate('confidence', arm)} |" for arm in ("hard", "smoothed")]
display(Markdown("\n".join(table) + "\n\nSmoothed against hard targets, paired by seed: held-out confidence "
                 f"{findings.describe('confidence', 'smoothed', 'hard')}."))

# %% tags=["results"]
# `results`: the one cell whose dict pages quote, e.g. {{ finding("<name>", "confidence", "smoothed", "hard") }}.
show_results({"findings": findings.to_dict()})

# %% [markdown]
# ## What this does not show
#
# * What the experiment cannot say, in a line or two each: here, anything about deep networks,
#   or about accuracy, which this lab does not measure.

# %% [markdown]
# ## Try it
#
# * Two or three changes a reader can make to the download, each with the prediction to make
#   first and what the run shows. Claim only what a test checks: each change runs, at a small size,
#   in `tests/docs/<this lab's folder under docs/>/test_<name>.py` ("Add a lab" in the authors' guide).
