"""The "Try it" of labs/calibration.py, run at a small size: three seeds, a shorter α grid."""

from __future__ import annotations

import pytest

SMALL = {
    "SEEDS = range(8)": "SEEDS = range(3)",
    "ALPHAS = [0.0, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2]": "ALPHAS = [0.0, 0.01, 0.1, 0.2, 0.3]",
}


@pytest.fixture
def lab(run_lab):
    return run_lab("calibration", SMALL)


def test_try_it_names_the_change_the_tests_make(try_it):
    assert "Add `0.3` to `ALPHAS`" in try_it("calibration")


def test_alpha_0_3_is_under_confident_and_more_so_than_alpha_0_2(lab):
    for seed in lab["SEEDS"]:
        t_02, t_03 = lab["runs"]["small", 0.2, seed]["T"], lab["runs"]["small", 0.3, seed]["T"]
        assert t_03 < 1 and t_03 < t_02, (seed, t_02, t_03)


def test_temperature_scaling_lowers_the_ece_of_alpha_0_3(lab):
    for seed in lab["SEEDS"]:
        run = lab["runs"]["small", 0.3, seed]
        assert run["test_ts"]["ece"] < run["test"]["ece"], (seed, run["test"]["ece"], run["test_ts"]["ece"])
