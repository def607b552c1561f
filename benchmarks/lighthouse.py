"""Page-speed budget: Lighthouse (mobile preset) on the locally served concept page and a lab page.

    .venv/bin/mkdocs build --strict
    (cd benchmarks/lighthouse && npm ci)          # Lighthouse 12.2.3, pinned for Node 20
    .venv/bin/python benchmarks/lighthouse.py     # --runs 3 --check --site DIR --page PATH ...

Serves site/ on 127.0.0.1 with gzip (as any static host does), runs Lighthouse against
Chromium ($CHROMIUM_PATH, default /usr/bin/chromium) with the closed-network flags, and prints per
page: the four category scores, cumulative layout shift, the bytes transferred for HTML, CSS, JS
and fonts (figures excluded; other fetches such as the search index listed apart), and whether
images below the fold are lazy-loaded. With --runs N each page is measured N times and the run
with the median performance score is kept. Results go to benchmarks/results/lighthouse.json.
This is a benchmark, not a test: it exits 0 unless --check is given and a target is missed.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import io
import http.server
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIGHTHOUSE = ROOT / "benchmarks" / "lighthouse" / "node_modules" / "lighthouse" / "cli" / "index.js"
RESULTS = ROOT / "benchmarks" / "results" / "lighthouse.json"
CONCEPT = "domains/optimization/label-smoothing/"
LABS = CONCEPT + "labs/"
CHROME_FLAGS = ("--headless --no-sandbox --disable-gpu --disable-background-networking "
                "--disable-component-update --disable-sync --no-first-run")
TARGETS = {"performance": 0.98, "accessibility": 1.0, "best-practices": 1.0, "seo": 1.0,
           "cls": 0.0, "core_kib": 600.0}
CORE_TYPES = {"Document", "Stylesheet", "Script", "Font"}
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".mjs", ".map")


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, gzipped when the client accepts it (GitHub Pages and most hosts do)."""

    def log_message(self, format, *args):  # noqa: A002
        pass

    def send_head(self):
        url_path = self.path.split("?")[0].split("#")[0]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not url_path.endswith("/"):
                return super().send_head()  # the base class redirects "dir" to "dir/"
            path = path / "index.html"
        if "gzip" not in self.headers.get("Accept-Encoding", "") or not path.is_file() \
                or path.suffix not in COMPRESSIBLE:
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        return io.BytesIO(body)


def serve(site: Path):
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(GzipHandler, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/"


def default_lab(site: Path) -> str | None:
    labs = sorted(p.parent.relative_to(site).as_posix() + "/" for p in (site / LABS).glob("*/index.html"))
    return labs[0] if labs else None


def lazy_images(html: str) -> dict:
    """Every <img> after the first screenful should say loading="lazy"."""
    imgs = re.findall(r"<img\b[^>]*>", html)
    lazy = [i for i in imgs if re.search(r'\bloading=["\']?lazy', i)]
    return {"images": len(imgs), "lazy": len(lazy),
            "not_lazy": [re.search(r'src=["\']([^"\']{0,80})', i).group(1) if "src=" in i else i[:80]
                         for i in imgs if i not in lazy]}


def run_lighthouse(url: str, chrome: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        cmd = ["node", str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
               f"--chrome-flags={CHROME_FLAGS}",
               "--only-categories=performance,accessibility,best-practices,seo"]
        env = dict(os.environ, CHROME_PATH=chrome)
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
        if proc.returncode != 0 or not out.exists():
            raise SystemExit(f"lighthouse failed on {url}:\n{proc.stderr[-3000:]}")
        return json.loads(out.read_text(encoding="utf-8"))


def summarize(lhr: dict, html: str) -> dict:
    audits = lhr["audits"]
    requests = audits["network-requests"]["details"]["items"]
    by_type: dict[str, int] = {}
    for r in requests:
        by_type[r.get("resourceType", "Other")] = by_type.get(r.get("resourceType", "Other"), 0) + r.get("transferSize", 0)
    core = sum(v for k, v in by_type.items() if k in CORE_TYPES)
    offscreen = audits.get("offscreen-images", {})
    failing = {k: a["title"] for k, a in audits.items()
               if a.get("score") is not None and a["score"] < 1 and a.get("scoreDisplayMode") in ("binary", "numeric")
               and k not in ("network-requests",)}
    return {
        "url": lhr["finalDisplayedUrl"],
        "lighthouse": lhr["lighthouseVersion"],
        "form_factor": lhr["configSettings"]["formFactor"],
        "scores": {k: c["score"] for k, c in lhr["categories"].items()},
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
        "fcp_ms": round(audits["first-contentful-paint"]["numericValue"]),
        "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
        "dom_elements": round(audits["dom-size"]["numericValue"]),
        "core_kib": round(core / 1024, 1),
        "transfer_kib_by_type": {k: round(v / 1024, 1) for k, v in sorted(by_type.items())},
        "offscreen_images_not_deferred": len((offscreen.get("details") or {}).get("items", [])),
        "img_tags": lazy_images(html),
        "audits_below_1": failing,
    }


def misses(result: dict) -> list[str]:
    out = []
    for cat in ("performance", "accessibility", "best-practices", "seo"):
        if (result["scores"].get(cat) or 0) < TARGETS[cat]:
            out.append(f"{cat} {result['scores'].get(cat)} < {TARGETS[cat]}")
    if result["cls"] > TARGETS["cls"]:
        out.append(f"CLS {result['cls']:.4f} > 0")
    if result["core_kib"] > TARGETS["core_kib"]:
        out.append(f"HTML+CSS+JS+fonts {result['core_kib']} KiB > {TARGETS['core_kib']} KiB")
    if result["offscreen_images_not_deferred"]:
        out.append(f"{result['offscreen_images_not_deferred']} offscreen images not lazy-loaded")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, default=Path(os.environ.get("SITE_DIR", ROOT / "site")))
    parser.add_argument("--page", action="append", help="site-relative path (repeatable); "
                        "default: the concept page and the first lab page")
    parser.add_argument("--runs", type=int, default=3, help="runs per page; the median-performance run is kept")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--check", action="store_true", help="exit 1 when the concept page misses a target")
    args = parser.parse_args()

    chrome = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")  # the browser tests read the same
    if not (args.site / "index.html").is_file():
        raise SystemExit(f"{args.site} is not a built site: run `mkdocs build --strict` first")
    if not LIGHTHOUSE.is_file():
        raise SystemExit("Lighthouse is not installed: run `npm ci` in benchmarks/lighthouse/")
    pages = args.page or [p for p in (CONCEPT, default_lab(args.site)) if p]

    httpd, base = serve(args.site)
    results = []
    try:
        for page in pages:
            html = (args.site / page / "index.html").read_text(encoding="utf-8")
            runs = [summarize(run_lighthouse(base + page, chrome), html) for _ in range(args.runs)]
            perf = [r["scores"]["performance"] for r in runs]
            kept = sorted(runs, key=lambda r: r["scores"]["performance"])[len(runs) // 2]
            kept["page"] = page
            kept["performance_runs"] = perf
            kept["performance_median"] = statistics.median(perf)
            kept["misses"] = misses(kept)
            results.append(kept)
    finally:
        httpd.shutdown()

    print(f"{'page':52} {'perf':>5} {'a11y':>5} {'bp':>5} {'seo':>5} {'CLS':>7} {'core KiB':>9}  lazy imgs")
    for r in results:
        s, imgs = r["scores"], r["img_tags"]
        print(f"{r['page']:52} {s['performance']:5.2f} {s['accessibility']:5.2f} {s['best-practices']:5.2f} "
              f"{s['seo']:5.2f} {r['cls']:7.4f} {r['core_kib']:9.1f}  {imgs['lazy']}/{imgs['images']} "
              f"(offscreen not deferred: {r['offscreen_images_not_deferred']})")
        print(f"{'':52} perf runs {r['performance_runs']}; bytes by type {r['transfer_kib_by_type']}")
        for miss in r["misses"]:
            print(f"{'':52} MISS {miss}")
        for key, title in r["audits_below_1"].items():
            print(f"{'':52}   audit {key}: {title}")

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"targets": TARGETS, "chromium": chrome, "pages": results}, indent=2) + "\n",
                        encoding="utf-8")
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    concept = next((r for r in results if r["page"] == CONCEPT), None)
    return 1 if args.check and concept and concept["misses"] else 0


if __name__ == "__main__":
    sys.exit(main())
