"""The trace script's pure parts: source-map decoding, naming a stack frame, summing a trace by cause."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benchmarks.page_trace import Scripts, SourceMap, decode_vlq, median_summary, summarize

B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def encode_vlq(value: int) -> str:
    """The source-map spec's encoding, written out digit by digit (the reference for the decoder)."""
    number = (-value << 1) | 1 if value < 0 else value << 1
    out = ""
    while True:
        digit, number = number & 31, number >> 5
        out += B64[digit | (32 if number else 0)]
        if not number:
            return out


@pytest.mark.parametrize(("segment", "values"), [
    ("A", [0]), ("C", [1]), ("D", [-1]), ("gB", [16]), ("2H", [123]), ("AAgBC", [0, 0, 16, 1]),
])
def test_known_segments(segment, values):
    assert decode_vlq(segment) == values


@given(st.lists(st.integers(min_value=-(2**31), max_value=2**31 - 1), min_size=1, max_size=6))
def test_decoding_inverts_the_encoding(values):
    assert decode_vlq("".join(encode_vlq(v) for v in values)) == values


@pytest.mark.parametrize("segment", ["g", "A*"])
def test_bad_segments_fail_naming_the_segment(segment):
    with pytest.raises(ValueError, match="segment"):
        decode_vlq(segment)


# Generated line 0: column 0 -> a.ts line 0; column 5 -> a.ts line 5; column 9 -> b.ts line 2.
# Generated line 1: column 2 -> b.ts line 3. (Fields are relative to the previous segment.)
MAP = {"version": 3, "sources": ["webpack://./src/a.ts", "webpack://./node_modules/rxjs/b.ts"],
       "mappings": ";".join(["AAAA,KAKA,ICHL", "EACA"])}


def test_lookup_finds_the_segment_at_or_before_the_column():
    smap = SourceMap.parse(json.dumps(MAP))
    assert smap.sources == ["src/a.ts", "node_modules/rxjs/b.ts"]
    assert smap.lookup(0, 0) == ("src/a.ts", 1)
    assert smap.lookup(0, 7) == ("src/a.ts", 6)
    assert smap.lookup(0, 40) == ("node_modules/rxjs/b.ts", 3)
    assert smap.lookup(1, 1) is None and smap.lookup(1, 2) == ("node_modules/rxjs/b.ts", 4)
    assert smap.lookup(7, 0) is None


def test_only_version_3_maps():
    with pytest.raises(ValueError, match="version 2"):
        SourceMap.parse(json.dumps({**MAP, "version": 2}))


@pytest.fixture
def scripts(tmp_path: Path) -> Scripts:
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "bundle.js").write_text("x")
    (tmp_path / "assets" / "bundle.js.map").write_text(json.dumps(MAP))
    (tmp_path / "assets" / "site.js").write_text("y")
    return Scripts({"http://127.0.0.1:1": tmp_path})


def frame(file: str, line: int, column: int, name: str = "f") -> dict:
    return {"url": f"http://127.0.0.1:1/assets/{file}", "lineNumber": line, "columnNumber": column, "functionName": name}


def test_a_cause_is_the_innermost_first_party_frame(scripts):
    # 1-based positions in the trace: (1, 41) is third-party rxjs, (1, 6) is src/a.ts line 6
    assert scripts.cause([frame("bundle.js", 1, 41, "inner"), frame("bundle.js", 1, 6, "outer")]) == "src/a.ts:6 outer"
    assert scripts.cause([frame("site.js", 12, 3, "fix")]) == "site.js:12 fix"
    assert scripts.cause([frame("bundle.js", 1, 41)]) == "third-party code"
    assert scripts.cause([]) == "(no stack)"


def test_summary_sums_blocking_and_forced_work_by_cause(scripts):
    main = {"pid": 1, "tid": 7}
    ms = 1000  # trace times are in microseconds
    events = [
        {"ph": "M", "name": "thread_name", "pid": 1, "tid": 7, "args": {"name": "CrRendererMain"}},
        {"ph": "M", "name": "thread_name", "pid": 2, "tid": 7, "args": {"name": "CrRendererMain"}},
        {**main, "ph": "R", "name": "firstContentfulPaint", "ts": 100 * ms},
        {**main, "ph": "X", "name": "RunTask", "ts": 10 * ms, "dur": 300 * ms},     # before FCP: not blocking
        {**main, "ph": "X", "name": "RunTask", "ts": 200 * ms, "dur": 120 * ms},    # 70 ms blocking
        {**main, "ph": "X", "name": "RunTask", "ts": 400 * ms, "dur": 40 * ms},     # short
        {**main, "ph": "X", "name": "UpdateLayoutTree", "ts": 210 * ms, "dur": 30 * ms,
         "args": {"elementCount": 500, "beginData": {"stackTrace": [frame("bundle.js", 1, 6)]}}},
        {**main, "ph": "X", "name": "Layout", "ts": 330 * ms, "dur": 20 * ms,
         "args": {"beginData": {"stackTrace": [frame("bundle.js", 1, 6)]}}},
        {**main, "ph": "X", "name": "UpdateLayoutTree", "ts": 300 * ms, "dur": 5 * ms, "args": {"elementCount": 10}},
        {**main, "ph": "X", "name": "EvaluateScript", "ts": 5 * ms, "dur": 8 * ms,
         "args": {"data": {"url": "http://127.0.0.1:1/assets/site.js"}}},
        {"pid": 2, "tid": 7, "ph": "X", "name": "RunTask", "ts": 200 * ms, "dur": 900 * ms},  # another renderer
    ]
    summary = summarize(events, "u", scripts)  # no TracingStartedInBrowser: the busiest renderer is the page's
    assert summary["blocking_ms"] == 70
    assert summary["longest_task_ms"] == 120
    assert summary["forced_ms"] == {"style src/a.ts:6 f": 30, "layout src/a.ts:6 f": 20}
    assert summary["forced_total_ms"] == 50
    assert summary["forced_in_long_tasks_ms"] == {"style src/a.ts:6 f": 30}  # the layout ran after the long task
    assert summary["unforced_style_ms"] == 5 and summary["unforced_layout_ms"] == 0
    assert summary["elements_restyled"] == 510
    assert summary["evaluation_ms"] == {"site.js": 8}


def test_a_trace_without_a_paint_fails_naming_the_page(scripts):
    with pytest.raises(SystemExit, match="page-x.*first contentful paint"):
        summarize([{"ph": "M", "name": "thread_name", "pid": 1, "tid": 1, "args": {"name": "CrRendererMain"}}],
                  "page-x", scripts)


def test_medians_over_rounds_count_a_missing_cause_as_zero():
    runs = [{"blocking_ms": 10, "forced_ms": {"a": 4}}, {"blocking_ms": 30, "forced_ms": {"a": 6, "b": 9}},
            {"blocking_ms": 20, "forced_ms": {"b": 3}}]
    assert median_summary(runs) == {"blocking_ms": 20, "forced_ms": {"a": 4, "b": 3}}
