"""snippets/gap_figures.py: the math page's figures draw what the closed forms say."""

import numpy as np
import pytest

from snippets.gap_figures import FIGURES, loss_along_gap
from snippets.label_smoothing import loss_floor, optimal_logit_gap
from snippets.plotting import VARIANTS, figure_variants, run_color


@pytest.mark.parametrize("num_classes", [2, 3, 10, 1000])
@pytest.mark.parametrize("alpha", [0.0, 0.01, 0.1, 0.5, 1.0])
def test_loss_along_gap_matches_the_formula_written_out(num_classes, alpha):
    gaps = np.r_[-30.0, np.linspace(-3, 40, 50), 700.0]
    # log p for logits [g, 0, ..., 0], written without cancellation
    log_p_true = -np.log1p((num_classes - 1) * np.exp(-gaps))
    log_p_wrong = log_p_true - gaps
    true_target = 1 - alpha + alpha / num_classes
    expected = -(true_target * log_p_true + (1 - true_target) * log_p_wrong)
    assert np.allclose(loss_along_gap(gaps, num_classes, alpha), expected, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(("num_classes", "alpha"), [(3, 0.1), (10, 0.1), (10, 0.3), (1000, 0.05)])
def test_the_smoothed_loss_is_lowest_at_the_optimal_gap_and_equals_the_floor(num_classes, alpha):
    best = optimal_logit_gap(num_classes, alpha)
    gaps = np.linspace(best - 3, best + 3, 6001)
    losses = loss_along_gap(gaps, num_classes, alpha)
    assert abs(gaps[losses.argmin()] - best) < 2e-3
    assert np.isclose(loss_along_gap(np.array([best]), num_classes, alpha)[0], loss_floor(num_classes, alpha))


def test_the_hard_loss_keeps_falling():
    losses = loss_along_gap(np.linspace(0, 30, 301), 10, 0.0)
    assert np.all(np.diff(losses) < 0) and losses[-1] > 0


def test_bad_gaps_are_named():
    with pytest.raises(ValueError, match="gaps must be a 1-D array of finite numbers"):
        loss_along_gap(np.array([0.0, np.inf]), 10, 0.1)


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_every_figure_draws_every_variant_inside_its_frame(name):
    svgs = figure_variants(FIGURES[name])  # check_fits raises if anything spills over
    assert set(svgs) == {v.name for v in VARIANTS}
    assert all(svg.startswith(b"<?xml") for svg in svgs.values())


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.name)
def test_the_loss_figure_draws_each_run_in_its_chapter_colour(variant):
    svg = figure_variants(FIGURES["loss-along-gap"], (variant,))[variant.name].decode().lower()
    for run in ("hard", "smoothed"):
        assert f"stroke: {run_color(run, variant.scheme).lower()}" in svg
    assert f"stroke: {variant.colors['grey'].lower()}" not in svg  # hard labels are no longer grey
