"""Concept pages: front-matter schema, validation, citations and the chapter's anchors.

A concept page is any Markdown page whose front matter has a ``concept:`` mapping. Its fields are
checked against :data:`CONCEPT_SCHEMA` (JSON Schema, validated by ``jsonschema``); the bibliography
``docs/references.yml`` against :data:`REFERENCE_SCHEMA`. A bad field raises :class:`ConceptError`
naming the page and the field. This module does not import MkDocs, so the page macros can use it
under any builder; ``hooks/concepts_hook.py`` adapts it to MkDocs' events.

Derived, never typed: the course size (:data:`COURSE_SIZE`), the part pages' titles (from their own
front matter), and the legacy URL a concept replaces (from the redirects, in the hook).

Citations: a page cites a paper with a footnote ``[^key]`` whose key is in ``docs/references.yml``;
:func:`add_citations` appends the footnote definition, so every page formats references the same
way and an unknown key fails the build.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import yaml

REFERENCES_FILE = "references.yml"
#: The course's size: the badge says "Concept 60 of 100".
COURSE_SIZE = 100
CITATION = re.compile(r"\[\^([A-Za-z][\w-]*)\](?!:)")
# A fenced block (closed by the same fence, so a ```` fence may show ``` inside) or a code span.
CODE = re.compile(r"^([ \t]*)(`{3,}|~{3,}).*?^\1\2|`[^`\n]+`", re.S | re.M)
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)

#: A bibliography entry links a DOI or an arXiv abstract.
REFERENCE_URL = r"^(https://doi\.org/10\.\d{4,9}/\S+|https://arxiv\.org/abs/\d{4}\.\d{4,5})$"
_TEXT = {"type": "string", "minLength": 1}
_PAGE = {"type": "string", "pattern": r"\.md$"}

CONCEPT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["number", "domain", "phase", "summary", "key_equation", "prerequisites", "next"],
    "properties": {
        "number": {"type": "integer", "minimum": 1, "maximum": COURSE_SIZE},
        "domain": _TEXT,
        "phase": {"type": "string", "pattern": r"^Phase \d+: \S"},
        "summary": _TEXT,
        "key_equation": _TEXT,
        # paths under docs/; empty lists are fine (a first or a last concept)
        "prerequisites": {"type": "array", "items": _PAGE},
        "next": {"type": "array", "items": _PAGE},
        "papers": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["key"],
                "properties": {"key": _TEXT, "note": {"type": "string"}},
            },
        },
        # a chapter: its part pages, relative to the concept page, in reading order
        "parts": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["page", "summary"],
                "properties": {"page": _PAGE, "summary": _TEXT},
            },
        },
        # ids of sections that left the overview -> the part page (and id) that now holds them
        "moved_anchors": {"type": "object", "additionalProperties": _TEXT},
    },
}

#: A part page's own front matter, ``part:``: what it teaches and what a reader needs first, shown
#: at its top by ``{{ part_opener() }}`` with its reading time (derived from its text, not typed).
PART_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["teaches", "needs"],
    "properties": {"teaches": _TEXT, "needs": _TEXT},
}

REFERENCE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["authors", "title", "venue", "year", "url"],
    "properties": {
        "authors": _TEXT,
        "title": _TEXT,
        "venue": _TEXT,
        "year": {"type": "integer", "minimum": 1900},
        "url": {"type": "string", "pattern": REFERENCE_URL},
    },
}


class ConceptError(ValueError):
    """Bad concept metadata or bibliography; the message names the file and the field."""

    def __init__(self, page: str, field: str, problem: str) -> None:
        super().__init__(f"{page}: front matter field '{field}' {problem}")


class BibliographyError(ValueError):
    """A bad entry in docs/references.yml, or a citation of a key it lacks."""


def _check(instance: Any, schema: dict[str, Any], raise_error) -> None:
    """Validate ``instance``; report the first error, by field path, through ``raise_error``."""
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(instance))
    if error is None:
        return
    path = ".".join(str(p) for p in error.absolute_path)
    if error.validator == "required":
        missing = next(k for k in error.validator_value if k not in error.instance)
        raise_error(".".join(filter(None, (path, missing))), "is missing")
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        raise_error(".".join(filter(None, (path, extra[0]))), "is not a known field")
    if error.validator == "minLength":
        raise_error(path, "is missing")
    if error.validator == "pattern" and path.endswith("url"):
        raise_error(path, f"must be https://doi.org/10.… or https://arxiv.org/abs/NNNN.NNNNN, got {error.instance!r}")
    if error.validator == "pattern" and path == "phase":
        raise_error(path, f"must read 'Phase N: Name', got {error.instance!r}")
    raise_error(path, f"{error.message.replace(repr(error.instance), '').strip()}, got {error.instance!r}")


@dataclass(frozen=True)
class Reference:
    key: str
    authors: str
    title: str
    venue: str
    year: int
    url: str

    @property
    def footnote(self) -> str:
        return f"{self.authors}. *{self.title}*. {self.venue}, {self.year}. <{self.url}>"


@dataclass(frozen=True)
class Paper:
    reference: Reference
    note: str


def directory_url(src_uri: str) -> str:
    """Site-root-relative directory URL: ``a/b/index.md`` → ``a/b/``, ``a/b.md`` → ``a/b/``."""
    stem = src_uri.removesuffix(".md")
    return stem.removesuffix("index") if stem == "index" or stem.endswith("/index") else f"{stem}/"


@dataclass(frozen=True)
class Part:
    """A deep-dive page of a concept that is a chapter."""

    src_uri: str
    title: str
    summary: str
    #: From the part page's ``part:`` front matter (:data:`PART_SCHEMA`).
    teaches: str = ""
    needs: str = ""

    @property
    def url(self) -> str:
        return directory_url(self.src_uri)


@dataclass(frozen=True)
class Concept:
    src_uri: str
    title: str
    number: int
    domain: str
    phase: str
    summary: str
    key_equation: str
    prerequisites: tuple[str, ...]
    next: tuple[str, ...]
    papers: tuple[Paper, ...]
    parts: tuple[Part, ...] = ()
    #: Anchors of the page before it became a chapter, by id: where each now lives ("math.md").
    moved_anchors: tuple[tuple[str, str], ...] = ()
    total: int = COURSE_SIZE

    @property
    def url(self) -> str:
        return directory_url(self.src_uri)

    @property
    def phase_short(self) -> str:
        """"Phase 3: Optimization & generalization" → "Phase 3"."""
        return self.phase.split(":")[0]


def front_matter(path: Path, src_uri: str) -> dict[str, Any]:
    """The YAML front matter of a Markdown page ({} when it has none)."""
    match = FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    if not match:
        return {}
    try:
        meta = yaml.safe_load(match.group(1) or "") or {}
    except yaml.YAMLError as error:
        raise ConceptError(src_uri, "(front matter)", f"is not valid YAML: {error}") from None
    if not isinstance(meta, dict):
        raise ConceptError(src_uri, "(front matter)", f"must be a mapping, got {meta!r}")
    return meta


def load_references(docs_dir: str | Path) -> dict[str, Reference]:
    """Read and check the bibliography; every entry needs a DOI or arXiv link."""
    path = Path(docs_dir) / REFERENCES_FILE
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    references = {}
    for key, entry in raw.items():

        def fail(field: str, problem: str, key: str = key) -> None:
            raise BibliographyError(f"{path}: reference '{key}' field '{field}' {problem}")

        _check(entry, REFERENCE_SCHEMA, fail)
        references[key] = Reference(key=key, **entry)
    return references


def parse_concept(
    src_uri: str, title: str, meta: Any, references: dict[str, Reference], docs: Path
) -> Concept:
    """Validate one page's ``concept:`` mapping and return it as a Concept."""

    def fail(field: str, problem: str) -> None:
        raise ConceptError(src_uri, f"concept.{field}" if field else "concept", problem)

    _check(meta, CONCEPT_SCHEMA, fail)
    for index, entry in enumerate(meta.get("papers", [])):
        if entry["key"] not in references:
            fail(f"papers.{index}.key", f"{entry['key']!r} has no entry in docs/{REFERENCES_FILE}")
    papers = tuple(Paper(references[e["key"]], e.get("note", "")) for e in meta.get("papers", []))
    parts = []
    for index, entry in enumerate(meta.get("parts", [])):
        part_uri = posixpath.normpath(posixpath.join(posixpath.dirname(src_uri), entry["page"]))
        if not (docs / part_uri).is_file():
            fail(f"parts.{index}.page", f"{entry['page']!r} is not a page beside {src_uri}")
        part_meta = front_matter(docs / part_uri, part_uri)
        if "concept" in part_meta or not part_meta.get("title"):
            fail(f"parts.{index}.page", f"{entry['page']!r} needs a title and no concept: mapping of its own")
        opener = part_meta.get("part")

        def fail_part(field: str, problem: str, part_uri: str = part_uri) -> None:
            raise ConceptError(part_uri, f"part.{field}" if field else "part", problem)

        _check(opener, PART_SCHEMA, fail_part)
        parts.append(Part(part_uri, part_meta["title"], entry["summary"], opener["teaches"], opener["needs"]))
    return Concept(
        src_uri=src_uri,
        title=title,
        number=meta["number"],
        domain=meta["domain"],
        phase=meta["phase"],
        summary=meta["summary"],
        key_equation=meta["key_equation"],
        prerequisites=tuple(meta["prerequisites"]),
        next=tuple(meta["next"]),
        papers=papers,
        parts=tuple(parts),
        moved_anchors=tuple(sorted(meta.get("moved_anchors", {}).items())),
    )


def read_concepts(
    docs_dir: str | Path, references: dict[str, Reference] | None = None
) -> dict[str, Concept]:
    """Parse every concept page under ``docs_dir`` and check links between them."""
    docs = Path(docs_dir)
    references = load_references(docs) if references is None else references
    concepts: dict[str, Concept] = {}
    for path in sorted(docs.rglob("*.md")):
        src_uri = path.relative_to(docs).as_posix()
        meta = front_matter(path, src_uri)
        if "concept" not in meta:
            continue
        if not meta.get("title"):
            raise ConceptError(src_uri, "title", "is missing")
        concepts[src_uri] = parse_concept(src_uri, meta["title"], meta["concept"], references, docs)

    numbers: dict[int, str] = {}
    for concept in concepts.values():
        if concept.number in numbers:
            raise ConceptError(
                concept.src_uri, "concept.number", f"{concept.number} is already used by {numbers[concept.number]}"
            )
        numbers[concept.number] = concept.src_uri
        for field in ("prerequisites", "next"):
            for link in getattr(concept, field):
                if link not in concepts:
                    raise ConceptError(
                        concept.src_uri, f"concept.{field}", f"links to {link!r}, which is not a concept page under docs/"
                    )
    return concepts


def concepts_by_domain(concepts: dict[str, Concept]) -> dict[str, list[Concept]]:
    """Domains in course order (by their first concept), concepts numbered within."""
    domains: dict[str, list[Concept]] = {}
    for concept in sorted(concepts.values(), key=lambda c: c.number):
        domains.setdefault(concept.domain, []).append(concept)
    return domains


def cited_keys(markdown: str) -> list[str]:
    """Keys cited as ``[^key]`` in prose, in order of first use, less footnotes the page defines."""
    defined = set(re.findall(r"^\[\^([\w-]+)\]:", markdown, flags=re.M))
    prose = CODE.sub("", markdown)  # `[^key]` in code is an example, not a citation
    return list(dict.fromkeys(k for k in CITATION.findall(prose) if k not in defined))


def add_citations(markdown: str, src_uri: str, references: dict[str, Reference]) -> str:
    """Append a footnote definition for each ``[^key]`` that names a reference."""
    cited = cited_keys(markdown)
    unknown = [k for k in cited if k not in references]
    if unknown:
        raise BibliographyError(f"{src_uri}: citation [^{unknown[0]}] has no entry in docs/{REFERENCES_FILE}")
    notes = "\n".join(f"[^{k}]: {references[k].footnote}" for k in cited)
    return f"{markdown}\n\n{notes}\n" if notes else markdown


def moved_anchor_targets(concept: Concept, part_anchors: dict[str, list[str]]) -> dict[str, str]:
    """Where each anchor of a chapter's overview that moved to a part page now lives.

    ``part_anchors`` maps each part's ``src_uri`` to its heading ids. Every heading of a part is
    reachable as ``overview#id``; ``concept.moved_anchors`` adds ids of sections that were merged
    or renamed. Targets are relative to the overview's URL, e.g. ``math/#the-gradient``.
    """

    def relative(src_uri: str, fragment: str = "") -> str:
        path = posixpath.relpath(directory_url(src_uri), concept.url) + "/"
        return path + (f"#{fragment}" if fragment else "")

    targets: dict[str, str] = {}
    for part in concept.parts:
        for anchor in part_anchors.get(part.src_uri, []):
            targets.setdefault(anchor, relative(part.src_uri, anchor))
    base = posixpath.dirname(concept.src_uri)
    for anchor, where in concept.moved_anchors:
        page, _, fragment = where.partition("#")
        target = posixpath.normpath(posixpath.join(base, page)) if page else concept.src_uri
        targets[anchor] = relative(target, fragment)
    return targets


@dataclass(frozen=True)
class Section:
    """A section the concept template renders after the page's content."""

    id: str
    title: str


def template_sections(concept: Concept) -> dict[str, Section]:
    """The template-rendered sections of a concept page, by role, in page order: the template
    renders their headings and the hook lists them in the table of contents from this one place."""
    sections = {}
    if concept.parts:
        sections["parts"] = Section("in-this-chapter", "In this chapter")
    if concept.papers:
        sections["papers"] = Section("canonical-papers", "Canonical papers")
    sections["connections"] = Section("connections", "Connections")
    return sections
