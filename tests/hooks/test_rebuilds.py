"""What a dirty rebuild must render again (hooks/rebuilds.py)."""

import os

from hooks.rebuilds import newest_change


def test_newest_change_ignores_markdown_and_missing_roots(tmp_path):
    (tmp_path / "docs").mkdir()
    for name, mtime in (("page.md", 300), ("references.yml", 100), ("docs/style.css", 200)):
        (tmp_path / name).write_text("x")
        os.utime(tmp_path / name, (mtime, mtime))
    (tmp_path / "docs" / "__pycache__").mkdir()
    (tmp_path / "docs" / "__pycache__" / "x.pyc").write_text("x")
    os.utime(tmp_path / "docs" / "__pycache__" / "x.pyc", (900, 900))
    roots = [tmp_path / "docs", tmp_path / "references.yml", tmp_path / "page.md", tmp_path / "absent"]
    assert newest_change(roots) == 200
