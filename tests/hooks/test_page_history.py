"""hooks/page_history.py: a file's last change from git, and none from a shallow clone that cannot know it."""

import datetime
import subprocess

from hooks.page_history import last_change


def git(folder, *args, date="2020-01-02T12:00:00"):
    env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_AUTHOR_NAME": "a", "GIT_AUTHOR_EMAIL": "a@b",
           "GIT_COMMITTER_NAME": "a", "GIT_COMMITTER_EMAIL": "a@b", "HOME": str(folder), "PATH": "/usr/bin:/bin"}
    subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True, env=env)


def test_full_history_gives_each_file_its_date_and_a_shallow_clone_only_the_dates_it_knows(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "old.md").write_text("old")
    git(repo, "add", "old.md")
    git(repo, "commit", "-qm", "old", date="2020-01-02T12:00:00")
    (repo / "middle.md").write_text("middle")
    git(repo, "add", "middle.md")
    git(repo, "commit", "-qm", "middle", date="2023-06-01T12:00:00")
    (repo / "new.md").write_text("new")
    git(repo, "add", "new.md")
    git(repo, "commit", "-qm", "new", date="2026-12-05T12:00:00")
    assert last_change(repo / "old.md") == datetime.date(2020, 1, 2)
    assert last_change(repo / "new.md") == datetime.date(2026, 12, 5)

    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "2", f"file://{repo}", str(clone))
    assert last_change(clone / "new.md") == datetime.date(2026, 12, 5)  # inside the history it has
    assert last_change(clone / "middle.md") is None  # the boundary commit: its date would be a guess
    assert last_change(clone / "old.md") is None  # would show 2023, which is wrong


def test_no_git_no_date(tmp_path):
    (tmp_path / "page.md").write_text("x")
    assert last_change(tmp_path / "page.md") is None
