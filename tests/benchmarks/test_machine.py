"""The load rule: benchmarks refuse a loaded machine, and loaded results are never published."""

from __future__ import annotations

import argparse

import pytest

from benchmarks import machine
from tools.results_tables import withheld_reason


def fake_load(one_minute: float):
    return lambda: (one_minute, 0.5, 0.25)


@pytest.mark.parametrize("cores, load, loaded", [(2, 0.0, False), (2, 1.0, False), (2, 1.01, True),
                                                 (8, 3.9, False), (8, 4.5, True)])
def test_the_limit_is_half_the_cores(cores, load, loaded):
    assert machine.is_loaded(load, cores) is loaded


def test_a_quiet_machine_gives_a_publishable_record():
    record = machine.require_quiet(False, read_load=fake_load(0.4), cores=2, torch="2.13.0")
    assert record["loaded"] is False and record["cores"] == 2 and record["torch"] == "2.13.0"
    assert record["load_average"] == {"before": [0.4, 0.5, 0.25], "after": None}
    assert record["cpu"] and record["python"] and record["date"]
    finished = machine.finish(record, read_load=fake_load(1.8))
    assert finished["load_average"] == {"before": [0.4, 0.5, 0.25], "after": [1.8, 0.5, 0.25]}
    assert withheld_reason({"machine": finished}) is None  # the load after is the benchmark's own


def test_a_loaded_machine_stops_the_benchmark_with_a_message():
    with pytest.raises(SystemExit) as stop:
        machine.require_quiet(False, read_load=fake_load(1.7), cores=2)
    message = str(stop.value.code)
    assert "1.70 on 2 cores" in message and "--allow-loaded" in message


def test_allow_loaded_writes_results_marked_loaded_that_are_withheld():
    record = machine.require_quiet(True, read_load=fake_load(5.0), cores=2)
    assert record["loaded"] is True
    assert "loaded machine" in withheld_reason({"machine": machine.finish(record, read_load=fake_load(5.0))})


def test_a_record_edited_to_quiet_is_still_withheld_when_its_load_exceeds_the_limit():
    record = machine.require_quiet(True, read_load=fake_load(5.0), cores=2)
    assert withheld_reason({"machine": {**record, "loaded": False}})


def test_results_without_a_load_record_are_withheld():
    assert "before the load rule" in withheld_reason({"machine": {"load_average": {"before": None}}})
    assert withheld_reason({})


def test_spread_keeps_min_median_max_and_every_run():
    assert machine.spread([3.0, 1.0, 2.0, 10.0]) == {"min": 1.0, "median": 2.5, "max": 10.0,
                                                     "runs": [3.0, 1.0, 2.0, 10.0]}
    with pytest.raises(ValueError, match="values is empty"):
        machine.spread([])


def test_the_flag():
    parser = argparse.ArgumentParser()
    machine.add_allow_loaded_flag(parser)
    assert parser.parse_args(["--allow-loaded"]).allow_loaded is True
    assert parser.parse_args([]).allow_loaded is False
