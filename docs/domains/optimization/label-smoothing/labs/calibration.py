# %% [markdown]
# # Lab: does label smoothing calibrate?
#
# [Download this lab](calibration.zip) (the executed notebook, the `snippets/` it imports, exact pins) · [all labs](../) · [the evidence](../../evidence/)
#
# **What it asks.** Müller, Kornblith and Hinton (2019, §3, Table 3) found that label smoothing
# lowers the expected calibration error (ECE) of over-confident networks about as well as
# temperature scaling does: on CIFAR-100 with ResNet-56 the ECE fell from 0.150 to 0.024 with
# $\alpha = 0.05$, against 0.021 for temperature scaling with $T = 1.9$. Does that hold for small
# networks on real data, and what does smoothing do to a model that is *not* over-confident?
#
# **Data: real.** scikit-learn's bundled handwritten digits (1,797 8×8 images, $K = 10$),
# split once, stratified, into a training pool (40%), a validation split (20%, used only to
# fit the temperature and to choose $\alpha$) and a test split (40%, used only to report).
# **Models:** one-hidden-layer NumPy MLPs trained with the library's smoothed loss
# (`snippets/mlp.py`). **Design:** a seed fixes the training subset, the initial weights and
# the batch order, and every $\alpha$ is trained on every seed, so each comparison is paired by
# seed: the mean difference, its 95 % confidence interval (paired t) and the number of seeds n.
# The seeds vary training only: every seed is scored on the same fixed split and test set.
# ECE uses 15 equal-width bins of top-label confidence, as Guo et al. (2017) and Müller et al.'s
# Fig. 2 do. Binned ECE on a test set this small is biased and depends on the bins (Kumar, Liang
# and Ma 2019), so the Brier score, which needs no bins, and the test NLL are reported beside it.

# %% tags=["fold"]
import time

import numpy as np
import matplotlib.pyplot as plt
from IPython.display import Markdown, display, update_display

from snippets.calibration import brier_score, expected_calibration_error, fit_temperature, reliability_diagram
from snippets.datasets import load_digits_split, subsample_per_class
from snippets.label_smoothing import smoothed_cross_entropy, softmax
from snippets.mlp import MLP, smoothed_objective, train
from snippets.plotting import run_color, run_label, show_figure, show_results
from snippets.stats import Findings

started = time.perf_counter()
data = load_digits_split(val_fraction=0.2, test_fraction=0.4, seed=0)
K = data.num_classes
SEEDS = range(8)
ALPHAS = [0.0, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2]  # 0 is in the grid α is chosen from
N_BINS = 15

# %% [markdown]
# ## What it found

# %% tags=["prose"]
display(Markdown("*The findings appear here once the lab has run; they are computed at the end.*"),
        display_id="findings")

# %% [markdown]
# ## Two training regimes
#
# A network is over-confident when its confidence runs ahead of its accuracy. That needs a
# model that can fit its training set perfectly but generalises imperfectly: we take only a
# few **images per class** and train full-batch long after the training error reaches zero.
# As a contrast we also train on the **whole training pool**, where the hard-label model
# generalises far better.

# %%
REGIMES = {
    "small": dict(per_class=8, sizes=(64, 128, K), epochs=600, batch_size=None, lr=3e-3, alphas=ALPHAS),
    "full": dict(per_class=None, sizes=(64, 128, K), epochs=150, batch_size=128, lr=1e-3, alphas=[0.0, 0.1]),
}


def fit(regime: str, alpha: float, seed: int) -> MLP:
    cfg = REGIMES[regime]
    if cfg["per_class"] is None:
        idx = np.arange(len(data.y_train))
    else:
        idx = subsample_per_class(data.y_train, cfg["per_class"], seed=seed)
    model = MLP.init(cfg["sizes"], seed=seed)
    train(model, data.x_train[idx], smoothed_objective(data.y_train[idx], alpha),
          epochs=cfg["epochs"], batch_size=cfg["batch_size"], lr=cfg["lr"], seed=seed)
    return model


def evaluate(logits: np.ndarray, labels: np.ndarray) -> dict:
    probs = softmax(logits)
    return {
        "accuracy": float(np.mean(probs.argmax(axis=1) == labels)),
        "nll": float(smoothed_cross_entropy(logits, labels)),  # alpha = 0: plain test NLL
        "ece": expected_calibration_error(probs, labels, n_bins=N_BINS),
        "brier": brier_score(probs, labels),
        "confidence": float(probs.max(axis=1).mean()),
    }


runs = {}  # (regime, alpha, seed) -> record
for regime, cfg in REGIMES.items():
    for alpha in cfg["alphas"]:
        for seed in SEEDS:
            model = fit(regime, alpha, seed)
            z_val, z_test = model.forward(data.x_val), model.forward(data.x_test)
            # Temperature scaling (Guo et al. 2017): one T fitted by NLL on the validation split.
            T = fit_temperature(z_val, data.y_val)
            runs[regime, alpha, seed] = {
                "T": T,
                "test": evaluate(z_test, data.y_test),
                "test_ts": evaluate(z_test / T, data.y_test),
                "val_ece": expected_calibration_error(softmax(z_val), data.y_val, n_bins=N_BINS),
                "z_test": z_test,
            }

# %% tags=["prose"]
small, full = REGIMES["small"], REGIMES["full"]
display(Markdown(
    f"Over-confident regime: **{small['per_class']} images per class** ({small['per_class'] * K} in all), "
    f"a {small['sizes'][1]}-unit hidden layer, {small['epochs']} full-batch Adam steps, α ∈ "
    f"{{{', '.join(f'{a:g}' for a in ALPHAS)}}}. Contrast: the **whole training pool** ({len(data.y_train)} "
    f"images), {full['epochs']} epochs in batches of {full['batch_size']}, α ∈ {{0, 0.1}}. "
    f"{len(SEEDS)} seeds each: {len(runs)} networks. Validation {len(data.y_val)} images, test {len(data.y_test)}."
))


# %% [markdown]
# ## Choosing α on the validation split
#
# α is chosen by the mean validation ECE over seeds, from a grid that includes α = 0 (no
# smoothing), never on the test split we report.

# %% tags=["fold"]
def values(regime, alpha, key, metric=None):
    """Per-seed values in seed order: runs[...][key][metric], or runs[...][key] if metric is None."""
    return [runs[regime, alpha, s][key] if metric is None else runs[regime, alpha, s][key][metric] for s in SEEDS]


val_ece = {a: float(np.mean(values("small", a, "val_ece"))) for a in ALPHAS}
best_alpha = min(val_ece, key=val_ece.get)
positive = [a for a in ALPHAS if a > 0]
at_edge = best_alpha == positive[0]

findings = Findings()
for metric, digits in (("ece", 3), ("brier", 3), ("nll", 3), ("confidence", 3), ("temperature", 2)):
    findings.metric(metric, digits=digits, unit="nats" if metric == "nll" else "")
findings.metric("accuracy", digits=4, count_of=len(data.y_test), items="test images")
for metric in ("ece", "brier", "accuracy", "nll", "confidence"):
    findings.add(metric, "baseline", values("small", 0.0, "test", metric))
    findings.add(metric, "temperature_scaled", values("small", 0.0, "test_ts", metric))
    for a in positive:
        findings.add(metric, f"alpha_{a:g}", values("small", a, "test", metric))
    if best_alpha > 0:
        findings.add(metric, "best_alpha", values("small", best_alpha, "test", metric))
    findings.add(metric, "full_baseline", values("full", 0.0, "test", metric))
    findings.add(metric, "full_temperature_scaled", values("full", 0.0, "test_ts", metric))
    findings.add(metric, "full_alpha_0.1", values("full", 0.1, "test", metric))
findings.add("temperature", "baseline", values("small", 0.0, "T"))
for a in positive:
    findings.add("temperature", f"alpha_{a:g}", values("small", a, "T"))
findings.add("temperature", "full_baseline", values("full", 0.0, "T"))
findings.add("temperature", "full_alpha_0.1", values("full", 0.1, "T"))
if best_alpha > 0:
    findings.add("temperature", "best_alpha", values("small", best_alpha, "T"))
best = "best_alpha" if best_alpha > 0 else "baseline"

# %% tags=["prose"]
rows = ["| α | mean validation ECE |", "|---|---|"]
rows += [f"| {a:g}{' (chosen)' if a == best_alpha else ''} | {v:.4f} |" for a, v in val_ece.items()]
if best_alpha == 0:
    note = "No α > 0 lowered the mean validation ECE: on validation, smoothing did not help."
elif at_edge:
    note = (f"The chosen α = {best_alpha:g} is the smallest positive value in the grid, so the best α may lie "
            f"anywhere between 0 and the next grid value {positive[1]:g}; the grid does not resolve it.")
else:
    note = f"The chosen α = {best_alpha:g} lies inside the grid, with smaller and larger values doing worse on validation."
display(Markdown("\n".join(rows) + "\n\n" + note))

# %% [markdown]
# ## The over-confident regime: reliability diagrams
#
# Each diagram pools the test predictions of all seeds into 15 equal-width bins of top-label
# confidence. Bars are the accuracy in each bin; the diagonal is perfect calibration, so a bar
# *below* the diagonal means the model was more confident than it was right. The grey bars
# underneath show how many predictions fall in each bin.

# %% tags=["figure:reliability", "fold"]
def pooled(regime, alpha, temperature_scaled=False):
    logits = np.concatenate([runs[regime, alpha, s]["z_test"] / (runs[regime, alpha, s]["T"] if temperature_scaled else 1.0)
                             for s in SEEDS])
    return softmax(logits), np.concatenate([data.y_test] * len(SEEDS))


# Grouped by run, named as the overview's widget names them: (run, panel title, predictions, findings arm).
PANELS = [
    ("hard", "as trained", pooled("small", 0.0), "baseline"),
    ("hard", "temperature-scaled", pooled("small", 0.0, True), "temperature_scaled"),
    ("smoothed", f"α = {best_alpha:g}, chosen", pooled("small", best_alpha), best),
    ("smoothed", "α = 0.1", pooled("small", 0.1), "alpha_0.1"),
]


def draw_reliability(variant):
    c = variant.colors
    fig = plt.figure(figsize=variant.figsize(6.3 if variant.phone else 3.1))
    # one group of two panels per run, side by side on a desk and stacked on a phone
    groups = fig.subfigures(2, 1) if variant.phone else fig.subfigures(1, 2, wspace=0.02)
    axes = []
    for group, run in zip(groups, ("hard", "smoothed")):
        group.suptitle(run_label(run), color=run_color(run, variant.scheme), fontsize=10, fontweight="bold")
        axes += list(group.subplots(1, 2, sharex=True, sharey=True))
    for i, (ax, (_, title, (probs, labels), arm)) in enumerate(zip(axes, PANELS)):
        diagram = reliability_diagram(probs, labels, n_bins=N_BINS)
        width = np.diff(diagram.edges)
        filled = diagram.count > 0
        ax.bar(diagram.edges[:-1], diagram.count / diagram.count.sum(), width=width, align="edge",
               color=c["fill"], label="share of predictions")
        ax.bar(diagram.edges[:-1][filled], diagram.accuracy[filled], width=width[filled], align="edge",
               fill=False, edgecolor=c["green"], linewidth=1.2, label="accuracy in bin")
        ax.plot([0, 1], [0, 1], color=c["reference"], linestyle="--", linewidth=1.2, label="perfect calibration")
        if variant.phone:   # the phone's narrower panel
            title = title.replace("temperature-scaled", "temp. scaled")
        ax.set_title(f"{title}\nECE {findings.arm('ece', arm).mean:.3f}")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_xticks([0, 0.5, 1])
        ax.set_xticklabels(["0", "0.5", "1"])
        ax.set_xlabel("confidence")
        if i % 2 == 0:
            ax.set_ylabel("accuracy")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=1 if variant.phone else 3)
    return fig


show_figure(draw_reliability, alt=(
    f"Four {N_BINS}-bin reliability diagrams of the {small['per_class']}-images-per-class models, test predictions "
    f"of {len(SEEDS)} seeds pooled. Hard labels (ECE {findings.arm('ece', 'baseline').mean:.3f}): accuracy bars "
    f"below the diagonal at high confidence, an over-confident model. Temperature scaling "
    f"(ECE {findings.arm('ece', 'temperature_scaled').mean:.3f}) and α = {best_alpha:g} chosen on validation "
    f"(ECE {findings.arm('ece', best).mean:.3f}) bring the bars towards the diagonal. α = 0.1 "
    f"(ECE {findings.arm('ece', 'alpha_0.1').mean:.3f}) puts them above it: under-confident."
))

# %% [markdown]
# **Takeaway.** The hard-label model's bars sit below the diagonal (over-confident); temperature
# scaling and the α chosen on validation bring them towards it, and α = 0.1 lifts them above it.

# %% [markdown]
# ## ECE against α
#
# The same comparison over the whole grid, with the whole-pool models for contrast. The band is
# temperature scaling of the hard-label models (mean ± one standard deviation over seeds).

# %% tags=["figure:ece-vs-alpha", "fold"]
ALPHA_LINEAR_BELOW = 0.002  # the α axis is logarithmic above this and linear below it, so α = 0 fits


def draw_ece_vs_alpha(variant):
    c = variant.colors
    fig, ax = plt.subplots(figsize=variant.figsize(4.2 if variant.phone else 3.3))
    arms = ["baseline"] + [f"alpha_{a:g}" for a in positive]
    means = [findings.arm("ece", arm).mean for arm in arms]
    sds = [findings.arm("ece", arm).sd for arm in arms]
    ax.errorbar(ALPHAS, means, yerr=sds, marker="o", markersize=4, capsize=3, color=c["blue"],
                label=f"{small['per_class']} images per class")
    full_arms = ("full_baseline", "full_alpha_0.1")
    ax.errorbar([0.0, 0.1], [findings.arm("ece", a).mean for a in full_arms],
                yerr=[findings.arm("ece", a).sd for a in full_arms], marker="s", markersize=4, capsize=3,
                color=c["green"], linestyle="none", label=f"all {len(data.y_train)} images")
    ts = findings.arm("ece", "temperature_scaled")
    ax.axhspan(ts.mean - ts.sd, ts.mean + ts.sd, color=c["orange"], alpha=0.3, linewidth=0)
    ax.axhline(ts.mean, color=c["orange"], linewidth=1.2, label="temperature scaling, α = 0")
    ax.set_xscale("symlog", linthresh=ALPHA_LINEAR_BELOW, linscale=0.5)
    ticks = [0, 0.005, 0.02, 0.1] if variant.phone else ALPHAS
    ax.set_xticks(ticks)
    ax.set_xticklabels([f"{a:g}" for a in ticks])
    ax.minorticks_off()
    ax.set_xlim(-0.0004, 0.26)
    scale = f"log axis, linear below {ALPHA_LINEAR_BELOW:g}"
    ax.set_xlabel(f"α ({scale})" if variant.phone else f"label smoothing α ({scale})")
    ax.set_ylabel(f"test ECE ({N_BINS} bins)")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left")
    return fig


show_figure(draw_ece_vs_alpha, alt=(
    f"Test ECE against α (log axis, linear below {ALPHA_LINEAR_BELOW:g}), mean ± sd over {len(SEEDS)} seeds. With {small['per_class']} images "
    f"per class ECE falls from {findings.arm('ece', 'baseline').mean:.3f} at α = 0 to its lowest, "
    f"{min(findings.arm('ece', f'alpha_{a:g}').mean for a in positive):.3f}, at small α and rises to "
    f"{findings.arm('ece', 'alpha_0.2').mean:.3f} at α = 0.2; a band marks temperature scaling at "
    f"{findings.arm('ece', 'temperature_scaled').mean:.3f}. Trained on all {len(data.y_train)} images, the hard-label "
    f"model starts at {findings.arm('ece', 'full_baseline').mean:.3f} and α = 0.1 raises it to "
    f"{findings.arm('ece', 'full_alpha_0.1').mean:.3f}."
))

# %% [markdown]
# **Takeaway.** A little smoothing lowers ECE on the over-confident small-data models; more keeps
# lowering confidence past accuracy, and ECE rises again.

# %% [markdown]
# ## The numbers
#
# Test split, mean ± standard deviation over seeds. The Brier score is the mean over test images
# of $\sum_k (p_k - [k = y])^2$: 0 for certain, correct predictions, and no bins. The fitted
# temperature is fitted on the validation split: $T > 1$ means the model was over-confident (it
# needs softening), $T < 1$ under-confident. The last column is the paired difference in ECE from
# the hard-label model of the same regime, with its 95 % interval (the verdicts, after the
# adjustment for multiplicity, are in the findings below).

# %% tags=["prose"]
def row(label, arm, T_arm, against):
    T = findings.estimate("temperature", T_arm) if T_arm else "(1 after scaling)"
    diff = findings.interval("ece", arm, against) if arm != against else "—"
    return (f"| {label} | {findings.estimate('accuracy', arm)} | {findings.estimate('nll', arm)} "
            f"| {findings.estimate('brier', arm)} | {findings.estimate('ece', arm)} "
            f"| {findings.estimate('confidence', arm)} | {T} | {diff} |")


for arm in ["temperature_scaled", *[f"alpha_{a:g}" for a in positive]]:
    findings.compare("ece", arm, "baseline")
for arm in ("full_temperature_scaled", "full_alpha_0.1"):
    findings.compare("ece", arm, "full_baseline")
rows = ["| model | accuracy | test NLL (nats) | Brier | ECE | mean confidence | fitted T | ECE − hard labels |",
        "|---|---|---|---|---|---|---|---|",
        row(f"{small['per_class']} per class, α = 0", "baseline", "baseline", "baseline"),
        row("  + temperature scaling", "temperature_scaled", None, "baseline")]
rows += [row(f"{small['per_class']} per class, α = {a:g}", f"alpha_{a:g}", f"alpha_{a:g}", "baseline") for a in positive]
rows += [row("whole pool, α = 0", "full_baseline", "full_baseline", "full_baseline"),
         row("  + temperature scaling", "full_temperature_scaled", None, "full_baseline"),
         row("whole pool, α = 0.1", "full_alpha_0.1", "full_alpha_0.1", "full_baseline")]
display(Markdown("\n".join(rows)))

# %% [markdown]
# ## Findings
#
# Each verdict is computed from the paired 95 % interval over seeds and the p-value adjusted for
# the number of comparisons this lab makes; the first line below states the rule. Nothing below
# is typed in.

# %% tags=["prose"]
findings.compare_to("temperature", "baseline", 1.0, "1")
findings.compare_to("temperature", "full_baseline", 1.0, "1")
findings.compare_to("temperature", "alpha_0.1", 1.0, "1")
findings.compare_to("temperature", "full_alpha_0.1", 1.0, "1")
if best_alpha > 0:
    findings.compare_to("temperature", "best_alpha", 1.0, "1")
    findings.compare("ece", "best_alpha", "baseline")
    findings.compare("ece", "best_alpha", "temperature_scaled")
    findings.compare("accuracy", "best_alpha", "baseline")
    findings.compare("nll", "best_alpha", "baseline")
    findings.compare("brier", "best_alpha", "baseline")
    findings.compare("brier", "best_alpha", "temperature_scaled")
findings.compare("nll", "temperature_scaled", "baseline")
findings.compare("nll", "alpha_0.1", "baseline")
findings.compare("accuracy", "alpha_0.1", "baseline")
findings.compare("accuracy", "full_alpha_0.1", "full_baseline")
for arm, against in (("temperature_scaled", "baseline"), ("alpha_0.1", "baseline"), ("full_alpha_0.1", "full_baseline")):
    findings.compare("brier", arm, against)
findings.adjust()  # every comparison the lab reports is recorded: the family is closed
confidence_words = dict(higher="above 1: over-confident", lower="below 1: under-confident",
                        null="not detectably different from 1")
accuracy_moved = max(abs(a - b) for a, b in zip(findings.arm("accuracy", "temperature_scaled").values,
                                                  findings.arm("accuracy", "baseline").values))
lines = [
    findings.rule(),
    "",
    f"* **Over-confident baseline.** With {small['per_class']} images per class the hard-label model's test ECE is "
    f"{findings.estimate('ece', 'baseline')}; its fitted temperature, {findings.estimate('temperature', 'baseline')}, "
    f"is {findings.describe('temperature', 'baseline', '1', **confidence_words)}.",
    f"* **Temperature scaling** against the baseline: ECE {findings.describe('ece', 'temperature_scaled', 'baseline')}, "
    f"Brier score {findings.describe('brier', 'temperature_scaled', 'baseline')}, "
    f"test NLL {findings.describe('nll', 'temperature_scaled', 'baseline')}; "
    + ("accuracy is unchanged on every seed" if accuracy_moved == 0 else f"accuracy moved by at most {accuracy_moved:.4f}")
    + " (dividing by T cannot move the arg-max).",
]
if best_alpha > 0:
    left_over = {1: " Some over-confidence is left.", -1: " It overshoots into under-confidence.", 0: ""}
    lines += [
        f"* **Label smoothing at the α chosen on validation ({best_alpha:g}"
        f"{', the smallest α > 0 in the grid' if at_edge else ''}).** Against the baseline: ECE "
        f"{findings.describe('ece', 'best_alpha', 'baseline')}, accuracy {findings.describe('accuracy', 'best_alpha', 'baseline')}, "
        f"Brier score {findings.describe('brier', 'best_alpha', 'baseline')}, "
        f"test NLL {findings.describe('nll', 'best_alpha', 'baseline')}. Against temperature scaling: ECE "
        f"{findings.describe('ece', 'best_alpha', 'temperature_scaled')}, Brier score "
        f"{findings.describe('brier', 'best_alpha', 'temperature_scaled')}. Its own fitted T, "
        f"{findings.estimate('temperature', 'best_alpha')}, is "
        f"{findings.describe('temperature', 'best_alpha', '1', **confidence_words)}."
        + left_over[findings.direction('temperature', 'best_alpha', '1')],
    ]
else:
    lines.append("* **Label smoothing** did not lower the validation ECE at any α in the grid.")
lines += [
    f"* **Overshoot.** At α = 0.1 the fitted temperature, {findings.estimate('temperature', 'alpha_0.1')}, is "
    f"{findings.describe('temperature', 'alpha_0.1', '1', **confidence_words)}. Against the baseline: ECE "
    f"{findings.describe('ece', 'alpha_0.1', 'baseline')}, Brier score {findings.describe('brier', 'alpha_0.1', 'baseline')}, "
    f"accuracy {findings.describe('accuracy', 'alpha_0.1', 'baseline')}, "
    f"test NLL {findings.describe('nll', 'alpha_0.1', 'baseline')}.",
    f"* **A baseline that is not over-confident.** Trained on all {len(data.y_train)} images, the hard-label model has "
    f"a low ECE, {findings.estimate('ece', 'full_baseline')}, but its fitted temperature, "
    f"{findings.estimate('temperature', 'full_baseline')}, is {findings.describe('temperature', 'full_baseline', '1', **confidence_words)}: "
    f"it is not near-calibrated but already under-confident. α = 0.1 against it: ECE "
    f"{findings.describe('ece', 'full_alpha_0.1', 'full_baseline')} (fitted T {findings.estimate('temperature', 'full_alpha_0.1')}), "
    f"Brier score {findings.describe('brier', 'full_alpha_0.1', 'full_baseline')}, "
    f"accuracy {findings.describe('accuracy', 'full_alpha_0.1', 'full_baseline')}.",
]
display(Markdown("\n".join(lines)))

# %% [markdown]
# **Against Müller et al. (2019), Table 3.** Their claim is qualitative: on over-confident
# networks, label smoothing reduces ECE about as much as temperature scaling (CIFAR-100 /
# ResNet-56: 0.150 → 0.024 with $\alpha = 0.05$, against 0.021 with $T = 1.9$; the paper does not
# state the number of bins behind Table 3). The paragraph below, computed from the runs, says how
# the scale differs.

# %% tags=["prose"]
PAPER_ALPHAS = (0.05, 0.1)  # Müller et al. (2019) Table 3: alpha 0.05 (CIFAR-100), 0.1 (ImageNet, EN-DE)
PAPER_BASELINE_ECE = 0.150  # their most over-confident baseline (CIFAR-100/ResNet-56)
base_ece = findings.arm("ece", "baseline").mean
n_small = small["per_class"] * K
severity = ("mild next to" if base_ece < PAPER_BASELINE_ECE / 2 else "comparable to")
where = ("below" if best_alpha < PAPER_ALPHAS[0] else "within" if best_alpha <= PAPER_ALPHAS[1] else "above")
display(Markdown(
    f"The over-confidence of an {n_small}-image digits model (ECE {base_ece:.3f}) is {severity} that of a ResNet-56 "
    f"on CIFAR-100 ({PAPER_BASELINE_ECE:.3f}), and the α chosen on validation, {best_alpha:g}, is {where} the "
    f"{PAPER_ALPHAS[0]:g}–{PAPER_ALPHAS[1]:g} used in the paper. α must be chosen before training (here on a "
    "validation split), whereas temperature scaling is fitted afterwards and leaves the model itself unchanged. "
    "Müller et al. do not report a baseline that is already calibrated or under-confident; the whole-pool regime "
    "here is that case, and the last finding above says what smoothing did to it."
))

# %% tags=["prose"]
elapsed = time.perf_counter() - started
summary = [
    f"Paired over {len(SEEDS)} seeds, which vary training only (one fixed split; the same {len(data.y_test)} test "
    f"images), 95 % intervals, verdicts adjusted for the lab's {findings.family_size} comparisons (test ECE, "
    f"{N_BINS} bins; Brier score, no bins):",
    f"* the {n_small}-image hard-label model has ECE {findings.estimate('ece', 'baseline')} and a fitted T of "
    f"{findings.estimate('temperature', 'baseline')}, {findings.verdict('temperature', 'baseline', '1', **confidence_words)};",
    f"* temperature scaling against it: ECE {findings.describe('ece', 'temperature_scaled', 'baseline')}; "
    f"Brier score {findings.describe('brier', 'temperature_scaled', 'baseline')};",
]
if best_alpha > 0:
    summary.append(
        f"* smoothing at α = {best_alpha:g} (chosen on validation{'; the smallest α > 0 in the grid' if at_edge else ''}) "
        f"against it: ECE {findings.describe('ece', 'best_alpha', 'baseline')}, Brier score "
        f"{findings.describe('brier', 'best_alpha', 'baseline')}; against temperature scaling: ECE "
        f"{findings.describe('ece', 'best_alpha', 'temperature_scaled')}, Brier score "
        f"{findings.describe('brier', 'best_alpha', 'temperature_scaled')};")
summary += [
    f"* α = 0.1 gives a fitted T of {findings.estimate('temperature', 'alpha_0.1')} "
    f"({findings.verdict('temperature', 'alpha_0.1', '1', **confidence_words)}); against the hard-label model: ECE "
    f"{findings.describe('ece', 'alpha_0.1', 'baseline')}, Brier score {findings.describe('brier', 'alpha_0.1', 'baseline')};",
    f"* the whole-pool hard-label model has ECE {findings.estimate('ece', 'full_baseline')} but a fitted T of "
    f"{findings.estimate('temperature', 'full_baseline')} ({findings.verdict('temperature', 'full_baseline', '1', **confidence_words)}); "
    f"α = 0.1 against it: ECE {findings.describe('ece', 'full_alpha_0.1', 'full_baseline')}, Brier score "
    f"{findings.describe('brier', 'full_alpha_0.1', 'full_baseline')}, accuracy "
    f"{findings.describe('accuracy', 'full_alpha_0.1', 'full_baseline')}.",
    "",
    f"Running time: {elapsed:.0f} s when this page was built (one BLAS thread). Details: [Findings](#findings).",
]
update_display(Markdown("\n".join(summary)), display_id="findings")

# %% [markdown]
# ## What this does not show
#
# * That smoothing calibrates *large* networks: the over-confidence of an 80-image digits model is
#   produced by memorising a tiny training set, not by the depth and width that make modern image
#   networks over-confident (Guo et al. 2017).
# * A rule for choosing α: the best α here is specific to this model, data and training length,
#   and it was chosen by ECE, which is not what a practitioner would tune α for.
# * Anything about ECE's own error: a 15-bin ECE on 719 test images is a noisy, biased estimate of
#   the calibration error (Kumar, Liang and Ma 2019), which is why the Brier score stands beside
#   it. Every interval covers seed-to-seed variation of training only: the split and the test
#   images are the same for every seed, so test-set sampling is not in it.
# * Whether the under-confidence that α = 0.1 causes matters for a downstream decision; only
#   ECE, the Brier score, NLL and the fitted temperature are measured.

# %% tags=["results"]
results = {
    "data": {
        "dataset": "scikit-learn digits (real)",
        "train_per_class": small["per_class"],
        "n_train_small": small["per_class"] * K,
        "n_train_full": int(len(data.y_train)),
        "n_val": int(len(data.y_val)),
        "n_test": int(len(data.y_test)),
        "seeds": len(SEEDS),
        "seeds_full": len(SEEDS),
        "hidden_units": small["sizes"][1],
        "n_bins": N_BINS,
    },
    "alphas": ALPHAS,
    "alpha_axis_linear_below": ALPHA_LINEAR_BELOW,  # the ECE-against-α figure's axis (its captions say so)
    "best_alpha": best_alpha,
    "best_alpha_at_grid_edge": at_edge,
    "best_alpha_description": (f"{best_alpha:g}, chosen on validation from a grid that includes 0"
                               + ("; the smallest α > 0 in the grid, so the best α may lie below it" if at_edge else "")),
    "validation_ece": {f"{a:g}": v for a, v in val_ece.items()},
    "findings": findings.to_dict(),
    "seconds": round(elapsed, 1),
}

show_results(results)

# %% [markdown]
# ## Try it
#
# Download the lab, make one change, predict, then run it.
#
# * **Smooth harder.** Add `0.3` to `ALPHAS`. Predict first: is the fitted temperature at
#   α = 0.3 above 1 or below, and above or below the one at α = 0.2? Run: it is below 1 on
#   every seed, and lower than at α = 0.2, so the model is under-confident and more so.
# * **Then scale it back.** Still with α = 0.3, compare its test ECE before and after
#   temperature scaling (`runs["small", 0.3, seed]`, keys `"test"` and `"test_ts"`). Predict:
#   can dividing by a T below 1 repair over-smoothing? Run: the ECE after scaling is lower on
#   every seed.
