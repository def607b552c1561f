"""Every Python fence on a page is either run by pytest-markdown-docs or is a snippet include.

pytest-markdown-docs parses CommonMark, so a fence indented inside an admonition or a content
tab is silently not collected. This test finds Python fences the way MkDocs' superfences does
(at any indentation) and fails on any that pytest does not run, unless the fence only includes
code from snippets/ (whose modules are tested under tests/snippets/).
"""

import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from pytest_markdown_docs.plugin import FenceSyntax, extract_fence_tests, parse_superfences_block_info

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted([*ROOT.joinpath("docs").rglob("*.md"), ROOT / "README.md"])
OPENING = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>[^`\n]*)$")
INCLUDE = re.compile(r'^\s*--8<--\s+"[^"]+"\s*$')
PYTHON = {"py", "python", "python3"}


def python_fences(text: str) -> list[tuple[int, list[str]]]:
    """(1-based line of the opening fence, body lines) for every Python fence, nested or not."""
    lines = text.splitlines()
    fences, index = [], 0
    while index < len(lines):
        match = OPENING.match(lines[index])
        if not match:
            index += 1
            continue
        closing = re.compile(rf"^{re.escape(match['indent'])}{match['fence'][0]}{{{len(match['fence'])},}}\s*$")
        end = next((j for j in range(index + 1, len(lines)) if closing.match(lines[j])), len(lines))
        info = parse_superfences_block_info(match["info"])
        if info and info[0] in PYTHON:
            fences.append((index + 1, lines[index + 1 : end]))
        index = end + 1
    return fences


def collected_lines(text: str, path: Path) -> set[int]:
    """1-based opening-fence lines of the fences pytest-markdown-docs will run."""
    tests = extract_fence_tests(
        MarkdownIt("commonmark"), text, 0, path, fence_syntax=FenceSyntax.superfences
    )
    return {test.start_line for test in tests}


def test_fence_finder_sees_indented_fences():
    page = "```python\nx = 1\n```\n\n=== \"Tab\"\n\n    ```python\n    y = 2\n    ```\n"
    assert [line for line, _ in python_fences(page)] == [1, 7]
    assert collected_lines(page, Path("page.md")) == {1}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_python_fence_runs_or_includes_a_tested_snippet(page):
    text = page.read_text(encoding="utf-8")
    run_by_pytest = collected_lines(text, page)
    skipped = [
        f"{page.relative_to(ROOT)}:{line}"
        for line, body in python_fences(text)
        if line not in run_by_pytest and not all(INCLUDE.match(b) or not b.strip() for b in body)
    ]
    assert not skipped, (
        "Python fences that pytest-markdown-docs does not run (indented inside an admonition "
        f"or a content tab?): {skipped}. Move the code to the left margin, or into snippets/ "
        "and include it by section."
    )
