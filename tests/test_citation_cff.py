"""CITATION.cff at the repository root is valid Citation File Format 1.2.0.

The schema is the format's own, ``schema.json`` of citation-file-format/citation-file-format at
tag 1.2.0 (commit 396f738f, CC BY 4.0), kept beside this test so that nothing is downloaded.
(cffconvert 2.0.0 would validate it too, but pins jsonschema 3, older than this project's.)
"""

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from hooks.concepts import read_concepts

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((Path(__file__).parent / "citation-cff-1.2.0.schema.json").read_text(encoding="utf-8"))


def validate(text: str) -> None:
    jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(yaml.safe_load(text))


def test_citation_cff_is_valid():
    validate((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def test_the_schema_rejects_a_broken_file():
    broken = (ROOT / "CITATION.cff").read_text(encoding="utf-8").replace("cff-version: 1.2.0", "cff-version: 1.2")
    with pytest.raises(jsonschema.ValidationError):
        validate(broken)


def test_it_says_how_much_of_the_course_the_repository_holds():
    """The course is planned at docs/course.yml's size; the citation counts the concepts published."""
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    size = yaml.safe_load((ROOT / "docs" / "course.yml").read_text(encoding="utf-8"))["size"]
    published = len(read_concepts(ROOT / "docs"))
    abstract = " ".join(cff["abstract"].split())
    assert f"{size}-concept" in cff["title"] and f"planned at {size}" in abstract
    assert f"It holds {published} concept pages" in abstract
    assert f"course of {size}" not in cff["title"]  # not a claim to be the whole course
