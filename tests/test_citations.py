"""The bibliography and the pages agree.

* every ``[^key]`` a page cites has an entry in ``docs/references.yml``;
* every entry passes the bibliography schema (authors, title, venue, year, a DOI, arXiv or DOI-less publisher URL);
* no entry is unused: each is cited by some page or listed in some page's ``concept.papers``.

Parsing is the build's own (``hooks/concepts.py``), so this test and the site cannot disagree
about what counts as a citation.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hooks.concepts import (
    CODE,
    REFERENCE_URL,
    REFERENCES_FILE,
    BibliographyError,
    cited_keys,
    load_references,
    read_concepts,
)

DOCS = Path(__file__).resolve().parents[1] / "docs"
PAGES = sorted(DOCS.rglob("*.md"))
RAW = yaml.safe_load((DOCS / REFERENCES_FILE).read_text(encoding="utf-8")) or {}


def page_id(path: Path) -> str:
    return path.relative_to(DOCS).as_posix()


def test_bibliography_loads_and_is_not_empty():
    references = load_references(DOCS)  # raises on a missing field or a malformed URL
    assert references, "docs/references.yml has no entries"


@pytest.mark.parametrize("path", PAGES, ids=page_id)
def test_every_citation_resolves(path: Path):
    unknown = sorted(set(cited_keys(path.read_text(encoding="utf-8"))) - RAW.keys())
    assert not unknown, f"{page_id(path)} cites {unknown}, missing from docs/{REFERENCES_FILE}"


@pytest.mark.parametrize("path", PAGES, ids=page_id)
def test_no_citation_reads_as_a_definition(path: Path):
    """``text[^key]: more`` mid-line renders as a footnote reference, but the build's CITATION
    pattern skips any ``[^key]`` followed by a colon, so no footnote text would be generated."""
    prose = CODE.sub("", path.read_text(encoding="utf-8"))
    bad = re.findall(r"(?<!^)(?<!\n)\[\^([A-Za-z][\w-]*)\]:", prose)
    assert not bad, f"{page_id(path)}: [^{bad[0]}] is followed by ':'; reword so it is not"


def test_no_reference_is_unused():
    used = set()
    for path in PAGES:
        used |= set(cited_keys(path.read_text(encoding="utf-8")))
    for concept in read_concepts(DOCS).values():
        used |= {paper.reference.key for paper in concept.papers}
    unused = sorted(RAW.keys() - used)
    assert not unused, f"docs/{REFERENCES_FILE} entries cited by no page: {unused}"


# --- the checks above catch what they claim to catch ---------------------------


def test_citation_parsing_ignores_code_and_definitions():
    text = "Prose[^a] and `[^b]` in code.\n\n```md\n[^c]\n```\n\n[^d]: defined here\nUse[^d]."
    assert cited_keys(text) == ["a"]


def test_prose_between_two_fences_is_still_prose():
    """Regression: a fence pattern that let ``^\\s*`` swallow the blank line before a fence
    matched from one fence to the next and hid every citation in the prose between them."""
    text = "Intro.\n\n```python\nx = 1\n```\n\nMiddle[^b].\n\n```python\ny = 2\n```\n"
    assert cited_keys(text) == ["b"]
    tabbed = '=== "Tab"\n\n    ```python\n    z = 3\n    ```\n\nAfter[^c].\n\n```python\nw = 4\n```\n'
    assert cited_keys(tabbed) == ["c"]


@pytest.mark.parametrize(
    "url, ok",
    [
        ("https://arxiv.org/abs/1906.02629", True),
        ("https://doi.org/10.1109/CVPR.2016.308", True),
        ("http://arxiv.org/abs/1906.02629", False),
        ("https://arxiv.org/pdf/1906.02629", False),
        ("https://arxiv.org/abs/1906.02629v2", False),
        ("https://doi.org/1109/x", False),
        ("https://example.com/paper.pdf", False),
        ("https://jmlr.org/papers/v15/srivastava14a.html", True),  # JMLR issues no DOIs
        ("https://jmlr.org/papers/v15/srivastava14a.pdf", False),  # the page, not the PDF
        ("http://jmlr.org/papers/v15/srivastava14a.html", False),
        ("https://proceedings.mlr.press/v37/ioffe15.html", True),
        ("https://proceedings.mlr.press/v37/ioffe15.html.evil.com/x", False),
        ("https://proceedings.neurips.cc/paper/2019/hash/f1748d6b0fd9d439f71450117eba2725-Abstract.html", True),
        ("https://openreview.net/forum?id=B1ckMDqlg", True),
        ("https://openreview.net/pdf?id=B1ckMDqlg", False),
        ("https://aclanthology.org/P19-1001/", True),
        ("https://jmlr.org.example.com/papers/v15/x.html", False),
    ],
)
def test_url_patterns(url: str, ok: bool):
    assert bool(re.match(REFERENCE_URL, url)) is ok


def test_loader_rejects_a_bad_url(tmp_path: Path):
    (tmp_path / REFERENCES_FILE).write_text(
        "bad:\n  authors: A\n  title: T\n  venue: V\n  year: 2020\n  url: https://example.com/x\n",
        encoding="utf-8",
    )
    with pytest.raises(BibliographyError, match=r"reference 'bad' field 'url' must be a DOI .* or, for a paper with "
                                                r"neither, its page at a publisher without DOIs: JMLR \(https://jmlr"):
        load_references(tmp_path)


def test_a_longer_fence_may_show_a_shorter_one():
    text = "````md\n```\n[^shown]\n```\n````\n\nCited[^real].\n"
    assert cited_keys(text) == ["real"]
