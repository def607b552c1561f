"""Every Python fence on a page is either run by pytest-markdown-docs or is a snippet include.

pytest-markdown-docs parses CommonMark, so a fence indented inside an admonition or a content
tab is silently not collected. This test finds Python fences the way MkDocs' superfences does
(at any indentation) and fails on any that pytest does not run, unless the fence only includes
code from snippets/ (whose modules are tested under tests/snippets/).
"""

import contextlib
import io
import re
import textwrap
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


def shown_results(body: list[str]) -> list[str]:
    """The comments of a fence, in order: where a page shows what its prints print."""
    return [line.split("#", 1)[1].strip() for line in body if "#" in line]


def printed_lines(body: list[str]) -> list[str]:
    """What running the fence prints, line by line."""
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(textwrap.dedent("\n".join(body)), "<fence>", "exec"), {"__name__": "__fence__"})
    return output.getvalue().splitlines()


def unshown(printed: list[str], comments: list[str]) -> list[str]:
    """The printed lines that no comment shows, matched in order: a comment shows a line when it
    starts with it, followed by nothing, a colon or a comma ("0.3639, as before")."""
    missing, position = [], 0
    for line in printed:
        shown = re.compile(rf"{re.escape(line.strip())}(?:$|[:,])")
        found = next((i for i in range(position, len(comments)) if shown.match(comments[i])), None)
        if found is None:
            missing.append(line)
        else:
            position = found + 1
    return missing


def test_unshown_finds_a_printed_line_no_comment_shows():
    assert unshown(["0.3639", "158.3"], ["0.3639, as before", "158.3: no overflow"]) == []
    assert unshown(["0.05 0.955 0.035"], ["A model that is right", "0.05 0.955 0.035"]) == []
    assert unshown(["0.3639", "0.2056"], ["0.3639"]) == ["0.2056"]
    assert unshown(["0.36"], ["0.3639"]) == ["0.36"], "a prefix of a longer number is not the number"
    assert unshown(["2", "1"], ["1", "2"]) == ["1"], "in the order printed"


PRINTING = [(page, line, body) for page in PAGES if page.is_relative_to(ROOT / "docs")
            for line, body in python_fences(page.read_text(encoding="utf-8"))
            if any("print(" in b for b in body) and line in collected_lines(page.read_text(encoding="utf-8"), page)]


@pytest.mark.parametrize("page, line, body", PRINTING, ids=[f"{p.relative_to(ROOT)}:{n}" for p, n, _ in PRINTING])
def test_every_printed_result_is_shown_on_the_page(page, line, body):
    """A reader who does not run a snippet still sees what it prints, as a comment beside or below the print."""
    missing = unshown(printed_lines(body), shown_results(body))
    assert not missing, f"{page.relative_to(ROOT)}:{line} prints {missing}, which no comment in the snippet shows"
