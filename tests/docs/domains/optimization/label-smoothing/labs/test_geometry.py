"""The "Try it" of labs/geometry.py, run at a small size: three seeds."""

from __future__ import annotations

SMALL = {"SEEDS = range(8)": "SEEDS = range(3)"}


def final_gaps(lab, arm):
    return lab["final"](arm, "gap")


def test_try_it_names_the_changes_the_tests_make(try_it):
    text = try_it("geometry")
    assert "`ALPHA = 0.2`" in text and "`STEPS = 300`" in text


def test_a_larger_alpha_ends_with_a_smaller_gap_near_its_closed_form(run_lab):
    before = run_lab("geometry", SMALL)
    after = run_lab("geometry", {**SMALL, "ALPHA = 0.1": "ALPHA = 0.2"})
    assert after["GAP_STAR"] < before["GAP_STAR"]
    for old, new in zip(final_gaps(before, "smoothed"), final_gaps(after, "smoothed"), strict=True):
        assert new < old, (old, new)
        # "close to g*": nearer to the new closed form than the two closed forms are to each other
        assert abs(new - after["GAP_STAR"]) < (before["GAP_STAR"] - after["GAP_STAR"]) / 4, (new, after["GAP_STAR"])


def test_half_the_steps_moves_the_hard_gap_far_more_than_the_smoothed_one(run_lab):
    full = run_lab("geometry", SMALL)
    half = run_lab("geometry", {**SMALL, "STEPS = 600": "STEPS = 300"})
    pairs = zip(final_gaps(full, "hard"), final_gaps(half, "hard"),
                final_gaps(full, "smoothed"), final_gaps(half, "smoothed"), strict=True)
    for hard_full, hard_half, smooth_full, smooth_half in pairs:
        assert hard_half < hard_full, (hard_full, hard_half)
        # "far less": the smoothed gap moves by under a tenth of what the hard gap moves
        assert abs(smooth_full - smooth_half) < (hard_full - hard_half) / 10, (smooth_full, smooth_half)
