# %% [markdown]
# # Lab: the geometry label smoothing imposes
#
# [Download this notebook, executed](geometry.ipynb) · [all labs](../) · [concept page](../../#labs)
#
# With smoothed targets $y_s = (1-\alpha)\,\mathrm{onehot}(y) + \alpha/K$ the loss has a finite
# minimiser: every wrong-class logit equal, and the true-class logit above them by
#
# $$\Delta^\star = \log\!\left(1 + \frac{K(1-\alpha)}{\alpha}\right),$$
#
# at which the loss equals its floor $H(y_s)$. With hard labels there is no minimiser: the
# gradient $\mathrm{softmax}(z) - y$ never vanishes, and the gap keeps growing. Müller,
# Kornblith and Hinton (2019, §2) argue that this is why smoothing makes the penultimate
# representations of a class cluster tightly, at equal distances from the other classes.
# This lab watches all three happen in a small network.
#
# **Data: real.** scikit-learn's bundled digits ($K = 10$), the training pool of the same fixed,
# stratified split as the calibration lab. **Models:** one-hidden-layer NumPy MLPs trained
# full-batch with the library's loss, over several seeds for every curve and number (sizes and
# seed count are printed below).

# %%
import numpy as np
import matplotlib.pyplot as plt
from IPython.display import Markdown, display

from snippets.datasets import load_digits_split
from snippets.label_smoothing import loss_floor, optimal_logit_gap, smoothed_cross_entropy, softmax
from snippets.mlp import MLP, smoothed_objective, train
from snippets.plotting import PALETTE, show, show_results, use_lab_style

use_lab_style()
data = load_digits_split(val_fraction=0.2, test_fraction=0.4, seed=0)
K = data.num_classes
ALPHA = 0.1
SEEDS = range(3)
HIDDEN = 64
STEPS = 600
# Record at ~120 log-spaced steps: enough for smooth curves, cheap, and a compact SVG.
RECORD = set(np.unique(np.geomspace(1, STEPS, 120).round().astype(int)).tolist())
x, y = data.x_train, data.y_train
SIZES = (x.shape[1], HIDDEN, K)
print(f"{len(y)} training images; MLP {' → '.join(map(str, SIZES))}; {len(SEEDS)} seeds; closed-form gap for K = {K}, α = {ALPHA}: "
      f"{optimal_logit_gap(K, ALPHA):.3f}; loss floor H(y_s) = {loss_floor(K, ALPHA):.3f} nats")

# %% [markdown]
# ## Training, with the gap and the loss recorded at every step
#
# For a training example with label $y$ the recorded gap is $z_y - \frac{1}{K-1}\sum_{j\ne y} z_j$,
# the true logit's margin over the *average* wrong logit, averaged over the training set. At the
# smoothed optimum every wrong logit is equal, so this is then exactly $\Delta^\star$. We also
# record the spread of the wrong logits (their standard deviation within an example), which the
# optimum drives to zero, and the mean top-class probability, whose optimum is $1-\alpha+\alpha/K$.

# %%
def gap_stats(logits, labels):
    true = np.take_along_axis(logits, labels[:, None], axis=1)[:, 0]
    wrong = np.where(np.eye(K, dtype=bool)[labels], np.nan, logits)
    return {
        "gap": float(np.mean(true - np.nanmean(wrong, axis=1))),
        "wrong_spread": float(np.mean(np.nanstd(wrong, axis=1))),
        "max_prob": float(np.mean(softmax(logits).max(axis=1))),
    }


def run(alpha, seed):
    model = MLP.init(SIZES, seed=seed)
    trace = {"loss": [], "gap": [], "wrong_spread": [], "max_prob": []}

    def record(step, m):
        if step not in RECORD:
            return
        z = m.forward(x)
        trace["loss"].append(float(smoothed_cross_entropy(z, y, alpha)))
        for key, value in gap_stats(z, y).items():
            trace[key].append(value)

    train(model, x, smoothed_objective(y, alpha), epochs=STEPS, lr=1e-2, seed=seed, on_epoch=record)
    return model, {k: np.array(v) for k, v in trace.items()}


runs = {(alpha, seed): run(alpha, seed) for alpha in (0.0, ALPHA) for seed in SEEDS}
steps = np.array(sorted(RECORD))

# %% tags=["figure:logit-gap"]
fig, (ax_gap, ax_loss) = plt.subplots(1, 2, figsize=(10, 3.6))
for alpha, colour, name in ((0.0, PALETTE["vermillion"], "hard labels"), (ALPHA, PALETTE["blue"], f"α = {ALPHA}")):
    gaps = np.stack([runs[alpha, s][1]["gap"] for s in SEEDS])
    losses = np.stack([runs[alpha, s][1]["loss"] for s in SEEDS])
    for ax, values in ((ax_gap, gaps), (ax_loss, losses)):
        ax.plot(steps, values.mean(axis=0), color=colour, label=name)
        ax.fill_between(steps, values.min(axis=0), values.max(axis=0), color=colour, alpha=0.2, linewidth=0)
ax_gap.axhline(optimal_logit_gap(K, ALPHA), color=PALETTE["black"], linestyle="--", linewidth=1.1,
               label=f"closed form log(1 + K(1−α)/α) = {optimal_logit_gap(K, ALPHA):.2f}")
ax_gap.set_xscale("log")
ax_gap.set_xlabel("full-batch training step (log scale)")
ax_gap.set_ylabel("mean true-vs-wrong logit gap")
ax_gap.set_title("Logit gap: bounded with smoothing, growing without")
ax_gap.legend(fontsize=8, loc="upper left")
ax_loss.axhline(loss_floor(K, ALPHA), color=PALETTE["black"], linestyle="--", linewidth=1.1,
                label=f"loss floor H(y_s) = {loss_floor(K, ALPHA):.3f} nats (α = {ALPHA})")
ax_loss.axhline(0.0, color=PALETTE["grey"], linestyle=":", linewidth=1.1, label="floor for hard labels: 0")
ax_loss.set_xscale("log")
ax_loss.set_xlabel("full-batch training step (log scale)")
ax_loss.set_ylabel("training loss (its own targets), nats")
ax_loss.set_title("Training loss against its floor")
ax_loss.legend(fontsize=8, loc="upper right")
fig.suptitle(f"Digits, {len(y)} training images, {'→'.join(map(str, SIZES))} MLP: mean over {len(SEEDS)} seeds, "
             "band = min–max", y=1.02)
show(fig)

# %%
def final(alpha, key):
    values = np.array([runs[alpha, s][1][key][-1] for s in SEEDS])
    return {"mean": float(values.mean()), "std": float(values.std(ddof=1)), "n": len(values)}


def fmt(s, digits=3):
    return f"{s['mean']:.{digits}f} ± {s['std']:.{digits}f}"


half = int(np.searchsorted(steps, STEPS // 2))  # index of the first recorded step in the second half
growth_hard = np.mean([runs[0.0, s][1]["gap"][-1] - runs[0.0, s][1]["gap"][half] for s in SEEDS])
growth_ls = np.mean([runs[ALPHA, s][1]["gap"][-1] - runs[ALPHA, s][1]["gap"][half] for s in SEEDS])
target_prob = 1 - ALPHA + ALPHA / K
rows = [
    "| after %d steps | hard labels | α = %g | closed form (α = %g) |" % (STEPS, ALPHA, ALPHA),
    "|---|---|---|---|",
    f"| mean logit gap | {fmt(final(0.0, 'gap'), 2)} | {fmt(final(ALPHA, 'gap'), 2)} | {optimal_logit_gap(K, ALPHA):.2f} |",
    f"| gap growth over the second half | {growth_hard:+.2f} | {growth_ls:+.2f} | 0 |",
    f"| spread of the wrong logits | {fmt(final(0.0, 'wrong_spread'), 2)} | {fmt(final(ALPHA, 'wrong_spread'), 2)} | 0 |",
    f"| training loss (nats) | {fmt(final(0.0, 'loss'), 4)} | {fmt(final(ALPHA, 'loss'), 4)} | {loss_floor(K, ALPHA):.4f} |",
    f"| mean top-class probability | {fmt(final(0.0, 'max_prob'), 4)} | {fmt(final(ALPHA, 'max_prob'), 4)} | {target_prob:.4f} |",
]
display(Markdown("\n".join(rows)))

# %% [markdown]
# ## Penultimate activations, projected Müller-style
#
# Müller et al. (2019, Fig. 1) pick three classes, take the plane through their three
# last-layer templates $w_a, w_b, w_c$, and project the penultimate activations of those
# classes' examples onto it (orthonormal basis of the plane, by Gram–Schmidt on
# $w_b - w_a$ and $w_c - w_a$). We do the same for the digits 0, 3 and 8, using held-out
# test images so the picture is not only about memorised training points.
#
# Three numbers summarise each picture (projected coordinates, every seed):
# **tightness**, the mean distance of a point to its class centroid divided by the mean
# distance between centroids (smaller = tighter, scale-free); **regularity**, the shortest
# side of the centroid triangle over the longest (1 = equilateral); and **scale**, the mean
# distance between centroids.

# %%
CLASSES = (0, 3, 8)


def plane_basis(templates):
    a, b, c = (templates[:, k] for k in CLASSES)
    u = (b - a) / np.linalg.norm(b - a)
    v = (c - a) - ((c - a) @ u) * u
    return np.stack([u, v / np.linalg.norm(v)], axis=1)  # (width, 2), orthonormal columns


def projection(model):
    mask = np.isin(data.y_test, CLASSES)
    points = model.penultimate(data.x_test[mask]) @ plane_basis(model.templates)
    return points, data.y_test[mask]


def geometry(points, labels):
    centroids = np.stack([points[labels == k].mean(axis=0) for k in CLASSES])
    sides = np.array([np.linalg.norm(centroids[i] - centroids[j]) for i, j in ((0, 1), (0, 2), (1, 2))])
    spread = np.mean([np.linalg.norm(points[labels == k] - centroids[i], axis=1).mean() for i, k in enumerate(CLASSES)])
    return {"tightness": float(spread / sides.mean()), "regularity": float(sides.min() / sides.max()),
            "scale": float(sides.mean())}


geo = {alpha: [geometry(*projection(runs[alpha, s][0])) for s in SEEDS] for alpha in (0.0, ALPHA)}


def geo_stat(alpha, key):
    values = np.array([g[key] for g in geo[alpha]])
    return {"mean": float(values.mean()), "std": float(values.std(ddof=1)), "n": len(values)}


# %% tags=["figure:projection"]
fig, axes = plt.subplots(1, 2, figsize=(9, 4.2))
markers = {0: "o", 3: "s", 8: "^"}
colours = {0: PALETTE["blue"], 3: PALETTE["vermillion"], 8: PALETTE["green"]}
for ax, (alpha, title) in zip(axes, ((0.0, "hard labels"), (ALPHA, f"label smoothing, α = {ALPHA}"))):
    points, labels = projection(runs[alpha, 0][0])
    points = points - points.mean(axis=0)
    for k in CLASSES:
        sel = labels == k
        ax.scatter(points[sel, 0], points[sel, 1], s=12, marker=markers[k], color=colours[k], alpha=0.7,
                   linewidths=0, label=f"digit {k}")
    g = geo[alpha][0]
    ax.set_title(f"{title}\ntightness {g['tightness']:.2f} · regularity {g['regularity']:.2f} · scale {g['scale']:.1f}")
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_xlabel("plane coordinate 1")
axes[0].set_ylabel("plane coordinate 2")
axes[0].legend(fontsize=8, loc="best")
fig.suptitle("Penultimate activations of test digits 0, 3, 8 projected on the plane of their templates (seed 0)", y=1.02)
show(fig)

# %%
rows = [f"| projection ({len(SEEDS)} seeds) | hard labels | α = {ALPHA:g} |", "|---|---|---|"]
for key, note in (("tightness", "smaller = tighter"), ("regularity", "1 = equilateral"), ("scale", "centroid distance")):
    rows.append(f"| {key} ({note}) | {fmt(geo_stat(0.0, key), 2)} | {fmt(geo_stat(ALPHA, key), 2)} |")
display(Markdown("\n".join(rows)))

# %% [markdown]
# ## What this shows
#
# Computed from the runs above; "clearly" means the means differ by more than the larger
# standard deviation.

# %%
def compare(a, b, lower="lower", higher="higher"):
    margin = max(a["std"], b["std"])
    if a["mean"] < b["mean"] - margin:
        return f"clearly {lower} than"
    if a["mean"] > b["mean"] + margin:
        return f"clearly {higher} than"
    return "within the seed spread of"


gap_ls, gap_hard = final(ALPHA, "gap"), final(0.0, "gap")
loss_ls = final(ALPHA, "loss")
rel_gap = abs(gap_ls["mean"] - optimal_logit_gap(K, ALPHA)) / optimal_logit_gap(K, ALPHA)
lines = [
    f"* **Gap.** With α = {ALPHA} the mean gap ends at {fmt(gap_ls, 2)}, "
    f"{100 * rel_gap:.1f}% from the closed form {optimal_logit_gap(K, ALPHA):.2f}, and moves by {growth_ls:+.2f} over the "
    f"second half of training. With hard labels it ends at {fmt(gap_hard, 2)} and is still growing "
    f"({growth_hard:+.2f} over the second half).",
    f"* **Loss floor.** The smoothed training loss ends at {fmt(loss_ls, 4)} nats against the floor "
    f"H(y_s) = {loss_floor(K, ALPHA):.4f}; the hard-label loss heads to 0 ({fmt(final(0.0, 'loss'), 4)}).",
    f"* **Confidence.** Mean top-class probability {fmt(final(ALPHA, 'max_prob'), 4)} with smoothing "
    f"(optimum {target_prob:.4f}) and {fmt(final(0.0, 'max_prob'), 4)} without.",
    f"* **Projection.** With smoothing the clusters are {compare(geo_stat(ALPHA, 'tightness'), geo_stat(0.0, 'tightness'), 'tighter (lower)', 'looser (higher)')} "
    f"without (tightness {fmt(geo_stat(ALPHA, 'tightness'), 2)} vs {fmt(geo_stat(0.0, 'tightness'), 2)}); "
    f"the centroid triangle's regularity is {compare(geo_stat(ALPHA, 'regularity'), geo_stat(0.0, 'regularity'))} "
    f"the hard-label one ({fmt(geo_stat(ALPHA, 'regularity'), 2)} vs {fmt(geo_stat(0.0, 'regularity'), 2)}); "
    f"and its scale is {compare(geo_stat(ALPHA, 'scale'), geo_stat(0.0, 'scale'), 'smaller', 'larger')} "
    f"the hard-label one ({fmt(geo_stat(ALPHA, 'scale'), 1)} vs {fmt(geo_stat(0.0, 'scale'), 1)}).",
]
display(Markdown("\n".join(lines)))

# %% [markdown]
# The gap and loss-floor results are exact consequences of the loss (fact sheet §9), so a
# network that can fit its training set should show them at any scale; the finite-step
# numbers differ from the closed form only because training stops. The projection is an
# empirical observation of Müller et al. on large image networks (AlexNet, ResNet-56,
# Inception-v4); on a one-hidden-layer MLP with ReLU features the verdict above says how much of
# it carries over.

# %% tags=["results"]
results = {
    "data": {"dataset": "scikit-learn digits (real)", "n_train": int(len(y)), "seeds": len(SEEDS),
             "steps": STEPS, "alpha": ALPHA, "num_classes": int(K),
             "classes_projected": list(CLASSES)},
    "closed_form": {"gap": optimal_logit_gap(K, ALPHA), "loss_floor": loss_floor(K, ALPHA),
                    "max_prob": target_prob},
    "gap": {"smoothed": gap_ls, "hard": gap_hard, "smoothed_relative_error": rel_gap,
            "growth_second_half": {"smoothed": float(growth_ls), "hard": float(growth_hard)}},
    "loss": {"smoothed": loss_ls, "hard": final(0.0, "loss")},
    "max_prob": {"smoothed": final(ALPHA, "max_prob"), "hard": final(0.0, "max_prob")},
    "wrong_spread": {"smoothed": final(ALPHA, "wrong_spread"), "hard": final(0.0, "wrong_spread")},
    "projection": {key: {"hard": geo_stat(0.0, key), "smoothed": geo_stat(ALPHA, key)}
                   for key in ("tightness", "regularity", "scale")},
}
show_results(results)
