"""benchmarks/course_scale.py: the synthetic concepts are concepts the build accepts."""

from __future__ import annotations

import shutil
from pathlib import Path

from benchmarks.course_scale import DOMAIN, FIRST_NUMBER, add_synthetic_concepts
from hooks.concepts import read_concepts
from hooks.labs import find_labs

ROOT = Path(__file__).resolve().parents[2]


def test_synthetic_concepts_pass_the_concept_checks_and_each_has_a_part_and_a_lab(tmp_path):
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    pages = add_synthetic_concepts(tmp_path, 3)
    docs = tmp_path / "docs"
    concepts = read_concepts(docs)  # raises, naming the page and field, on anything the build refuses
    synthetic = [uri for uri in concepts if uri.startswith(f"{DOMAIN}/")]
    assert sorted(synthetic) == [f"{DOMAIN}/concept-{n}/index.md" for n in range(FIRST_NUMBER, FIRST_NUMBER + 3)]
    assert [page.relative_to(docs).as_posix() for page in pages] == sorted(synthetic)
    for page in pages:
        assert (page.parent / "details.md").is_file() and 'finding("sample"' in page.read_text()
    labs = find_labs((p.relative_to(docs).as_posix(), p) for p in (docs / DOMAIN).rglob("*.py"))
    assert len(labs) == 3 and all(lab.source.read_text() == (ROOT / "templates/lab.py").read_text() for lab in labs)
