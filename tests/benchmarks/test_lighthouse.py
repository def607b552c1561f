"""The Lighthouse script's pure parts: the control page, the page list, the interleaving and the targets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from benchmarks.lighthouse import (
    CONTROL,
    METRICS,
    TARGETS,
    aggregate,
    control_markdown,
    lazy_images,
    misses,
    pinned_material_version,
    prose_words,
    round_orders,
    site_pages,
    summarize,
)

ROOT = Path(__file__).resolve().parents[2]


def test_control_page_has_about_1800_words_and_one_code_block():
    markdown = control_markdown()
    assert 1800 <= prose_words(markdown) <= 1900
    assert markdown.count("```") == 2
    assert len(re.findall(r"^## ", markdown, re.M)) >= 8  # sections, so Material shows a table of contents


def test_control_uses_the_pinned_material():
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned_material_version())


def test_pages_come_from_the_sitemap_without_redirect_stubs(tmp_path):
    for page, html in {"": "home", "authors/": "authors", "foundations/x/": '<meta http-equiv="refresh" content="0">',
                       "domains/a/": "a"}.items():
        (tmp_path / page).mkdir(parents=True, exist_ok=True)
        (tmp_path / page / "index.html").write_text(html)
    locs = "".join(f"<url><loc>http://127.0.0.1:8000/{p}</loc></url>"
                   for p in ("", "authors/", "foundations/x/", "domains/a/", "missing/"))
    (tmp_path / "sitemap.xml").write_text(
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>')
    assert site_pages(tmp_path) == ["", "authors/", "domains/a/"]


def test_every_round_measures_everything_once_and_the_control_moves():
    names = [CONTROL, "", "authors/", "a/"]
    orders = round_orders(names, 5)
    assert all(sorted(order) == sorted(names) for order in orders)
    assert len({order.index(CONTROL) for order in orders}) == len(names)


def summary(performance: float, tbt: float, **overrides) -> dict:
    run = {metric: 0.0 for metric in METRICS}
    run.update({"performance": performance, "accessibility": 1.0, "best-practices": 1.0, "seo": 1.0,
                "tbt_ms": tbt, "core_kib": 150.0}, **overrides)
    return aggregate([run])


def test_targets_are_relative_to_the_control():
    control = summary(0.93, 256)
    assert misses(summary(0.90, 356), control) == {}  # exactly 0.03 below and 100 ms above: met
    missed = misses(summary(0.89, 357), control)
    assert set(missed) == {"performance", "TBT"}
    assert "0.04 below the control's 0.93" in missed["performance"]


def test_absolute_targets():
    control = summary(0.93, 256)
    missed = misses(summary(0.99, 0, cls=0.001, seo=0.92, core_kib=301.0, offscreen_images_not_deferred=2), control)
    assert set(missed) == {"CLS", "seo", "core KiB", "lazy images"}


def test_cls_must_be_zero_in_every_round():
    control = summary(0.93, 256)
    runs = [dict(performance=0.95, accessibility=1.0, **{"best-practices": 1.0}, seo=1.0, tbt_ms=200, core_kib=100,
                 cls=cls, lcp_ms=1, fcp_ms=1, dom_elements=1, offscreen_images_not_deferred=0, benchmark_index=1)
            for cls in (0.0, 0.0, 0.02)]
    assert set(misses(aggregate(runs), control)) == {"CLS"}
    for run in runs:
        run["cls"] = 0.0004  # 0.000 as Lighthouse reports it
    assert misses(aggregate(runs), control) == {}
    runs[1]["cls"] = 0.0006
    assert set(misses(aggregate(runs), control)) == {"CLS"}


def test_summarize_reads_a_lighthouse_report():
    audits = {
        "network-requests": {"details": {"items": [
            {"resourceType": "Document", "transferSize": 2048}, {"resourceType": "Script", "transferSize": 1024},
            {"resourceType": "Image", "transferSize": 10240}, {"resourceType": "Font", "transferSize": 1024}]}},
        "total-blocking-time": {"numericValue": 120.4, "score": 0.9, "scoreDisplayMode": "numeric"},
        "cumulative-layout-shift": {"numericValue": 0.0, "score": 1, "scoreDisplayMode": "numeric"},
        "largest-contentful-paint": {"numericValue": 2000.2},
        "first-contentful-paint": {"numericValue": 1500.0},
        "dom-size": {"numericValue": 400},
        "offscreen-images": {"details": {"items": [{"url": "a.png"}]}},
    }
    lhr = {"audits": audits, "environment": {"benchmarkIndex": 1500},
           "categories": {c: {"score": s} for c, s in
                          {"performance": 0.9, "accessibility": 1, "best-practices": 1, "seo": 1}.items()}}
    run = summarize(lhr)
    assert run["core_kib"] == 4.0 and run["tbt_ms"] == 120 and run["offscreen_images_not_deferred"] == 1
    assert run["audits_below_1"] == ["total-blocking-time"]
    assert set(METRICS) <= set(run)


def test_lazy_images():
    html = '<img src="a.svg" loading="lazy"><img src="b.svg"><p>x</p><img loading=lazy src="c">'
    assert lazy_images(html) == {"images": 3, "lazy": 2}


def test_targets_are_the_issues():
    assert TARGETS["performance_below_control"] == 0.03 and TARGETS["tbt_ms_above_control"] == 100
    assert TARGETS["core_kib"] == 300 and TARGETS["cls"] == 0
