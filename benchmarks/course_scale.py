"""The site at course scale: N synthetic concepts added to a temporary copy of the repository.

    .venv/bin/python -m benchmarks.course_scale                  # N = 10, 50, 100; writes the results
    .venv/bin/python -m benchmarks.course_scale --sizes 2 --allow-loaded --out /tmp/scale.json   # a check

Each synthetic concept is a folder under ``docs/domains/synthetic/``, made from the templates an
author copies: an overview page (``templates/concept-page.md``, with its front matter filled in, a
finding quoted from its lab and a link to its part), one part page and one lab
(``templates/lab.py``, with a figure and a results cell). For each N, in a fresh copy:

* **cold build**: ``properdocs build --strict`` with no ``.cache/``, so every lab runs (once);
* **warm build**: the same build again with nothing changed (median of ``--repeats``);
* **edit to reload**: under ``properdocs serve --livereload --dirty`` (``make serve``), saves of one
  synthetic concept's overview until the browser is told to reload (benchmarks/reload_time.py);
* **peak memory**: the largest resident set of a build process (its own, not the lab kernels').

Targets at N = 100: warm build within 30 s, edit to reload within 2 s, and a warm build's cost per
page flat or falling as N grows. The load rule is every benchmark's (benchmarks/machine.py).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import machine  # noqa: E402
from benchmarks.reload_time import Server, one_edit, page_url  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "course_scale.json"
SIZES = (10, 50, 100)
TARGETS = {"warm_s": 30.0, "reload_s": 2.0}
DOMAIN = "domains/synthetic"
FIRST_NUMBER = 1001  # clear of the course's own concept numbers; the copy's course grows to fit


def concept_page(number: int) -> str:
    """A concept overview from templates/concept-page.md, its front matter filled in."""
    template = (ROOT / "templates" / "concept-page.md").read_text(encoding="utf-8")
    body = template.split("\n---\n", 1)[1]
    return (
        f"---\ntitle: Synthetic concept {number}\ndescription: A generated concept for the course-scale benchmark.\n"
        f"render_macros: true\nconcept:\n  number: {number}\n  summary: Generated, to measure the build.\n"
        "  key_equation: 'y = f(x)'\n  prerequisites: []\n  next_extra: []\n  papers: []\n"
        "  parts:\n    - page: details.md\n      summary: The generated part page.\n---\n"
        f"{body}\n## Finding\n\nSmoothed against hard targets: "
        '{{ finding("sample", "confidence", "smoothed", "hard") }}. [The details](details.md).\n'
    )


def add_synthetic_concepts(project: Path, count: int) -> list[Path]:
    """Write ``count`` concepts into the copy at ``project``; return their overview pages."""
    domain = project / "docs" / DOMAIN
    (domain).mkdir(parents=True)
    domain_page = (ROOT / "templates" / "domain-page.md").read_text(encoding="utf-8")
    (domain / "index.md").write_text(domain_page.replace("Domain Name", "Synthetic"), encoding="utf-8")
    lab = (ROOT / "templates" / "lab.py").read_text(encoding="utf-8")
    pages = []
    for number in range(FIRST_NUMBER, FIRST_NUMBER + count):
        folder = domain / f"concept-{number}"
        (folder / "labs").mkdir(parents=True)
        (folder / "index.md").write_text(concept_page(number), encoding="utf-8")
        (folder / "details.md").write_text(f"---\ntitle: Details of concept {number}\npart:\n  teaches: The generated details.\n  needs: The concept's overview.\n"
                                           f"---\n\n# Details of concept {number}\n\nA part page.\n",
                                           encoding="utf-8")
        (folder / "labs" / "sample.py").write_text(lab, encoding="utf-8")
        pages.append(folder / "index.md")
    course = project / "docs" / "course.yml"
    size = FIRST_NUMBER + count - 1
    course.write_text(course.read_text(encoding="utf-8").replace("size: 100", f"size: {size}", 1), encoding="utf-8")
    return pages


def copy_project(destination: Path) -> Path:
    """The repository's tracked files, without caches or a built site; node_modules shared."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    (destination / "node_modules").symlink_to((ROOT / "node_modules").resolve(), target_is_directory=True)
    return destination


def build_env() -> dict[str, str]:
    env = {**os.environ, "LAB_EXECUTION": "cache"}
    env.pop("SITE_URL", None)
    env.pop("DEPLOY", None)
    return env


def timed_build(project: Path) -> tuple[float, float]:
    """Wall time in seconds and peak resident set in MiB of one strict build."""
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "properdocs", "build", "--strict", "--quiet"],
                               cwd=project, env=build_env(), stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    errors = process.stderr.read() if process.stderr else ""
    if process.returncode:
        raise SystemExit(f"the build in {project} failed:\n{errors[-4000:]}")
    return seconds, usage.ru_maxrss / 1024  # Linux reports KiB


def measure(count: int, repeats: int, edits: int) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"course-scale-{count}-") as folder:
        project = copy_project(Path(folder))
        pages = add_synthetic_concepts(project, count)
        cold_s, cold_mib = timed_build(project)
        warm = [timed_build(project) for _ in range(repeats)]
        site_pages = sum(1 for _ in (project / "site").rglob("index.html"))
        page = pages[len(pages) // 2]
        original = page.read_bytes()
        server = Server(["--dirty"], root=project)
        try:
            server.wait_until_serving()
            time.sleep(1.0)  # the watcher settles after the first build
            runs = [one_edit(server, page, page_url(page, project / "docs"),
                             original + f"\n<!-- edit {index} -->\n".encode() if index % 2 == 0 else original)
                    for index in range(edits)]
        finally:
            server.stop()
    warm_s = [seconds for seconds, _ in warm]
    return {
        "concepts": count,
        "pages": site_pages,
        "cold_s": round(cold_s, 2),
        "warm_s": machine.spread([round(seconds, 2) for seconds in warm_s]),
        "warm_ms_per_page": round(1000 * sorted(warm_s)[len(warm_s) // 2] / site_pages, 1),
        "reload_s": machine.spread([round(run["reload_s"], 3) for run in runs]),
        "peak_mib": round(max([cold_mib, *(mib for _, mib in warm)]), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="numbers of synthetic concepts")
    parser.add_argument("--repeats", type=int, default=3, help="warm builds per size")
    parser.add_argument("--edits", type=int, default=5, help="saves under serve per size")
    parser.add_argument("--out", type=Path, default=RESULTS)
    machine.add_allow_loaded_flag(parser)
    args = parser.parse_args()
    if min(args.sizes) < 1 or args.repeats < 1 or args.edits < 1:
        parser.error(f"--sizes, --repeats and --edits must be at least 1 (got {args.sizes}, {args.repeats}, {args.edits})")

    record = machine.require_quiet(args.allow_loaded)
    sizes = []
    for count in args.sizes:
        sizes.append(measure(count, args.repeats, args.edits))
        print(json.dumps(sizes[-1]), flush=True)
    results = {
        "benchmark": "N synthetic concepts (overview, part, lab from templates/) in a copy: cold and warm "
                     "`properdocs build --strict`, edit to reload under `properdocs serve --livereload --dirty`, "
                     "peak resident set of the build process",
        "targets": TARGETS,
        "sizes": sizes,
        "machine": machine.finish(record),
    }
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}" + ("  (LOADED: not publishable)" if record["loaded"] else ""))


if __name__ == "__main__":
    main()
