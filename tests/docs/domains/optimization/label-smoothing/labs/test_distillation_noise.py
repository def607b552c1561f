"""The "Try it" of labs/distillation-noise.py, run at a small size: three seeds, short student training.

The claims are about the teachers, which keep the lab's full training; the students, which they
do not concern, train for a few epochs only to keep the test fast.
"""

from __future__ import annotations

SMALL = {
    "SEEDS = range(8)": "SEEDS = range(3)",
    "TEACHER_EPOCHS, STUDENT_EPOCHS = 60, 120": "TEACHER_EPOCHS, STUDENT_EPOCHS = 60, 5",
}
STRONGER = {**SMALL, "ALPHA = 0.1": "ALPHA = 0.3"}


def test_try_it_names_the_change_the_tests_make(try_it):
    assert "`ALPHA = 0.3`" in try_it("distillation-noise")


def test_stronger_smoothing_makes_the_teacher_less_specific_and_flatter(run_lab):
    before, after = run_lab("distillation-noise", SMALL), run_lab("distillation-noise", STRONGER)
    for metric, direction in (("specificity_noise_0", -1), ("flatness_noise_0", +1)):
        old = before["findings"].arm(metric, "smoothed_T=1").values
        new = after["findings"].arm(metric, "smoothed_T=1").values
        for a, b in zip(old, new, strict=True):
            assert direction * (b - a) > 0, (metric, a, b)


def test_with_alpha_0_3_smoothing_beats_hard_labels_under_20_percent_noise(run_lab):
    findings = run_lab("distillation-noise", STRONGER)["findings"]
    hard, smoothed = findings.arm("noise_0.2", "hard").values, findings.arm("noise_0.2", "smoothed").values
    for h, s in zip(hard, smoothed, strict=True):
        assert s > h, (h, s)
