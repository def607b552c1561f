"""Mutation testing of the numerics the pages teach; target: >= 97 % of mutants killed.

    make mutation                  # sets up .venv, then runs this with 2 workers
    .venv/bin/python -m benchmarks.mutation --workers 1 --module calibration

mutmut (configured in pyproject.toml's [tool.mutmut]) makes one small change at a time (an
operator, a constant, an argument) in snippets/label_smoothing.py, calibration.py and
distillation.py, and runs the tests of tests/snippets that reach the changed function. A
mutant is killed when a test fails or it runs past mutmut's CPU-time limit. A survivor is
either a gap in the tests or equivalent: no input can tell it from the original. The
equivalent ones are listed in EQUIVALENT below, each with the reason; any other survivor
is reported as unexplained. The score is killed / (total - equivalent), per module.

Results go to benchmarks/results/mutation.json; `python -m benchmarks.report` puts the scores
in the README. It runs in the site's environment (mutmut is pinned in requirements.txt), never in
`make test`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from importlib.metadata import version
from pathlib import Path

from benchmarks.machine import cpu_model

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "mutation.json"
LOG = ROOT / "mutants" / "mutation.log"
MODULES = ("label_smoothing", "calibration", "distillation")
TARGET = 0.97
KILLED = {"killed", "timeout"}

# Survivors that no test can kill, by module, function and the mutated line as mutmut
# writes it. The line, not mutmut's numbered name, so an edit elsewhere keeps the match.
ANY_AXIS_SAME_SIGN = (
    "summing over any other axis (or all) and then averaging gives the total over a "
    "constant: the slope keeps its sign, so the root and the chance test are unchanged"
)
EQUIVALENT: dict[tuple[str, str, str], str] = {
    ("label_smoothing", "_as_float", "return array.astype(None)"):
        "astype(None) converts to float64, NumPy's default dtype",
    ("label_smoothing", "_check_labels", "if (ignore_index is None) and False"):
        "labels != None is True everywhere: the same mask as np.ones",
    ("label_smoothing", "_check_labels", "return np.where(keep, labels, 1), keep"):
        "an ignored position needs only a valid index (K >= 2): every use multiplies it by 0",
    (
        "label_smoothing",
        "_logsumexp_terms",
        "rows, labels = logits.reshape(-2, logits.shape[-1]), labels.reshape(-1)",
    ): "NumPy's reshape infers a dimension given as any negative number",
    (
        "label_smoothing",
        "_logsumexp_terms",
        "rows, labels = logits.reshape(-1, logits.shape[-1]), labels.reshape(-2)",
    ): "NumPy's reshape infers a dimension given as any negative number",
    ("label_smoothing", "_logsumexp_terms", "for start in range(0, n, ):"):
        "chunks starting at every row overlap: rows are recomputed with the same values "
        "(slower, not different; a speed change is for benchmarks, not tests)",
    (
        "label_smoothing",
        "smoothed_cross_entropy",
        "return loss.sum() / total_weight if total_weight > 0 else z.dtype.type(None)",
    ): "np.float64(None) and np.float32(None) are NaN",
    (
        "label_smoothing",
        "smoothed_cross_entropy_grad",
        "grad *= np.where(counted, scale, 0).astype(None)",
    ): "a (..., 1) factor in float64; the in-place product rounds into the float32 "
    "gradient without a float64 (..., K) temporary: same dtype, same values",
    (
        "label_smoothing",
        "smoothed_cross_entropy_grad",
        "grad *= np.where(counted, scale, 1).astype(z.dtype)",
    ): "an ignored position's gradient is exactly 0 before this scaling: 0 * 1 = 0 * 0",
    (
        "label_smoothing",
        "smoothed_cross_entropy_grad",
        "true_class = np.take_along_axis(grad, labels[..., None], )",
    ): "take_along_axis's axis defaults to -1 in NumPy 2.4",
    (
        "calibration",
        "reliability_diagram",
        'bins = np.minimum(np.searchsorted(edges, confidence, ) - 1, n_bins - 1)',
    ): "side='left' is searchsorted's default",
    ("calibration", "_nll_slope", "return float(np.mean(np.sum(p * (z - z_true[..., None]), axis=None)))"):
        ANY_AXIS_SAME_SIGN,
    ("calibration", "_nll_slope", "return float(np.mean(np.sum(p * (z - z_true[..., None]), )))"):
        ANY_AXIS_SAME_SIGN,
    ("calibration", "_nll_slope", "return float(np.mean(np.sum(p * (z - z_true[..., None]), axis=+1)))"):
        ANY_AXIS_SAME_SIGN,
    ("calibration", "_nll_slope", "return float(np.mean(np.sum(p * (z - z_true[..., None]), axis=-2)))"):
        ANY_AXIS_SAME_SIGN,
    ("calibration", "fit_temperature", "z = _check_logits(logits).astype(None)"):
        "astype(None) converts to float64, NumPy's default dtype",
    (
        "calibration",
        "fit_temperature",
        "z_true = np.take_along_axis(z, labels[..., None], )[..., 0]",
    ): "take_along_axis's axis defaults to -1 in NumPy 2.4",
    ("calibration", "fit_temperature", "low, high = 0.0, 2.0"):
        "any positive first guess brackets the same root; only the number of doublings changes",
    ("calibration", "fit_temperature", "low, high = high, 3 * high"):
        "any growth factor > 1 brackets the same root; only the number of steps changes",
    ("calibration", "fit_temperature", "while _nll_slope(high, z, z_true) <= 0:"):
        "a slope of exactly 0 at high makes high the root; one more doubling keeps it as "
        "the bracket's left end, which brentq returns",
    ("distillation", "distillation_loss_grad", "positions = student.size / student.shape[-1]"):
        "the size is a whole multiple of K: true division gives the same number, as a float",
}


def mutmut(*args: str, log=None) -> str:
    """Run mutmut in this interpreter's environment from the repository root."""
    completed = subprocess.run(
        [sys.executable, "-m", "mutmut", *args],
        cwd=ROOT, check=True, text=True,
        stdout=log or subprocess.PIPE, stderr=subprocess.STDOUT if log else None,
    )
    return completed.stdout or ""


def statuses() -> dict[str, str]:
    """Every mutant's status, from `mutmut results --all true`."""
    lines = mutmut("results", "--all", "true").splitlines()
    return dict(line.strip().rsplit(": ", 1) for line in lines if ": " in line)


def mutated_line(mutant: str) -> str:
    """The line(s) the mutant changed, as `mutmut show` prints them after the '+'."""
    diff = mutmut("show", mutant).splitlines()[3:]  # after the title and the file names
    added = [line[1:].strip() for line in diff if line.startswith("+")]
    removed = [line[1:].strip() for line in diff if line.startswith("-")]
    return " / ".join(added) if added else "(deleted) " + " / ".join(removed)


def function_of(mutant: str) -> str:
    """`snippets.calibration.x_fit_temperature__mutmut_12` -> `fit_temperature`."""
    return re.fullmatch(r"snippets\.\w+?\.x_(\w+)__mutmut_\d+", mutant).group(1)


def score_module(module: str, status_by_mutant: dict[str, str]) -> dict:
    """Counts, equivalent survivors with reasons, and unexplained survivors of one module."""
    prefix = f"snippets.{module}."
    mutants = {m: s for m, s in status_by_mutant.items() if m.startswith(prefix)}
    killed = [m for m, s in mutants.items() if s in KILLED]
    equivalent, unexplained = [], []
    for mutant in sorted(m for m, s in mutants.items() if s not in KILLED):
        function, line = function_of(mutant), mutated_line(mutant)
        entry = {
            "mutant": mutant, "status": mutants[mutant], "function": function, "change": line
        }
        reason = EQUIVALENT.get((module, function, line))
        if reason:
            equivalent.append({**entry, "reason": reason})
        else:
            unexplained.append(entry)
    scored = len(mutants) - len(equivalent)
    return {
        "module": f"snippets/{module}.py",
        "total": len(mutants),
        "killed": len(killed),
        "timeouts": sum(status_by_mutant[m] == "timeout" for m in killed),
        "equivalent": equivalent,
        "unexplained_survivors": unexplained,
        "score": len(killed) / scored if scored else 1.0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--workers", type=int, default=2, help="mutmut's --max-children")
    parser.add_argument("--module", choices=MODULES, action="append", help="default: all three")
    parser.add_argument("--resume", action="store_true", help="keep mutants/ from an earlier run")
    args = parser.parse_args()
    modules = args.module or list(MODULES)

    if not args.resume:
        shutil.rmtree(ROOT / "mutants", ignore_errors=True)
    LOG.parent.mkdir(exist_ok=True)
    with LOG.open("a", encoding="utf-8") as log:
        for module in modules:  # one module at a time: each run tests only its mutants
            print(f"mutmut: snippets/{module}.py (log: {LOG.relative_to(ROOT)})", flush=True)
            mutmut("run", "--max-children", str(args.workers), f"snippets.{module}.*", log=log)

    status_by_mutant = statuses()
    results = {
        "date": date.today().isoformat(),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "load_average_1min": os.getloadavg()[0],
        "mutmut": version("mutmut"),
        "workers": args.workers,
        "target": TARGET,
        "modules": [score_module(module, status_by_mutant) for module in modules],
    }
    if set(modules) == set(MODULES):  # a partial run prints its scores and writes nothing
        RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {RESULTS.relative_to(ROOT)}")

    failed = False
    for result in results["modules"]:
        scored = result["total"] - len(result["equivalent"])
        print(
            f"{result['module']}: {result['killed']} of {scored} killed "
            f"({result['score']:.1%}); {len(result['equivalent'])} more of the "
            f"{result['total']} mutants are equivalent"
        )
        for survivor in result["unexplained_survivors"]:
            print(f"  survived: {survivor['mutant']}: {survivor['change']}")
        failed |= result["score"] < TARGET
    found = {
        (module, e["function"], e["change"])
        for module, result in zip(modules, results["modules"])
        for e in result["equivalent"]
    }
    for module, function, line in sorted(EQUIVALENT.keys() - found):
        if module in modules:  # killed after all, or the code changed
            print(f"  listed as equivalent but did not survive: {module}.{function}: {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
