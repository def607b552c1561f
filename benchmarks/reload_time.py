"""Measure an author's edit-to-reload time under `properdocs serve` (budget: 2 s on 2 cores).

Starts `properdocs serve --livereload` on a free port, waits for the first build, then saves a
Markdown page again and again (appending and removing an HTML comment) and times, each time:

* **reload**: from the save to the moment the server tells a waiting browser to reload (the
  long-poll `/livereload/<epoch>/<id>` request that the server's injected script makes returns);
* **page**: from the save until the edited page itself has been served (the server holds
  requests until the rebuild is done), which is what the author sees;
* **rebuild**: from the server's "Detected file changes" to its "Reloading browsers" log line
  (the "Documentation built in" line cannot be used: its log drops repeated messages).

The page is restored byte for byte at the end. Lab executions and other caches are used as
`properdocs serve` uses them (warm after the first build). Results go to stdout; `--record` also
writes benchmarks/results/reload_time.json. The load rule is every benchmark's
(benchmarks/machine.py): a loaded machine is refused unless `--allow-loaded`.

    .venv/bin/python -m benchmarks.reload_time        # 5 edits of the concept page, as `make serve` serves
    .venv/bin/python -m benchmarks.reload_time --repeats 9 --page docs/authors.md
    .venv/bin/python -m benchmarks.reload_time --serve-args=   # a full rebuild on every save
    .venv/bin/python -m benchmarks.reload_time --page docs/domains/optimization/label-smoothing/labs/vocabulary-scale.py

A lab (a jupytext ``.py``) is edited with a Python comment: the odd saves change it, so it runs
again; the even ones restore it, so its stored execution is reused.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import machine  # noqa: E402

BUDGET_S = 2.0
RESULTS = ROOT / "benchmarks" / "results" / "reload_time.json"
DEFAULT_PAGE = "docs/domains/optimization/label-smoothing/index.md"
LIVERELOAD = re.compile(r"livereload\((\d+), (\d+)\)")
DETECTED, RELOADING = "Detected file changes", "Reloading browsers"
EDIT_TIMEOUT_S = 120


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`properdocs serve` in a subprocess (of the project at ``root``), with its log collected line by line."""

    def __init__(self, extra_args: list[str], root: Path = ROOT) -> None:
        self.port = free_port()
        env = dict(os.environ)
        env["LAB_EXECUTION"] = "cache"  # force would re-run every lab on every rebuild
        self.process = subprocess.Popen(
            [sys.executable, "-m", "properdocs", "serve", "--livereload", "-a", f"127.0.0.1:{self.port}", *extra_args],
            cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        self.lines: list[str] = []
        self.arrivals: list[tuple[float, str]] = []  # when each log line was read
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.arrivals.append((time.perf_counter(), line))
            self.lines.append(line.rstrip())

    def get(self, path: str, timeout: float = 600) -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/{path}", timeout=timeout) as response:
            return response.read().decode("utf-8")

    def wait_until_serving(self, timeout: float = 900) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit("properdocs serve exited:\n" + "\n".join(self.lines[-30:]))
            try:
                self.get("", timeout=timeout)
                return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("properdocs serve did not start in time")

    def rebuilds(self, since: int) -> list[float]:
        """Durations of the rebuilds logged after log line ``since``: detected change to reload."""
        durations, started = [], None
        for at, line in self.arrivals[since:]:
            if DETECTED in line:
                started = at
            elif RELOADING in line and started is not None:
                durations.append(at - started)
                started = None
        return durations

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def page_url(page: Path, docs: Path = ROOT / "docs") -> str:
    """Directory URL of a page under ``docs``: a/b/index.md -> a/b/, a/b.md -> a/b/, a/labs/c.py -> a/labs/c/."""
    uri = page.relative_to(docs).as_posix().removesuffix(".md").removesuffix(".py")
    return uri.removesuffix("index") if uri == "index" or uri.endswith("/index") else f"{uri}/"


def one_edit(server: Server, page: Path, url: str, content: bytes) -> dict[str, float]:
    """Save ``content`` to ``page``; time the reload signal, the page and the logged rebuild."""
    epoch, request = LIVERELOAD.search(server.get(url)).groups()
    log_before = len(server.arrivals)
    signalled: dict[str, float] = {}

    def wait_for_reload() -> None:
        while int(server.get(f"livereload/{epoch}/{request}", timeout=EDIT_TIMEOUT_S)) <= int(epoch):
            pass  # the server answers an unchanged epoch after its poll timeout: ask again
        signalled["at"] = time.perf_counter()

    poller = threading.Thread(target=wait_for_reload, daemon=True)
    poller.start()
    time.sleep(0.3)  # the poll is waiting, as a browser's would be
    saved = time.perf_counter()
    page.write_bytes(content)
    poller.join(timeout=EDIT_TIMEOUT_S)
    if "at" not in signalled:
        raise SystemExit(f"no reload {EDIT_TIMEOUT_S} s after the save; server log:\n" + "\n".join(server.lines[-20:]))
    server.get(url)
    served = time.perf_counter()
    time.sleep(1.0)  # settle: the log is complete, and no rebuild overlaps the next save
    builds = server.rebuilds(log_before)
    if not builds:
        raise SystemExit("reloaded without a logged rebuild:\n" + "\n".join(server.lines[-40:]))
    if len(builds) > 1:  # the file watcher saw the one save as two changes; the first reloaded
        print(f"  (one save, {len(builds)} rebuilds)", flush=True)
    return {"reload_s": signalled["at"] - saved, "page_s": served - saved, "rebuild_s": builds[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--page", default=DEFAULT_PAGE, help="Markdown page or lab .py to edit (default: the concept page)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--serve-args", default="--dirty",
                        help="extra arguments for `properdocs serve` (default: --dirty, as `make serve` runs it)")
    parser.add_argument("--record", action="store_true", help=f"write {RESULTS.relative_to(ROOT)}")
    machine.add_allow_loaded_flag(parser)
    args = parser.parse_args()

    page = (ROOT / args.page).resolve()
    original = page.read_bytes()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))  # so that `finally` restores the page
    url = page_url(page)
    record = machine.require_quiet(args.allow_loaded)
    server = Server(shlex.split(args.serve_args))
    runs = []
    try:
        server.wait_until_serving()
        time.sleep(1.0)  # let the watcher settle after the first build
        for index in range(args.repeats):
            comment = f"# reload benchmark {index}" if page.suffix == ".py" else f"<!-- reload benchmark {index} -->"
            edited = original if index % 2 else original + f"\n{comment}\n".encode()
            runs.append(one_edit(server, page, url, edited))
            print(f"edit {index + 1}: reload {runs[-1]['reload_s']:.2f} s, page {runs[-1]['page_s']:.2f} s, "
                  f"rebuild {runs[-1]['rebuild_s']:.2f} s", flush=True)
    finally:
        page.write_bytes(original)
        server.stop()
    results = {
        "benchmark": "save a Markdown page under `properdocs serve --livereload`, time until the browser is told to reload",
        "budget_s": BUDGET_S,
        "machine": machine.finish(record),
        "page": args.page,
        "server": "properdocs",
        "serve_args": args.serve_args,
        "repeats": args.repeats,
        **{key: machine.spread([round(run[key], 3) for run in runs]) for key in ("reload_s", "page_s", "rebuild_s")},
    }
    print(json.dumps(results, indent=2))
    median = results["reload_s"]["median"]
    load = results["machine"]["load_average"]
    print(f"median save-to-reload {median:.2f} s ({'within' if median <= BUDGET_S else 'OVER'} the {BUDGET_S:g} s budget); "
          f"1-minute load average {load['before'][0]:.2f} -> {load['after'][0]:.2f} on {record['cores']} cores")
    if args.record:
        RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {RESULTS.relative_to(ROOT)}" + ("  (LOADED: not publishable)" if record["loaded"] else ""))


if __name__ == "__main__":
    main()
