"""Page macros for lab findings and figures: words from snippets.stats, clear errors, relative URLs."""

from __future__ import annotations

import json

import pytest

from hooks import macros
from hooks.figures import FigureError
from hooks.lab_results import Results
from hooks.macros import FindingError, lab_figure_html, paired, pm
from snippets.stats import Findings

MINUS = "\u2212"


@pytest.fixture
def lab_results():
    """A lab 'demo' with two metrics and three comparisons, as the build saves them."""
    f = Findings()
    f.metric("ece", digits=3)
    f.add("ece", "baseline", [0.050, 0.061, 0.055, 0.070, 0.058, 0.066, 0.052, 0.063])
    f.add("ece", "scaled", [0.020, 0.031, 0.022, 0.035, 0.027, 0.030, 0.024, 0.029])
    f.add("ece", "noise", [0.051, 0.060, 0.056, 0.069, 0.059, 0.065, 0.053, 0.062])
    f.compare("ece", "scaled", "baseline")
    f.compare("ece", "noise", "baseline")
    f.metric("tightness", digits=2)
    f.add("tightness", "hard", [0.40, 0.42, 0.39, 0.41])
    f.add("tightness", "smoothed", [0.20, 0.23, 0.21, 0.22])
    f.compare("tightness", "smoothed", "hard")
    f.metric("accuracy", digits=4, count_of=719, items="test images")
    f.add("accuracy", "hard", [0.9040, 0.9055, 0.9026, 0.9068, 0.9040, 0.9054, 0.9040, 0.9068])
    f.add("accuracy", "smoothed", [0.9082, 0.9054, 0.9096, 0.9054, 0.9068, 0.9082, 0.9040, 0.9110])
    f.compare("accuracy", "smoothed", "hard")
    f.adjust()
    return f


@pytest.fixture
def saved(lab_results):
    """The same findings read back as the `lab` macro returns them."""
    return Results(json.loads(json.dumps({"findings": lab_results.to_dict(), "other": {}})), lab="demo", path=())


def test_macros_say_what_snippets_stats_says(lab_results, saved):
    assert macros.estimate(saved, "demo", "ece", "baseline") == lab_results.estimate("ece", "baseline")
    assert macros.finding(saved, "demo", "ece", "scaled", "baseline") == lab_results.describe("ece", "scaled", "baseline")
    assert macros.finding(saved, "demo", "ece", "scaled", "baseline").startswith(f"lower ({MINUS}0.032 [")
    assert macros.verdict(saved, "demo", "ece", "scaled", "baseline") == "lower"
    assert macros.interval(saved, "demo", "ece", "scaled", "baseline").endswith(", n = 8")
    assert macros.finding(saved, "demo", "tightness", "smoothed", "hard", lower="tighter", higher="looser").startswith("tighter (")
    assert macros.interval(saved, "demo", "tightness", "smoothed", "hard").startswith(f"{MINUS}0.19 [")  # the metric's 2 digits
    assert macros.finding(saved, "demo", "accuracy", "smoothed", "hard", higher="better") == lab_results.describe(
        "accuracy", "smoothed", "hard", higher="better")
    assert macros.comparison_count(saved, "demo") == 4


def test_words_follow_the_family_adjusted_p_value(lab_results, saved):
    c = lab_results.comparison("accuracy", "smoothed", "hard")
    assert c.low > 0 and c.p_value < 0.05 <= c.adjusted_p_value  # excludes 0 only before the adjustment
    assert macros.verdict(saved, "demo", "accuracy", "smoothed", "hard", higher="better") == (
        "no detectable difference after adjusting for 4 comparisons (n = 8)")
    assert macros.finding(saved, "demo", "accuracy", "smoothed", "hard").endswith(
        f"of the 719 test images; adjusted p = {c.adjusted_p_value:.2f})")


def test_a_null_says_so_with_its_n(saved):
    assert macros.verdict(saved, "demo", "ece", "noise", "baseline") == "no detectable difference (n = 8)"
    assert macros.finding(saved, "demo", "ece", "noise", "baseline").startswith("no detectable difference (")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda saved: macros.finding(saved, "demo", "nll", "a", "b"),
         r"Lab 'demo': metric 'nll' is not declared; declared: \['accuracy', 'ece', 'tightness'\]"),
        (lambda saved: macros.finding(saved, "demo", "ece", "baseline", "scaled"), r"no comparison ece: baseline vs scaled"),
        (lambda saved: macros.verdict(saved, "demo", "ece", "scaled", "noise"), r"no comparison ece: scaled vs noise"),
        (lambda saved: macros.estimate(saved, "demo", "ece", "basline"),
         r"metric 'ece' has no arm 'basline'; arms: \['baseline', 'noise', 'scaled'\]"),
        (lambda saved: macros.interval(saved, "demo", "ece", "noise", "scaled"), r"no comparison ece: noise vs scaled"),
        (lambda saved: macros.finding(Results({"other": {}}, lab="plain", path=()), "plain", "ece", "a", "b"),
         r"Lab 'plain' records no findings"),
    ],
)
def test_unknown_names_fail_clearly(saved, call, message):
    with pytest.raises(FindingError, match=message):
        call(saved)


def test_filters():
    assert pm({"mean": 0.0421, "sd": 0.0111}) == "0.042 ± 0.011"
    assert pm({"mean": 1.234, "sd": 0.05}, 2) == "1.23 ± 0.05"
    saved = {"a": "x", "b": "y", "n": 8, "mean_a": 0.1, "mean_b": 0.088, "mean_difference": 0.012,
             "low": 0.004, "high": 0.020, "p_value": 0.01, "adjusted_p_value": 0.04, "family_size": 3}
    assert paired(saved) == "+0.012 [0.004, 0.020], n = 8"


def test_lab_figure_links_relative_to_the_page(tmp_path):
    entry = {"alt": "What it shows.", "variants": {
        v: {"file": f"demo-fig{s}.svg", "width": 600, "height": 300}
        for v, s in (("desktop-light", ""), ("desktop-dark", "-dark"), ("phone-light", "-phone"),
                     ("phone-dark", "-phone-dark"))}}
    key = "domains/x/labs/demo"
    (tmp_path / ".cache/labs/results/domains/x/labs").mkdir(parents=True)
    (tmp_path / ".cache/labs/figures/domains/x/labs").mkdir(parents=True)
    (tmp_path / f".cache/labs/figures/{key}.json").write_text(json.dumps({"fig": entry}))

    def html(page_src_uri, page_url, figure="fig", name="demo"):
        return lab_figure_html(name, figure, page_src_uri, page_url, tmp_path)

    concept = html("domains/x/index.md", "domains/x/")
    assert 'src="labs/figures/demo-fig.svg#only-light"' in concept
    assert 'alt="What it shows."' in concept
    assert 'srcset="figures/demo-fig-phone-dark.svg"' in html("domains/x/labs/index.md", "domains/x/labs/")
    assert 'href="../labs/figures/demo-fig.svg"' in html("domains/x/evidence.md", "domains/x/evidence/")
    with pytest.raises(FindingError, match=r"figure 'nope' is not recorded; recorded: \['fig'\]"):
        html("domains/x/index.md", "domains/x/", figure="nope")
    with pytest.raises(FigureError, match="No figures for lab 'other'"):
        html("domains/x/index.md", "domains/x/", name="other")


def test_macros_are_registered():
    registered = {}

    class Env:
        variables: dict = {}
        conf = {"docs_dir": "docs"}
        project_dir = "."

        def macro(self, fn, name=None):
            registered[name or fn.__name__] = fn
            return fn

        def filter(self, fn, name=None):
            registered[name or fn.__name__] = fn
            return fn

    macros.define_env(Env())
    assert {"estimate", "interval", "verdict", "finding", "comparison_count", "lab_figure", "pm", "paired"} <= set(registered)
