"""When a file last changed, from git, or None when git cannot say for sure.

A shallow clone (CI's ``git clone --depth 1``) knows only the newest commits: a file whose last
change is older appears to have changed in the oldest commit the clone has, the shallow
boundary. So a date that comes from a boundary commit is not reported: no date is better than
a wrong one. Outside a git checkout, or for a file git does not track, there is none either.
"""

from __future__ import annotations

import datetime
import subprocess
from pathlib import Path


def _git(folder: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, check=False)
    except FileNotFoundError:  # no git installed
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def _shallow_boundary(folder: Path) -> set[str]:
    shallow = _git(folder, "rev-parse", "--path-format=absolute", "--git-path", "shallow")
    if shallow is None or not Path(shallow).is_file():
        return set()
    return set(Path(shallow).read_text(encoding="utf-8").split())


def last_change(path: Path) -> datetime.date | None:
    """The committer date of the last commit that touched ``path``, if git knows it for sure."""
    found = _git(path.parent, "log", "-1", "--format=%H %cs", "--", path.name)
    if not found:
        return None
    commit, day = found.split()
    if commit in _shallow_boundary(path.parent):
        return None
    return datetime.date.fromisoformat(day)
