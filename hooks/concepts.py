"""Concept pages: front-matter schema, validation, citations and the chapter's anchors.

A concept page is any Markdown page whose front matter has a ``concept:`` mapping. Its fields are
checked against :data:`CONCEPT_SCHEMA` (JSON Schema, validated by ``jsonschema``); the bibliography
``docs/references.yml`` against :data:`REFERENCE_SCHEMA`. A bad field raises :class:`ConceptError`
naming the page and the field. This module does not import MkDocs, so the page macros can use it
under any builder; ``hooks/concepts_hook.py`` adapts it to MkDocs' events.

Derived, never typed: a concept's domain (the folder it sits in: ``domains/<domain>/<concept>/``,
named by the title of ``domains/<domain>/index.md``), its phase and the course size (from
``docs/course.yml``, :data:`COURSE_SCHEMA`), its ``next`` concepts (those that list it as a
prerequisite, plus an optional curated ``next_extra``), the part pages' titles (from their own front
matter), and the legacy URL a concept replaces (from the redirects, in the hook).

Citations: a page cites a paper with a footnote ``[^key]`` whose key is in ``docs/references.yml``;
:func:`add_citations` appends the footnote definition, so every page formats references the same
way and an unknown key fails the build.
"""

from __future__ import annotations

import dataclasses
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import yaml

REFERENCES_FILE = "references.yml"
COURSE_FILE = "course.yml"
#: Where concepts live: ``domains/<domain>/<concept>/index.md``; ``domains/<domain>/index.md`` names the domain.
DOMAINS_FOLDER = "domains"
CONCEPT_PAGE = re.compile(rf"^{DOMAINS_FOLDER}/([^/]+)/([^/]+)/index\.md$")
#: Fields the build derives; a page that still types one is told where its value now comes from.
DERIVED_FIELDS = {
    "domain": "comes from the folder the concept sits in (domains/<domain>/<concept>/index.md)",
    "phase": f"comes from docs/{COURSE_FILE}, by the concept's number",
    "next": "lists the concepts that name this one in their prerequisites (add others with next_extra)",
}
CITATION = re.compile(r"\[\^([A-Za-z][\w-]*)\](?!:)")
# A fenced block (closed by the same fence, so a ```` fence may show ``` inside) or a code span.
CODE = re.compile(r"^([ \t]*)(`{3,}|~{3,}).*?^\1\2|`[^`\n]+`", re.S | re.M)
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)

#: A bibliography entry links a DOI or an arXiv abstract; a paper with neither links its page at
#: one of these publishers, which issue no DOIs (pattern of the paper's page, and an example).
PUBLISHER_URLS = {
    "JMLR": (r"https://jmlr\.org/papers/v\d+/[\w.-]+\.html", "https://jmlr.org/papers/v15/srivastava14a.html"),
    "PMLR": (r"https://proceedings\.mlr\.press/v\d+/[\w.-]+\.html", "https://proceedings.mlr.press/v37/ioffe15.html"),
    "NeurIPS": (r"https://(?:proceedings\.neurips\.cc|papers\.nips\.cc)/paper(?:_files)?/\S+",
                "https://proceedings.neurips.cc/paper/2019/hash/<id>-Abstract.html"),
    "OpenReview": (r"https://openreview\.net/forum\?id=[\w-]+", "https://openreview.net/forum?id=<id>"),
    "ACL Anthology": (r"https://aclanthology\.org/[\w.-]+/?", "https://aclanthology.org/P19-1001/"),
    "CVF Open Access": (r"https://openaccess\.thecvf\.com/\S+\.html", "https://openaccess.thecvf.com/content_cvpr_2016/html/<paper>.html"),
}
REFERENCE_URL = (r"^(https://doi\.org/10\.\d{4,9}/\S+|https://arxiv\.org/abs/\d{4}\.\d{4,5}|"
                 + "|".join(pattern for pattern, _ in PUBLISHER_URLS.values()) + ")$")
REFERENCE_URL_HELP = ("must be a DOI (https://doi.org/10.…) or an arXiv abstract (https://arxiv.org/abs/NNNN.NNNNN), "
                      "or, for a paper with neither, its page at a publisher without DOIs: "
                      + "; ".join(f"{name} ({example})" for name, (_, example) in PUBLISHER_URLS.items()))
_TEXT = {"type": "string", "minLength": 1}
_PAGE = {"type": "string", "pattern": r"\.md$"}

CONCEPT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["number", "summary", "key_equation", "prerequisites"],
    "properties": {
        "number": {"type": "integer", "minimum": 1},  # at most the course size: checked against docs/course.yml
        "summary": _TEXT,
        "key_equation": _TEXT,
        # paths under docs/; an empty list is fine (a first concept)
        "prerequisites": {"type": "array", "items": _PAGE},
        # curated next moves beyond the concepts that list this one as a prerequisite
        "next_extra": {"type": "array", "items": _PAGE},
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

#: docs/course.yml: the course's size and its phases, each running from its ``first`` concept
#: number to the next phase's.
COURSE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["size", "phases"],
    "properties": {
        "size": {"type": "integer", "minimum": 1},
        "phases": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "first"],
                "properties": {"name": _TEXT, "first": {"type": "integer", "minimum": 1}},
            },
        },
    },
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


class CourseError(ValueError):
    """A bad field in docs/course.yml."""


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
        if not path and extra[0] in DERIVED_FIELDS and schema is CONCEPT_SCHEMA:
            raise_error(extra[0], f"is derived, not typed: it {DERIVED_FIELDS[extra[0]]}; remove it")
        raise_error(".".join(filter(None, (path, extra[0]))), "is not a known field")
    if error.validator == "minLength":
        raise_error(path, "is missing")
    if error.validator == "pattern" and path.endswith("url"):
        raise_error(path, f"{REFERENCE_URL_HELP}; got {error.instance!r}")
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
    #: The page's name in the navigation (its front matter ``nav_title``, else its title).
    nav_title: str = ""
    #: From the part page's ``part:`` front matter (:data:`PART_SCHEMA`).
    teaches: str = ""
    needs: str = ""

    @property
    def url(self) -> str:
        return directory_url(self.src_uri)


@dataclass(frozen=True)
class Phase:
    number: int
    name: str
    first: int  # its first concept number; it runs to the next phase's first

    @property
    def label(self) -> str:
        return f"Phase {self.number}: {self.name}"


@dataclass(frozen=True)
class Course:
    """docs/course.yml: the course's size and phases."""

    size: int
    phases: tuple[Phase, ...]

    def phase_of(self, number: int) -> Phase:
        return [phase for phase in self.phases if phase.first <= number][-1]


@dataclass(frozen=True)
class Concept:
    src_uri: str
    title: str
    number: int
    #: The domain's display name (the title of ``domain_uri``) and its page, ``domains/<domain>/index.md``.
    domain: str
    domain_uri: str
    phase: str
    summary: str
    key_equation: str
    prerequisites: tuple[str, ...]
    #: Derived: the concepts that list this one as a prerequisite, by number, then ``next_extra``.
    next: tuple[str, ...]
    papers: tuple[Paper, ...]
    total: int
    parts: tuple[Part, ...] = ()
    #: Anchors of the page before it became a chapter, by id: where each now lives ("math.md").
    moved_anchors: tuple[tuple[str, str], ...] = ()
    next_extra: tuple[str, ...] = ()
    nav_title: str = ""

    @property
    def url(self) -> str:
        return directory_url(self.src_uri)

    @property
    def phase_short(self) -> str:
        """"Phase 3: Optimization & generalization" → "Phase 3"."""
        return self.phase.split(":")[0]

    @property
    def phase_name(self) -> str:
        """"Phase 3: Optimization & generalization" → "Optimization & generalization"."""
        return self.phase.split(":", 1)[1].strip()


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
    """Read and check the bibliography; every entry links a DOI, an arXiv abstract or a publisher page (PUBLISHER_URLS)."""
    path = Path(docs_dir) / REFERENCES_FILE
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    references = {}
    for key, entry in raw.items():

        def fail(field: str, problem: str, key: str = key) -> None:
            raise BibliographyError(f"{path}: reference '{key}' field '{field}' {problem}")

        _check(entry, REFERENCE_SCHEMA, fail)
        references[key] = Reference(key=key, **entry)
    return references


def load_course(docs_dir: str | Path) -> Course:
    """Read and check docs/course.yml: phases start at 1, in increasing order, within the course."""
    path = Path(docs_dir) / COURSE_FILE

    def fail(field: str, problem: str) -> None:
        raise CourseError(f"{path}: field '{field}' {problem}")

    if not path.is_file():
        raise CourseError(f"{path} is missing: it holds the course's size and phases")
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    _check(raw, COURSE_SCHEMA, fail)
    phases = tuple(Phase(n, p["name"], p["first"]) for n, p in enumerate(raw["phases"], start=1))
    if phases[0].first != 1:
        fail("phases.0.first", f"must be 1 (every concept needs a phase), got {phases[0].first}")
    for index, (before, phase) in enumerate(zip(phases, phases[1:]), start=1):
        if not before.first < phase.first <= raw["size"]:
            fail(f"phases.{index}.first", f"must lie after {before.first} and within the course's {raw['size']}, got {phase.first}")
    return Course(raw["size"], phases)


def _domain(src_uri: str, docs: Path, fail) -> tuple[str, str]:
    """The display name and page of the domain a concept page sits in, from its folder."""
    match = CONCEPT_PAGE.match(src_uri)
    if not match:
        fail("", f"must be the index.md of a concept folder in a domain folder: {DOMAINS_FOLDER}/<domain>/<concept>/index.md")
    domain_uri = f"{DOMAINS_FOLDER}/{match[1]}/index.md"
    if not (docs / domain_uri).is_file():
        fail("", f"sits in domain folder {DOMAINS_FOLDER}/{match[1]}/, which needs an index.md whose title names the domain")
    title = front_matter(docs / domain_uri, domain_uri).get("title")
    if not title:
        raise ConceptError(domain_uri, "title", "is missing: it is the domain's name in the navigation and on its concepts")
    return title, domain_uri


def parse_concept(
    src_uri: str, meta: dict[str, Any], references: dict[str, Reference], docs: Path, course: Course
) -> Concept:
    """Validate one page's front matter (its ``concept:`` mapping) and return it as a Concept."""

    def fail(field: str, problem: str) -> None:
        raise ConceptError(src_uri, f"concept.{field}" if field else "concept", problem)

    if not meta.get("title"):
        raise ConceptError(src_uri, "title", "is missing")
    concept = meta["concept"]
    _check(concept, CONCEPT_SCHEMA, fail)
    if concept["number"] > course.size:
        fail("number", f"is beyond the course's {course.size} concepts (docs/{COURSE_FILE}), got {concept['number']}")
    domain, domain_uri = _domain(src_uri, docs, fail)
    for index, entry in enumerate(concept.get("papers", [])):
        if entry["key"] not in references:
            fail(f"papers.{index}.key", f"{entry['key']!r} has no entry in docs/{REFERENCES_FILE}")
    papers = tuple(Paper(references[e["key"]], e.get("note", "")) for e in concept.get("papers", []))
    parts = []
    for index, entry in enumerate(concept.get("parts", [])):
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
        parts.append(Part(part_uri, part_meta["title"], entry["summary"], part_meta.get("nav_title") or part_meta["title"],
                          opener["teaches"], opener["needs"]))
    folder = docs / posixpath.dirname(src_uri)
    listed = {src_uri, *(part.src_uri for part in parts)}
    for page in sorted(folder.rglob("*.md")):
        page_uri = page.relative_to(docs).as_posix()
        if page_uri not in listed:
            fail("parts", f"does not list {posixpath.relpath(page_uri, posixpath.dirname(src_uri))!r}, a page in the "
                          "concept's folder: add it to parts (its place there is its place in the navigation)")
    return Concept(
        src_uri=src_uri,
        title=meta["title"],
        number=concept["number"],
        domain=domain,
        domain_uri=domain_uri,
        phase=course.phase_of(concept["number"]).label,
        summary=concept["summary"],
        key_equation=concept["key_equation"],
        prerequisites=tuple(concept["prerequisites"]),
        next=(),  # derived in read_concepts, once every concept is known
        papers=papers,
        total=course.size,
        parts=tuple(parts),
        moved_anchors=tuple(sorted(concept.get("moved_anchors", {}).items())),
        next_extra=tuple(concept.get("next_extra", [])),
        nav_title=meta.get("nav_title") or meta["title"],
    )


def read_concepts(
    docs_dir: str | Path, references: dict[str, Reference] | None = None
) -> dict[str, Concept]:
    """Parse every concept page under ``docs_dir``, check the links between them, derive ``next``."""
    docs = Path(docs_dir)
    references = load_references(docs) if references is None else references
    course = load_course(docs)
    concepts: dict[str, Concept] = {}
    for path in sorted(docs.rglob("*.md")):
        src_uri = path.relative_to(docs).as_posix()
        meta = front_matter(path, src_uri)
        if "concept" in meta:
            concepts[src_uri] = parse_concept(src_uri, meta, references, docs, course)

    numbers: dict[int, str] = {}
    for concept in sorted(concepts.values(), key=lambda c: c.number):
        if concept.number in numbers:
            raise ConceptError(
                concept.src_uri, "concept.number", f"{concept.number} is already used by {numbers[concept.number]}"
            )
        numbers[concept.number] = concept.src_uri
        for field in ("prerequisites", "next_extra"):
            for link in getattr(concept, field):
                if link not in concepts:
                    raise ConceptError(
                        concept.src_uri, f"concept.{field}", f"links to {link!r}, which is not a concept page under docs/"
                    )
    followers: dict[str, list[str]] = {uri: [] for uri in concepts}
    for uri in sorted(concepts, key=lambda uri: concepts[uri].number):
        for prerequisite in concepts[uri].prerequisites:
            followers[prerequisite].append(uri)
    return {
        uri: dataclasses.replace(concept, next=tuple(dict.fromkeys([*followers[uri], *concept.next_extra])))
        for uri, concept in concepts.items()
    }


def concepts_by_domain(concepts: dict[str, Concept]) -> dict[str, list[Concept]]:
    """Domains by display name, in course order (by their first concept), concepts numbered within."""
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
