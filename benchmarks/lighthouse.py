"""Page speed: Lighthouse (mobile preset) on every page of the built site, against a control page.

    SITE_URL=https://concept-lab.test/ .venv/bin/properdocs build --strict   # any SITE_URL: the sitemap lists the pages
    (cd benchmarks/lighthouse && npm ci)             # Lighthouse 12.2.3, pinned for Node 20
    .venv/bin/python -m benchmarks.lighthouse        # --rounds 3 --site DIR --page PATH ... --check

Lighthouse's mobile preset simulates a slow phone from the host's own trace, so absolute scores
differ between machines by 0.2 or more. Every page is therefore compared with a control measured
in the same run: a page of stock Material for MkDocs (the version requirements.txt pins, no
plugins, about 1,800 words and one code block), generated and built in a temporary folder with
this venv's ProperDocs. The theme's fonts are off (``font: false``) in the control as on the site:
on a closed network Google Fonts cannot load.

The pages are the built site's sitemap (redirect stubs left out), so new pages are measured
without a change here; ``--page`` picks some. Both sites are served on 127.0.0.1 with gzip, as a
static host serves them (tools.local_site). Each round measures the control and every page once,
the order rotating from round to round; publishable results need at least 3 rounds and a quiet
machine (benchmarks/machine.py; ``--allow-loaded`` for debugging).

Per page, over the rounds (min, median, max): the four category scores, total blocking time,
cumulative layout shift, largest and first contentful paint, the bytes of HTML, CSS, JS and
fonts transferred (core KiB; figures excluded), and the offscreen images not lazy-loaded. The
targets, against the control's medians: performance at most 0.03 below, TBT at most 100 ms
above (a ratio is unstable when the control's TBT is near 0), CLS 0 in every round (to
Lighthouse's three decimals),
accessibility, best practices and SEO 1.0, core at most 300 KiB, every offscreen image lazy.
Results go to benchmarks/results/lighthouse.json; benchmarks/report.py renders them in the
README. This is a benchmark, not a test: it exits 0 unless --check is given and a target is missed.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks import machine
from tools.local_site import CHROMIUM_ARGS, chromium_path, is_redirect_page, serve_site, sitemap_paths

ROOT = Path(__file__).resolve().parents[1]
LIGHTHOUSE = ROOT / "benchmarks" / "lighthouse" / "node_modules" / "lighthouse" / "cli" / "index.js"
RESULTS = ROOT / "benchmarks" / "results" / "lighthouse.json"
CONTROL = "control"  # the control's name in the results and the printed table
MIN_ROUNDS = 3
CONTROL_WORDS = 1800
TARGETS = {
    "performance_below_control": 0.03,
    "tbt_ms_above_control": 100,
    "cls": 0.0,
    "accessibility": 1.0,
    "best-practices": 1.0,
    "seo": 1.0,
    "core_kib": 300.0,
    "offscreen_images_not_deferred": 0,
}
CLS_DECIMALS = 3  # CLS is judged as Lighthouse reports it: 0.0004 is 0.000
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
METRICS = CATEGORIES + ("tbt_ms", "cls", "lcp_ms", "fcp_ms", "core_kib", "dom_elements",
                        "offscreen_images_not_deferred", "benchmark_index")
CORE_TYPES = {"Document", "Stylesheet", "Script", "Font"}

# ------------------------------------------------------------------ the control page

CONTROL_SENTENCES = (
    "A static site is a folder of files that any web server can send without running code.",
    "Each page starts as Markdown, which the generator turns into HTML with the theme around it.",
    "Readers arrive from a search engine, read one section, and leave when they have their answer.",
    "Navigation should therefore show where a page sits and what lies next to it.",
    "Headings give the page a table of contents that a reader can scan before reading anything.",
    "Short paragraphs help on a phone, where a screen holds about a hundred words at a time.",
    "A code block shows exactly what to type, and a copy button saves the reader from typos.",
    "Tables compare a few options along the same columns, which prose does poorly.",
    "Images need a text alternative, so that a screen reader can say what they show.",
    "A page that loads quickly on a slow phone also loads quickly everywhere else.",
    "Fonts, scripts and style sheets all compete for the same narrow connection.",
    "The theme's scripts add search, instant navigation and a dark palette on request.",
    "Every link should name its target, since a list of links read aloud loses its context.",
    "Good defaults matter more than options, because most authors never change them.",
)
CONTROL_CODE = '''```python
def mean(values: list[float]) -> float:
    """The arithmetic mean of a non-empty list."""
    if not values:
        raise ValueError("values is empty")
    return sum(values) / len(values)


print(mean([1.0, 2.0, 4.0]))  # 2.3333333333333335
```'''
CONTROL_CONFIG = """site_name: Control page
site_description: A page of stock Material for MkDocs, the control for page-speed measurements.
theme:
  name: material
  font: false
plugins: []
"""


def control_markdown(words: int = CONTROL_WORDS) -> str:
    """A page of stock prose with at least ``words`` words in sections of three paragraphs, and
    one code block in the second section."""
    blocks = ["# A page of stock Material"]
    count, paragraph = 0, 0
    while count < words:
        if paragraph % 3 == 0:
            blocks.append(f"## Section {paragraph // 3 + 1}")
        sentences = [CONTROL_SENTENCES[(5 * paragraph + i) % len(CONTROL_SENTENCES)] for i in range(4)]
        blocks.append(" ".join(sentences))
        count += sum(len(s.split()) for s in sentences)
        paragraph += 1
        if paragraph == 4:
            blocks.append(CONTROL_CODE)
    return "\n\n".join(blocks) + "\n"


def prose_words(markdown: str) -> int:
    """Words outside code fences and headings."""
    prose = re.sub(r"^```.*?^```", "", markdown, flags=re.S | re.M)
    return sum(len(line.split()) for line in prose.splitlines() if not line.startswith("#"))


def pinned_material_version() -> str:
    """The Material version requirements.txt pins."""
    match = re.search(r"^mkdocs-material==(\S+)", (ROOT / "requirements.txt").read_text(encoding="utf-8"), re.M)
    if not match:
        raise SystemExit("requirements.txt pins no mkdocs-material version")
    return match.group(1)


def build_control(folder: Path) -> Path:
    """Write the control's mkdocs.yml and page into ``folder``, build it, return the site folder."""
    pinned, installed = pinned_material_version(), importlib.metadata.version("mkdocs-material")
    if pinned != installed:
        raise SystemExit(f"mkdocs-material {installed} is installed but requirements.txt pins {pinned}: "
                         "run this with the project's venv (.venv/bin/python)")
    (folder / "docs").mkdir()
    (folder / "docs" / "index.md").write_text(control_markdown(), encoding="utf-8")
    (folder / "mkdocs.yml").write_text(CONTROL_CONFIG, encoding="utf-8")
    site = folder / "site"
    subprocess.run([sys.executable, "-m", "properdocs", "build", "--strict", "--quiet", "-f", str(folder / "mkdocs.yml"),
                    "-d", str(site)], check=True)
    return site


# ------------------------------------------------------------------ pages and runs


def site_pages(site: Path) -> list[str]:
    """The site's pages from its sitemap ("" is the home page), without redirect stubs."""
    paths = dict.fromkeys(["", *sitemap_paths(site)])
    return [p for p in paths if (site / p / "index.html").is_file() and not is_redirect_page(site / p / "index.html")]


def round_orders(names: list[str], rounds: int) -> list[list[str]]:
    """The measuring order of each round: the list rotated by one more place each round."""
    return [names[r % len(names):] + names[:r % len(names)] for r in range(rounds)]


def run_lighthouse(url: str, chrome: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        cmd = ["node", str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
               f"--chrome-flags={' '.join(CHROMIUM_ARGS)}", f"--only-categories={','.join(CATEGORIES)}"]
        proc = subprocess.run(cmd, env={**os.environ, "CHROME_PATH": chrome}, capture_output=True, text=True,
                              timeout=300)
        if proc.returncode != 0 or not out.exists():
            raise SystemExit(f"lighthouse failed on {url}:\n{proc.stderr[-3000:]}")
        return json.loads(out.read_text(encoding="utf-8"))


def summarize(lhr: dict) -> dict[str, Any]:
    """The numbers this benchmark keeps from one Lighthouse report."""
    audits = lhr["audits"]
    by_type: dict[str, int] = {}
    for request in audits["network-requests"]["details"]["items"]:
        kind = request.get("resourceType", "Other")
        by_type[kind] = by_type.get(kind, 0) + request.get("transferSize", 0)
    offscreen = (audits.get("offscreen-images", {}).get("details") or {}).get("items", [])
    return {
        **{category: lhr["categories"][category]["score"] for category in CATEGORIES},
        "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
        "fcp_ms": round(audits["first-contentful-paint"]["numericValue"]),
        "core_kib": round(sum(v for k, v in by_type.items() if k in CORE_TYPES) / 1024, 1),
        "dom_elements": round(audits["dom-size"]["numericValue"]),
        "offscreen_images_not_deferred": len(offscreen),
        "benchmark_index": lhr["environment"]["benchmarkIndex"],
        "transfer_kib_by_type": {k: round(v / 1024, 1) for k, v in sorted(by_type.items())},
        "audits_below_1": sorted(key for key, audit in audits.items()
                                 if audit.get("score") is not None and audit["score"] < 1
                                 and audit.get("scoreDisplayMode") in ("binary", "numeric")
                                 and key != "network-requests"),
    }


def lazy_images(html: str) -> dict[str, int]:
    """How many <img> tags the page has and how many say loading="lazy"."""
    images = re.findall(r"<img\b[^>]*>", html)
    return {"images": len(images), "lazy": sum(bool(re.search(r'\bloading=["\']?lazy', i)) for i in images)}


def aggregate(runs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Min, median and max of every metric over the rounds."""
    return {metric: machine.spread([run[metric] for run in runs]) for metric in METRICS}


def misses(page: dict[str, dict], control: dict[str, dict], targets: dict[str, float] = TARGETS) -> dict[str, str]:
    """The targets a page misses (target name -> what was measured), given its and the control's
    aggregates over the rounds."""
    out = {}
    behind = round(control["performance"]["median"] - page["performance"]["median"], 6)
    if behind > targets["performance_below_control"]:
        out["performance"] = (f"{page['performance']['median']:.2f} is {behind:.2f} below the control's "
                              f"{control['performance']['median']:.2f} (at most {targets['performance_below_control']:g})")
    above = page["tbt_ms"]["median"] - control["tbt_ms"]["median"]
    if above > targets["tbt_ms_above_control"]:
        out["TBT"] = (f"{page['tbt_ms']['median']:.0f} ms is {above:.0f} ms above the control's "
                      f"{control['tbt_ms']['median']:.0f} ms (at most {targets['tbt_ms_above_control']:g})")
    if round(page["cls"]["max"], CLS_DECIMALS) > targets["cls"]:
        out["CLS"] = f"up to {page['cls']['max']:.{CLS_DECIMALS}f} (target {targets['cls']:g} in every round)"
    for category in ("accessibility", "best-practices", "seo"):
        if page[category]["min"] < targets[category]:
            out[category] = f"{page[category]['min']:.2f} < {targets[category]:g}"
    if page["core_kib"]["median"] > targets["core_kib"]:
        out["core KiB"] = f"HTML+CSS+JS+fonts {page['core_kib']['median']:.0f} KiB > {targets['core_kib']:g} KiB"
    if page["offscreen_images_not_deferred"]["max"] > targets["offscreen_images_not_deferred"]:
        out["lazy images"] = f"{page['offscreen_images_not_deferred']['max']} offscreen images not lazy-loaded"
    return out


def print_table(results: dict[str, Any]) -> None:
    control = results["control"]["summary"]
    print(f"{'page':58} {'perf (min-max)':>16} {'Δ':>6} {'TBT ms':>7} {'Δ':>6} {'CLS':>6} "
          f"{'a11y':>5} {'bp':>5} {'seo':>5} {'core KiB':>9}")
    for name, summary, page_misses in ([(CONTROL, control, {})]
                                       + [(p["page"] or "/", p["summary"], p["misses"]) for p in results["pages"]]):
        perf, tbt = summary["performance"], summary["tbt_ms"]
        print(f"{name:58} {perf['median']:5.2f} ({perf['min']:.2f}-{perf['max']:.2f}) "
              f"{perf['median'] - control['performance']['median']:+6.2f} {tbt['median']:7.0f} "
              f"{tbt['median'] - control['tbt_ms']['median']:+6.0f} {summary['cls']['max']:6.3f} "
              f"{summary['accessibility']['min']:5.2f} {summary['best-practices']['min']:5.2f} "
              f"{summary['seo']['min']:5.2f} {summary['core_kib']['median']:9.1f}")
        for target, miss in page_misses.items():
            print(f"{'':58} MISS {target}: {miss}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, default=Path(os.environ.get("SITE_DIR", ROOT / "site")))
    parser.add_argument("--page", action="append", help="site-relative path to measure (repeatable); "
                        "default: every page in the sitemap")
    parser.add_argument("--rounds", type=int, default=MIN_ROUNDS,
                        help=f"interleaved rounds (at least {MIN_ROUNDS} for published results)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--check", action="store_true", help="exit 1 when a page misses a target")
    machine.add_allow_loaded_flag(parser)
    args = parser.parse_args()

    if not (args.site / "index.html").is_file():
        raise SystemExit(f"{args.site} is not a built site: run `.venv/bin/properdocs build --strict` first")
    if not args.page and not sitemap_paths(args.site):
        raise SystemExit(f"{args.site}/sitemap.xml lists no pages: build with a SITE_URL "
                         "(e.g. SITE_URL=https://concept-lab.test/), or name pages with --page")
    if not LIGHTHOUSE.is_file():
        raise SystemExit("Lighthouse is not installed: run `npm ci` in benchmarks/lighthouse/")
    chrome = chromium_path()
    if not Path(chrome).exists():
        raise SystemExit(f"Chromium not found at {chrome}: install Debian's `chromium` or set CHROMIUM_PATH")
    if args.rounds < MIN_ROUNDS:
        print(f"WARNING: {args.rounds} rounds; results need {MIN_ROUNDS} to be published")
    pages = args.page or site_pages(args.site)
    if missing := [page for page in pages if not (args.site / page / "index.html").is_file()]:
        raise SystemExit(f"--page: no {', '.join(f'{page}index.html' for page in missing)} in {args.site}")
    record = machine.require_quiet(args.allow_loaded, mkdocs_material=importlib.metadata.version("mkdocs-material"))

    runs: dict[str, list[dict]] = {name: [] for name in [CONTROL, *pages]}
    lighthouse_version = None
    orders = round_orders([CONTROL, *pages], args.rounds)
    with tempfile.TemporaryDirectory() as tmp, \
            serve_site(build_control(Path(tmp)), gzip=True, cache_control="max-age=600") as control_site, \
            serve_site(args.site, gzip=True, cache_control="max-age=600") as site:
        for number, order in enumerate(orders, 1):
            for name in order:
                url = control_site.url() if name == CONTROL else site.url(name)
                report = run_lighthouse(url, chrome)
                lighthouse_version = report["lighthouseVersion"]
                runs[name].append(summarize(report))
                print(f"round {number}/{args.rounds} {name or '/':58} performance "
                      f"{runs[name][-1]['performance']:.2f}  TBT {runs[name][-1]['tbt_ms']} ms", flush=True)

    control = aggregate(runs[CONTROL])
    results = {
        "benchmark": "Lighthouse, mobile preset, on every page against a stock-Material control page, interleaved",
        "lighthouse": lighthouse_version,
        "preset": "mobile",
        "gzip": True,
        "rounds": args.rounds,
        "order": orders,
        "chromium": chrome,
        "targets": TARGETS,
        "machine": machine.finish(record),
        "control": {"words": prose_words(control_markdown()), "code_blocks": 1,
                    "material": record["mkdocs_material"], "runs": runs[CONTROL], "summary": control},
        "pages": [],
    }
    for page in pages:
        summary = aggregate(runs[page])
        html = (args.site / page / "index.html").read_text(encoding="utf-8")
        results["pages"].append({"page": page, "img_tags": lazy_images(html), "runs": runs[page],
                                 "summary": summary, "misses": misses(summary, control)})
    print_table(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}" + ("  (LOADED: not publishable)" if results["machine"]["loaded"] else ""))
    return 1 if args.check and any(p["misses"] for p in results["pages"]) else 0


if __name__ == "__main__":
    sys.exit(main())
