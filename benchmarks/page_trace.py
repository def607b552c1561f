"""Where a page's start-up time goes: a Chromium trace on a throttled CPU, by cause.

    SITE_URL=https://concept-lab.test/ .venv/bin/properdocs build --strict
    .venv/bin/python -m benchmarks.page_trace --page domains/optimization/label-smoothing/math/
    .venv/bin/python -m benchmarks.page_trace --page PATH ... --rounds 3 --throttle 4 --no-control

Lighthouse (benchmarks/lighthouse.py) says whether a page is slow; this says why. Each page is
loaded in headless Chromium with a phone's viewport (412 x 823, as Lighthouse's mobile preset)
and the CPU slowed ``--throttle`` times, traced from navigation until the page has been idle a
while, and the trace of its main thread is summed up:

- blocking time: the part of every main-thread task beyond 50 ms, after the first contentful
  paint (as total blocking time is defined, but measured, not simulated as Lighthouse does);
- script evaluation, by script;
- style recalculation and layout forced by a script, by the script line that asked for it (and
  how much of it ran inside long tasks, the part that blocks): the
  innermost stack frame outside third-party code, the theme's bundle mapped through its source
  map to Material's TypeScript source (``components/palette/index.ts:186``);
- the style and layout the browser did on its own (not forced), and the element counts restyled.

Like benchmarks/lighthouse.py it builds a stock-Material control page and traces it interleaved
with the pages (``--no-control`` skips it), and it follows the load rule (benchmarks/machine.py).
Results, with the medians over ``--rounds``, go to ``--out`` (JSON); the table is printed.
"""

from __future__ import annotations

import argparse
import bisect
import importlib.metadata
import json
import statistics
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from benchmarks import machine
from benchmarks.lighthouse import CONTROL, build_control, round_orders
from tools.local_site import CHROMIUM_ARGS, chromium_path, serve_site

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "page_trace.json"
# Lighthouse's mobile preset: a Moto G Power's screen.
PHONE = {"viewport": {"width": 412, "height": 823}, "device_scale_factor": 1.75, "is_mobile": True, "has_touch": True}
CATEGORIES = [
    "devtools.timeline",
    "disabled-by-default-devtools.timeline",
    "disabled-by-default-devtools.timeline.stack",
    "v8.execute",
    "blink.user_timing",
    "loading",
]
LONG_TASK_MS = 50
SETTLE_MS = 3000  # traced on after the load event: the idle-time work a page defers shows up too
STYLE, LAYOUT = "UpdateLayoutTree", "Layout"
THIRD_PARTY = "node_modules/"  # mapped sources skipped when naming the frame that caused the work

# ------------------------------------------------------------------ source maps

BASE64 = {c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}


def decode_vlq(segment: str) -> list[int]:
    """The signed integers of one Base64 VLQ segment of a source map's ``mappings``."""
    values, value, shift = [], 0, 0
    for char in segment:
        if char not in BASE64:
            raise ValueError(f"source map: {char!r} is not a Base64 VLQ digit in segment {segment!r}")
        digit = BASE64[char]
        value += (digit & 31) << shift
        if digit & 32:
            shift += 5
            continue
        values.append(-(value >> 1) if value & 1 else value >> 1)
        value, shift = 0, 0
    if shift:
        raise ValueError(f"source map: segment {segment!r} ends inside a number")
    return values


@dataclass
class SourceMap:
    """A version-3 source map: generated (line, column), both 0-based, to original (source, line)."""

    sources: list[str]
    lines: list[list[tuple[int, int, int]]] = field(default_factory=list)  # per line: (column, source, line)

    @classmethod
    def parse(cls, text: str) -> SourceMap:
        data = json.loads(text)
        if data.get("version") != 3:
            raise ValueError(f"source map: version {data.get('version')!r}, only 3 is supported")
        smap = cls(sources=[s.removeprefix("webpack://").lstrip("./") for s in data["sources"]])
        source = original_line = 0
        for line in data["mappings"].split(";"):
            column, entries = 0, []
            for segment in filter(None, line.split(",")):
                fields = decode_vlq(segment)
                column += fields[0]
                if len(fields) >= 4:
                    source += fields[1]
                    original_line += fields[2]
                    entries.append((column, source, original_line))
            smap.lines.append(entries)
        return smap

    def lookup(self, line: int, column: int) -> tuple[str, int] | None:
        """The original source and 1-based line of the generated position (0-based), or None."""
        if not 0 <= line < len(self.lines):
            return None
        best = None
        for entry in self.lines[line]:
            if entry[0] > column:
                break
            best = entry
        return (self.sources[best[1]], best[2] + 1) if best else None


class Scripts:
    """The served site's scripts and their source maps, to name a stack frame."""

    def __init__(self, roots: dict[str, Path]) -> None:
        self.roots = roots  # origin -> the folder it serves
        self._maps: dict[str, SourceMap | None] = {}

    def _map(self, url: str) -> SourceMap | None:
        if url not in self._maps:
            parts = urlsplit(url)
            root = self.roots.get(f"{parts.scheme}://{parts.netloc}")
            file = root / parts.path.lstrip("/") if root else None
            mapfile = file.with_name(file.name + ".map") if file else None
            self._maps[url] = SourceMap.parse(mapfile.read_text(encoding="utf-8")) if mapfile and mapfile.is_file() else None
        return self._maps[url]

    def name(self, frame: dict) -> str | None:
        """``source:line`` of a trace stack frame (1-based line and column), or None for third-party code."""
        url = frame.get("url", "")
        if not url:
            return None
        smap = self._map(url)
        if smap is None:
            path = urlsplit(url).path.rsplit("/assets/", 1)[-1]
            return f"{path}:{frame['lineNumber']}"
        found = smap.lookup(frame["lineNumber"] - 1, frame["columnNumber"] - 1)
        if found is None or THIRD_PARTY in found[0]:
            return None
        source = found[0].split("javascripts/", 1)[-1]
        return f"{source}:{found[1]}"

    def cause(self, stack: list[dict]) -> str:
        """The innermost frame of ``stack`` in first-party code, with its function's name."""
        for frame in stack:
            named = self.name(frame)
            if named:
                return f"{named} {frame.get('functionName') or '(anonymous)'}"
        return "third-party code" if stack else "(no stack)"


# ------------------------------------------------------------------ trace analysis


def main_thread(events: list[dict], url: str) -> tuple[int, int]:
    """(pid, tid) of the renderer main thread that loaded ``url``."""
    for event in events:
        if event.get("name") == "TracingStartedInBrowser":
            for frame in event["args"]["data"].get("frames", []):
                if not frame.get("parent") and "processId" in frame:
                    pid = frame["processId"]
                    for named in events:
                        if (named.get("ph") == "M" and named.get("name") == "thread_name" and named["pid"] == pid
                                and named["args"]["name"] == "CrRendererMain"):
                            return pid, named["tid"]
    # Fallback: the renderer main thread with the most events.
    counts: dict[tuple[int, int], int] = defaultdict(int)
    mains = {(e["pid"], e["tid"]) for e in events
             if e.get("ph") == "M" and e.get("name") == "thread_name" and e["args"]["name"] == "CrRendererMain"}
    for event in events:
        if (event.get("pid"), event.get("tid")) in mains:
            counts[(event["pid"], event["tid"])] += 1
    if not counts:
        raise SystemExit(f"trace of {url}: no renderer main thread")
    return max(counts, key=counts.get)


def summarize(events: list[dict], url: str, scripts: Scripts) -> dict[str, Any]:
    """Blocking time, script evaluation and style/layout by cause, from one page's trace (ms)."""
    pid, tid = main_thread(events, url)
    own = [e for e in events if e.get("pid") == pid and e.get("tid") == tid]
    fcp = min((e["ts"] for e in own if e.get("name") == "firstContentfulPaint"), default=None)
    if fcp is None:
        raise SystemExit(f"trace of {url}: no first contentful paint")
    tasks = [e for e in own if e.get("ph") == "X" and e.get("name") in ("RunTask", "ThreadControllerImpl::RunTask")]
    blocking = sum(max(0.0, e["dur"] / 1000 - LONG_TASK_MS) for e in tasks if e["ts"] >= fcp)
    longest = max((e["dur"] / 1000 for e in tasks if e["ts"] >= fcp), default=0.0)
    long_tasks = sorted((e["ts"], e["ts"] + e["dur"]) for e in tasks if e["ts"] >= fcp and e["dur"] / 1000 > LONG_TASK_MS)
    starts = [start for start, _ in long_tasks]

    def in_long_task(ts: float) -> bool:
        index = bisect.bisect_right(starts, ts) - 1
        return index >= 0 and ts < long_tasks[index][1]

    evaluation: dict[str, float] = defaultdict(float)
    forced: dict[str, float] = defaultdict(float)
    forced_blocking: dict[str, float] = defaultdict(float)
    unforced = {STYLE: 0.0, LAYOUT: 0.0}
    restyled = 0
    for event in own:
        if event.get("ph") != "X":
            continue
        ms = event.get("dur", 0) / 1000
        data = event.get("args", {}).get("data", {}) or {}
        if event["name"] == "EvaluateScript":
            evaluation[urlsplit(data.get("url", "")).path.rsplit("/", 1)[-1] or "(inline)"] += ms
        elif event["name"] in (STYLE, LAYOUT):
            begin = event.get("args", {}).get("beginData", {}) or {}
            stack = begin.get("stackTrace") or data.get("stackTrace")
            if event["name"] == STYLE:
                restyled += (event.get("args", {}).get("elementCount") or data.get("elementCount") or 0)
            if stack:
                cause = f"{'style' if event['name'] == STYLE else 'layout'} {scripts.cause(stack)}"
                forced[cause] += ms
                if in_long_task(event["ts"]):
                    forced_blocking[cause] += ms
            else:
                unforced[event["name"]] += ms
    return {
        "blocking_ms": round(blocking),
        "longest_task_ms": round(longest),
        "evaluation_ms": {k: round(v) for k, v in sorted(evaluation.items(), key=lambda kv: -kv[1])},
        "forced_ms": {k: round(v) for k, v in sorted(forced.items(), key=lambda kv: -kv[1])},
        "forced_total_ms": round(sum(forced.values())),
        "forced_in_long_tasks_ms": {k: round(v) for k, v in sorted(forced_blocking.items(), key=lambda kv: -kv[1])},
        "unforced_style_ms": round(unforced[STYLE]),
        "unforced_layout_ms": round(unforced[LAYOUT]),
        "elements_restyled": restyled,
    }


def trace_page(browser, url: str, throttle: float) -> list[dict]:
    """The trace events of loading ``url`` on a phone-sized page with the CPU slowed ``throttle`` times."""
    context = browser.new_context(**PHONE, service_workers="block")
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": throttle})
        browser.start_tracing(page=page, categories=CATEGORIES)
        page.goto(url, wait_until="load")
        page.wait_for_timeout(SETTLE_MS)
        trace = browser.stop_tracing()
    finally:
        context.close()
    return json.loads(trace)["traceEvents"]


def median_summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The median of every number over the rounds (a cause absent from a round counts 0)."""
    out: dict[str, Any] = {}
    for key, first in runs[0].items():
        if isinstance(first, dict):
            names = dict.fromkeys(name for run in runs for name in run[key])
            medians = {name: round(statistics.median(run[key].get(name, 0) for run in runs)) for name in names}
            out[key] = dict(sorted(medians.items(), key=lambda kv: -kv[1]))
        else:
            out[key] = round(statistics.median(run[key] for run in runs))
    return out


def print_summary(name: str, summary: dict[str, Any], top: int) -> None:
    print(f"\n{name or '/'}: blocking {summary['blocking_ms']} ms (longest task {summary['longest_task_ms']} ms), "
          f"forced style+layout {summary['forced_total_ms']} ms, unforced style {summary['unforced_style_ms']} ms, "
          f"layout {summary['unforced_layout_ms']} ms, {summary['elements_restyled']:,} elements restyled")
    print("  forced ms (of which in long tasks)  cause")
    for cause, ms in list(summary["forced_ms"].items())[:top]:
        print(f"  {ms:6d} ({summary['forced_in_long_tasks_ms'].get(cause, 0):6d})  {cause}")
    evaluation = ", ".join(f"{script} {ms}" for script, ms in list(summary["evaluation_ms"].items())[:6])
    print(f"  evaluation ms: {evaluation}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, default=ROOT / "site")
    parser.add_argument("--page", action="append", required=True, help="site-relative path (repeatable)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--throttle", type=float, default=4.0, help="CPU slowdown (Lighthouse's mobile preset: 4)")
    parser.add_argument("--no-control", action="store_true", help="skip the stock-Material control page")
    parser.add_argument("--top", type=int, default=12, help="forced causes printed per page")
    parser.add_argument("--out", type=Path, default=RESULTS)
    machine.add_allow_loaded_flag(parser)
    args = parser.parse_args()
    if missing := [p for p in args.page if not (args.site / p / "index.html").is_file()]:
        raise SystemExit(f"--page: no {', '.join(f'{p}index.html' for p in missing)} in {args.site}")

    from playwright.sync_api import sync_playwright

    record = machine.require_quiet(args.allow_loaded, mkdocs_material=importlib.metadata.version("mkdocs-material"))
    names = args.page if args.no_control else [CONTROL, *args.page]
    runs: dict[str, list[dict]] = {name: [] for name in names}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        control_dir = None if args.no_control else build_control(Path(tmp))
        with serve_site(args.site, gzip=True, cache_control="max-age=600") as site, \
                serve_site(control_dir or args.site, gzip=True, cache_control="max-age=600") as control:
            scripts = Scripts({site.origin: args.site, control.origin: control_dir or args.site})
            browser = playwright.chromium.launch(executable_path=chromium_path(), args=list(CHROMIUM_ARGS))
            try:
                for number, order in enumerate(round_orders(names, args.rounds), 1):
                    for name in order:
                        url = control.url() if name == CONTROL else site.url(name)
                        runs[name].append(summarize(trace_page(browser, url, args.throttle), url, scripts))
                        print(f"round {number}/{args.rounds} {name or '/':50} blocking {runs[name][-1]['blocking_ms']} ms",
                              flush=True)
            finally:
                browser.close()
    results = {
        "benchmark": "Chromium trace of each page's load, CPU throttled, phone viewport",
        "throttle": args.throttle,
        "rounds": args.rounds,
        "machine": machine.finish(record),
        "pages": {name: {"runs": runs[name], "summary": median_summary(runs[name])} for name in names},
    }
    for name in names:
        print_summary(name, results["pages"][name]["summary"], args.top)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}" + ("  (LOADED)" if results["machine"]["loaded"] else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
