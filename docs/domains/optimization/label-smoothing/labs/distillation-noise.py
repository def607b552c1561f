# %% [markdown]
# # Lab: distillation and label noise
#
# [Download this notebook, executed](distillation-noise.ipynb) · [all labs](../) · [concept page](../../#labs)
#
# Two claims about what smoothing does to the *information* in a network's outputs:
#
# * Müller, Kornblith and Hinton (2019, §4): a teacher trained with label smoothing makes a
#   worse teacher for distillation, because smoothing erases how similar an example is to the
#   *other* classes, the very information a student learns from. On CIFAR-10 their students
#   of smoothed teachers were no better, and sometimes worse, than students trained directly
#   with smoothing.
# * Lukasik et al. (2020): under label noise smoothing is competitive with loss-correction
#   methods, and with noisy data smoothing the *teacher* can help distillation.
#
# **Data: real** digits ($K = 10$; same fixed split as the other labs), with **synthetic label
# noise** injected into the training labels only: a fraction of labels flipped uniformly to a
# different class ("symmetric" noise). Test labels are always clean. Teachers are wider
# one-hidden-layer MLPs than the students; a seed fixes the noise draw, initial weights and
# batch order. The distillation loss is the library's: $(1-\lambda)\,\mathrm{CE}(y, p_s) +
# \lambda T^2\,\mathrm{KL}(p_t^{(T)} \,\|\, p_s^{(T)})$. The settings are printed below.

# %%
import numpy as np
import matplotlib.pyplot as plt
from IPython.display import Markdown, display

from snippets.datasets import load_digits_split, symmetric_label_noise
from snippets.label_smoothing import softmax
from snippets.mlp import MLP, distillation_objective, smoothed_objective, train
from snippets.plotting import PALETTE, show, show_results, use_lab_style

use_lab_style()
data = load_digits_split(val_fraction=0.2, test_fraction=0.4, seed=0)
K = data.num_classes
x = data.x_train
SEEDS = range(3)
ALPHA = 0.1
NOISE_RATES = (0.0, 0.2, 0.4)
TEMPERATURES = (2.0, 4.0)
SOFT_WEIGHT = 0.9
TEACHER, STUDENT = (64, 128, K), (64, 16, K)
STUDENT_NOISE_RATES = (0.0, NOISE_RATES[-1])
display(Markdown(
    f"Teachers {' → '.join(map(str, TEACHER))}, students {' → '.join(map(str, STUDENT))}; "
    f"{len(SEEDS)} seeds; α = {ALPHA:g}; noise rates {', '.join(f'{r:.0%}' for r in NOISE_RATES)}; "
    f"distillation at T ∈ {{{', '.join(f'{t:g}' for t in TEMPERATURES)}}} with λ = {SOFT_WEIGHT:g}."
))


def noisy_labels(rate, seed):
    return symmetric_label_noise(data.y_train, K, rate, seed=1000 + seed)[0]


def fit(objective, sizes, seed):
    model = MLP.init(sizes, seed=seed)
    train(model, x, objective, epochs=60, batch_size=64, lr=1e-3, seed=seed)
    return model


def accuracy(model):
    return float(np.mean(model.forward(data.x_test).argmax(axis=1) == data.y_test))


def stat(values):
    values = np.asarray(values, dtype=float)
    return {"mean": float(values.mean()), "std": float(values.std(ddof=1)), "n": int(values.size)}


def fmt(s, digits=3):
    return f"{s['mean']:.{digits}f} ± {s['std']:.{digits}f}"


# %% [markdown]
# ## Label noise: training with and without smoothing
#
# Every network trains for the same fixed 60 epochs with no early stopping, long enough for
# a hard-label network to start memorising wrong labels. These hard-label and smoothed networks
# also serve as the teachers below.

# %%
teachers = {}
for rate in NOISE_RATES:
    for alpha in (0.0, ALPHA):
        for seed in SEEDS:
            labels = noisy_labels(rate, seed)
            teachers[rate, alpha, seed] = fit(smoothed_objective(labels, alpha), TEACHER, seed)
noise_acc = {(rate, alpha): stat([accuracy(teachers[rate, alpha, s]) for s in SEEDS])
             for rate in NOISE_RATES for alpha in (0.0, ALPHA)}
rows = ["| training-label noise | hard labels | α = %g | difference |" % ALPHA, "|---|---|---|---|"]
for rate in NOISE_RATES:
    a, b = noise_acc[rate, 0.0], noise_acc[rate, ALPHA]
    rows.append(f"| {rate:.0%} | {fmt(a)} | {fmt(b)} | {b['mean'] - a['mean']:+.4f} |")
display(Markdown(f"Clean test accuracy, mean ± sd over {len(SEEDS)} seeds:\n\n" + "\n".join(rows)))

# %% [markdown]
# ## How example-specific are a teacher's non-target probabilities?
#
# For a training example with (possibly noisy) label $y$, take the teacher's probabilities at
# temperature $T$ over the $K-1$ *other* classes and renormalise them to sum to 1: call this
# $q_i$, the teacher's opinion of which wrong class the example resembles. Two measures:
#
# * **Example-specificity**, $\frac{1}{N}\sum_i \mathrm{KL}(q_i \,\|\, \bar q_{y_i})$ in nats,
#   where $\bar q_c$ is the average $q$ over examples labelled $c$. It is the mutual information
#   between *which example* (within a class) and *which wrong class* the teacher points to: 0
#   when the teacher says the same thing about every example of a class, larger when its
#   non-target probabilities single out individual examples. This is the information Müller
#   et al. argue smoothing erases.
# * **Flatness**, the entropy of $q_i$ divided by $\log(K-1)$, averaged: 1 means the teacher
#   spreads the non-target mass uniformly.

# %%
def non_target(logits, labels, T):
    p = softmax(logits / T)
    q = p[~np.eye(K, dtype=bool)[labels]].reshape(len(labels), K - 1)
    return q / q.sum(axis=1, keepdims=True)


def specificity(logits, labels, T):
    q = non_target(logits, labels, T)
    kl = np.zeros(len(labels))
    for c in range(K):
        rows_c = labels == c
        kl[rows_c] = np.sum(q[rows_c] * np.log(q[rows_c] / q[rows_c].mean(axis=0)), axis=1)
    return float(kl.mean())


def flatness(logits, labels, T):
    q = non_target(logits, labels, T)
    return float(np.mean(-np.sum(q * np.log(q), axis=1)) / np.log(K - 1))


info = {}
for rate in STUDENT_NOISE_RATES:
    for alpha in (0.0, ALPHA):
        for T in (1.0, *TEMPERATURES):
            spec, flat = [], []
            for seed in SEEDS:
                z = teachers[rate, alpha, seed].forward(x)
                labels = noisy_labels(rate, seed)
                spec.append(specificity(z, labels, T))
                flat.append(flatness(z, labels, T))
            info[rate, alpha, T] = {"specificity": stat(spec), "flatness": stat(flat)}

rows = ["| noise | T | specificity, hard teacher | specificity, α = %g teacher | flatness, hard | flatness, α = %g |" % (ALPHA, ALPHA),
        "|---|---|---|---|---|---|"]
for (rate, alpha, T), v in info.items():
    if alpha == 0.0:
        w = info[rate, ALPHA, T]
        rows.append(f"| {rate:.0%} | {T:g} | {fmt(v['specificity'])} | {fmt(w['specificity'])} "
                    f"| {fmt(v['flatness'])} | {fmt(w['flatness'])} |")
display(Markdown("\n".join(rows)))

# %% [markdown]
# ## Distillation into a small student
#
# Each teacher is distilled into the small student on the same training images and (noisy)
# labels, at each distillation temperature above, with no noise and with the highest noise rate.
# For reference, the same student architecture is also trained directly, with hard labels and
# with the same $\alpha$ as the smoothed teacher. Student seeds differ from teacher seeds.

# %%
students = {}
for rate in STUDENT_NOISE_RATES:
    for seed in SEEDS:
        labels = noisy_labels(rate, seed)
        for alpha in (0.0, ALPHA):
            teacher_logits = teachers[rate, alpha, seed].forward(x)
            for T in TEMPERATURES:
                objective = distillation_objective(labels, teacher_logits, temperature=T, soft_weight=SOFT_WEIGHT)
                students.setdefault((rate, f"teacher α={alpha:g}", T), []).append(accuracy(fit(objective, STUDENT, 100 + seed)))
            direct = fit(smoothed_objective(labels, alpha), STUDENT, 100 + seed)
            students.setdefault((rate, f"direct α={alpha:g}", None), []).append(accuracy(direct))
students = {k: stat(v) for k, v in students.items()}

# %% tags=["figure:distillation"]
fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), sharey=False)
colours = [(PALETTE["vermillion"], PALETTE["blue"]), (PALETTE["orange"], PALETTE["green"])]
variants = [("direct α=0", None, "student alone, hard labels", PALETTE["grey"]),
            (f"direct α={ALPHA:g}", None, f"student alone, α = {ALPHA:g}", PALETTE["sky"])]
for T, (hard_colour, smooth_colour) in zip(TEMPERATURES, colours):
    variants += [("teacher α=0", T, f"from hard teacher, T = {T:g}", hard_colour),
                 (f"teacher α={ALPHA:g}", T, f"from α = {ALPHA:g} teacher, T = {T:g}", smooth_colour)]
for ax, rate in zip(axes, STUDENT_NOISE_RATES):
    for i, (name, T, label, colour) in enumerate(variants):
        s = students[rate, name, T]
        # Points, not bars: the y axis does not start at 0, and bar lengths would mislead.
        ax.errorbar(i, s["mean"], yerr=s["std"], color=colour, marker="o", markersize=7, capsize=4,
                    linewidth=1.6, label=label)
    lo = min(students[rate, n, T]["mean"] - students[rate, n, T]["std"] for n, T, _, _ in variants)
    hi = max(students[rate, n, T]["mean"] + students[rate, n, T]["std"] for n, T, _, _ in variants)
    ax.set_ylim(lo - 0.02, min(1.0, hi + 0.01))
    ax.set_xticks([])
    ax.set_xlim(-0.6, len(variants) - 0.4)
    ax.set_title(f"{rate:.0%} training-label noise")
    ax.set_ylabel("student clean test accuracy")
axes[1].legend(fontsize=7.5, loc="upper left", bbox_to_anchor=(1.0, 1.0))
fig.suptitle(f"{STUDENT[1]}-unit students on digits: mean ± sd over {len(SEEDS)} seeds", y=1.02)
show(fig)

# %%
rows = ["| student | " + " | ".join(f"{r:.0%} noise" for r in STUDENT_NOISE_RATES) + " |", "|---|---|---|"]
for name, T, label, _ in variants:
    rows.append(f"| {label} | " + " | ".join(fmt(students[r, name, T]) for r in STUDENT_NOISE_RATES) + " |")
display(Markdown("\n".join(rows)))

# %% [markdown]
# ## What this shows
#
# Computed from the runs above; "clearly" means the means differ by more than the larger
# standard deviation, otherwise the difference is within the seed spread.

# %%
def compare(a, b):
    margin = max(a["std"], b["std"])
    if a["mean"] > b["mean"] + margin:
        return "clearly higher than"
    if a["mean"] < b["mean"] - margin:
        return "clearly lower than"
    return "within the seed spread of"


lines = []
for rate in NOISE_RATES:
    a, b = noise_acc[rate, 0.0], noise_acc[rate, ALPHA]
    lines.append(f"* **{rate:.0%} noise.** Smoothing's clean test accuracy {fmt(b)} is {compare(b, a)} "
                 f"hard labels' {fmt(a)}.")
for T in (1.0, *TEMPERATURES):
    h, s = info[0.0, 0.0, T]["specificity"], info[0.0, ALPHA, T]["specificity"]
    lines.append(f"* **Teacher information, T = {T:g}, clean labels.** Example-specificity of the smoothed "
                 f"teacher {fmt(s)} nats is {compare(s, h)} the hard teacher's {fmt(h)}.")
for rate in STUDENT_NOISE_RATES:
    for T in TEMPERATURES:
        h, s = students[rate, "teacher α=0", T], students[rate, f"teacher α={ALPHA:g}", T]
        d = students[rate, f"direct α={ALPHA:g}", None]
        lines.append(f"* **Students, {rate:.0%} noise, T = {T:g}.** The smoothed teacher's student scores {fmt(s)}: "
                     f"{compare(s, h)} the hard teacher's student ({fmt(h)}), and {compare(s, d)} the student "
                     f"trained directly with α = {ALPHA} ({fmt(d)}).")
display(Markdown("\n".join(lines)))

# %% [markdown]
# **Against the papers.** The information measure is the part of Müller et al.'s §4 argument
# that is a property of the loss: a smoothed teacher's non-target probabilities are pulled
# towards $\alpha/K$ for every example, so they are flatter and less specific to the example;
# the verdicts above report whether that holds here. Whether the lost information *matters* to
# a student is an empirical question that depends on the architecture, temperature and data;
# on digits with a small student the student verdicts above answer it for this setting only,
# and where they disagree with Müller et al.'s CIFAR-10 result (ResNet-56 teacher, AlexNet
# student) that is a finding about this scale, not a refutation. Later work also found
# settings where smoothed teachers transfer well, e.g. with a low distillation temperature
# (Chandrasegaran et al., ICML 2022). For label noise, Lukasik et al. (2020) report that
# smoothing is competitive with loss correction under noise and can help distillation from
# noisy data; Wei et al. (ICML 2022) find that its advantage vanishes at high noise rates. The
# noise verdicts above show which of these patterns this small experiment follows.

# %% tags=["results"]
results = {
    "data": {"dataset": "scikit-learn digits (real) with synthetic symmetric label noise",
             "n_train": int(len(data.y_train)), "seeds": len(SEEDS), "alpha": ALPHA,
             "temperatures": list(TEMPERATURES), "soft_weight": SOFT_WEIGHT,
             "teacher": list(TEACHER), "student": list(STUDENT)},
    "noise": {f"{rate:g}": {"hard": noise_acc[rate, 0.0], "smoothed": noise_acc[rate, ALPHA]} for rate in NOISE_RATES},
    "specificity": {f"{rate:g}": {f"T={T:g}": {"hard": info[rate, 0.0, T]["specificity"],
                                                "smoothed": info[rate, ALPHA, T]["specificity"]}
                                   for T in (1.0, *TEMPERATURES)} for rate in STUDENT_NOISE_RATES},
    "flatness": {f"{rate:g}": {f"T={T:g}": {"hard": info[rate, 0.0, T]["flatness"],
                                             "smoothed": info[rate, ALPHA, T]["flatness"]}
                                for T in (1.0, *TEMPERATURES)} for rate in STUDENT_NOISE_RATES},
    "students": {f"{rate:g}": {
        **{f"teacher_hard_T={T:g}": students[rate, "teacher α=0", T] for T in TEMPERATURES},
        **{f"teacher_smoothed_T={T:g}": students[rate, f"teacher α={ALPHA:g}", T] for T in TEMPERATURES},
        "direct_hard": students[rate, "direct α=0", None],
        "direct_smoothed": students[rate, f"direct α={ALPHA:g}", None],
    } for rate in STUDENT_NOISE_RATES},
}
show_results(results)
