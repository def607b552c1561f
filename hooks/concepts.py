"""Concept pages: front-matter schema, validation, citations and template context.

A concept page is any Markdown page whose front matter has a ``concept:`` mapping.
This hook reads every such page once per build, checks its metadata (failing the
build with the page and the field at fault), resolves links to other concepts and
papers, and hands the theme override (``overrides/main.html``) a ready-made
``concept`` object to render the badge, the key-equation card, the paper cards
and the "Connections" section.

Citations: a page cites a paper with a footnote ``[^key]`` whose key is in
``docs/references.yml``; this hook appends the footnote definition, so every page
formats references the same way and an unknown key fails the build.
"""

from __future__ import annotations

import dataclasses
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.toc import AnchorLink
from mkdocs.utils.meta import get_data

REFERENCES_FILE = "references.yml"
TOTAL_CONCEPTS = 100
DOI_URL = re.compile(r"^https://doi\.org/10\.\d{4,9}/\S+$")
ARXIV_URL = re.compile(r"^https://arxiv\.org/abs/\d{4}\.\d{4,5}$")
CITATION = re.compile(r"\[\^([A-Za-z][\w-]*)\](?!:)")
REFERENCE_FIELDS = ("authors", "title", "venue", "year", "url")
# A fenced block (closed by the same fence, so a ```` fence may show ``` inside) or a code span.
CODE = re.compile(r"^([ \t]*)(`{3,}|~{3,}).*?^\1\2|`[^`\n]+`", re.S | re.M)


class ConceptError(PluginError):
    """Bad concept metadata; the message names the page and the field."""

    def __init__(self, page: str, field: str, problem: str) -> None:
        super().__init__(f"{page}: front matter field '{field}' {problem}")


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


@dataclass(frozen=True)
class Part:
    """A deep-dive page of a concept that is a chapter (``concept.parts`` in front matter)."""

    src_uri: str
    title: str
    summary: str

    @property
    def url(self) -> str:
        return _directory_url(self.src_uri)


def _directory_url(src_uri: str) -> str:
    """Site-root-relative directory URL: ``a/b/index.md`` → ``a/b/``, ``a/b.md`` → ``a/b/``."""
    stem = src_uri.removesuffix(".md")
    return stem.removesuffix("index") if stem == "index" or stem.endswith("/index") else f"{stem}/"


@dataclass(frozen=True)
class Concept:
    src_uri: str
    title: str
    number: int
    total: int
    domain: str
    phase: str
    summary: str
    key_equation: str
    prerequisites: tuple[str, ...]
    next: tuple[str, ...]
    papers: tuple[Paper, ...]
    replaces: str | None
    parts: tuple[Part, ...] = ()
    #: Anchors of the page before it became a chapter, by id: where each now lives ("math.md").
    moved_anchors: tuple[tuple[str, str], ...] = ()

    @property
    def url(self) -> str:
        return _directory_url(self.src_uri)

    @property
    def phase_short(self) -> str:
        """"Phase 3: Optimization & generalization" → "Phase 3"."""
        return self.phase.split(":")[0]


def load_references(docs_dir: str | Path) -> dict[str, Reference]:
    """Read and check the bibliography; every entry needs a DOI or arXiv link."""
    path = Path(docs_dir) / REFERENCES_FILE
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    references = {}
    for key, entry in raw.items():
        missing = [f for f in REFERENCE_FIELDS if not entry or not entry.get(f)]
        if missing:
            raise PluginError(f"{path}: reference '{key}' lacks {', '.join(missing)}")
        if not (DOI_URL.match(entry["url"]) or ARXIV_URL.match(entry["url"])):
            raise PluginError(
                f"{path}: reference '{key}' url must be https://doi.org/10.… or "
                f"https://arxiv.org/abs/NNNN.NNNNN, got {entry['url']!r}"
            )
        references[key] = Reference(key=key, **{f: entry[f] for f in REFERENCE_FIELDS})
    return references


def _require(meta: dict[str, Any], page: str, field: str, kind: type) -> Any:
    value = meta.get(field)
    if value is None or value == "" or value == []:
        raise ConceptError(page, f"concept.{field}", "is missing")
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ConceptError(
            page, f"concept.{field}", f"must be {kind.__name__}, got {value!r}"
        )
    return value


def _concept_links(meta: dict[str, Any], page: str, field: str) -> tuple[str, ...]:
    links = meta.get(field)
    if not isinstance(links, list):  # an empty list is fine: a first or last concept
        raise ConceptError(page, f"concept.{field}", f"must be a list of .md paths, got {links!r}")
    for link in links:
        if not isinstance(link, str) or not link.endswith(".md"):
            raise ConceptError(
                page, f"concept.{field}", f"must list .md paths under docs/, got {link!r}"
            )
    return tuple(links)


def parse_concept(
    src_uri: str, title: str, meta: dict[str, Any], references: dict[str, Reference]
) -> Concept:
    """Validate one page's ``concept:`` mapping and return it as a Concept."""
    number = _require(meta, src_uri, "number", int)
    total = _require(meta, src_uri, "total", int)
    if total != TOTAL_CONCEPTS:
        raise ConceptError(src_uri, "concept.total", f"must be {TOTAL_CONCEPTS}, got {total}")
    if not 1 <= number <= total:
        raise ConceptError(src_uri, "concept.number", f"must lie in [1, {total}], got {number}")
    phase = _require(meta, src_uri, "phase", str)
    if not re.match(r"^Phase \d+: \S", phase):
        raise ConceptError(
            src_uri, "concept.phase", f"must read 'Phase N: Name', got {phase!r}"
        )
    papers = []
    for entry in meta.get("papers") or []:
        if not isinstance(entry, dict) or entry.get("key") not in references:
            raise ConceptError(
                src_uri,
                "concept.papers",
                f"entries need a 'key' from docs/{REFERENCES_FILE}, got {entry!r}",
            )
        papers.append(Paper(references[entry["key"]], str(entry.get("note", ""))))
    replaces = meta.get("replaces")
    if replaces is not None and not isinstance(replaces, str):
        raise ConceptError(src_uri, "concept.replaces", f"must be a URL path, got {replaces!r}")
    return Concept(
        src_uri=src_uri,
        title=title,
        number=number,
        total=total,
        domain=_require(meta, src_uri, "domain", str),
        phase=phase,
        summary=_require(meta, src_uri, "summary", str),
        key_equation=_require(meta, src_uri, "key_equation", str),
        prerequisites=_concept_links(meta, src_uri, "prerequisites"),
        next=_concept_links(meta, src_uri, "next"),
        papers=tuple(papers),
        replaces=replaces,
    )


def _front_matter(path: Path, src_uri: str) -> dict[str, Any]:
    try:
        _, meta = get_data(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:  # get_data logs and swallows most errors
        raise PluginError(f"{src_uri}: front matter is not valid YAML: {error}")
    return meta


def _parse_parts(meta: dict[str, Any], src_uri: str, docs: Path) -> tuple[Part, ...]:
    """``parts:`` lists the chapter's deep-dive pages, relative to the concept page, in reading order."""
    entries = meta.get("parts") or []
    if not isinstance(entries, list):
        raise ConceptError(src_uri, "concept.parts", f"must be a list, got {entries!r}")
    parts = []
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("page"), str) or not entry.get("summary"):
            raise ConceptError(
                src_uri, "concept.parts", f"entries need 'page' (a .md path) and 'summary', got {entry!r}"
            )
        part_uri = posixpath.normpath(posixpath.join(posixpath.dirname(src_uri), entry["page"]))
        path = docs / part_uri
        if not entry["page"].endswith(".md") or not path.is_file():
            raise ConceptError(src_uri, "concept.parts", f"page {entry['page']!r} is not a .md file beside the page")
        part_meta = _front_matter(path, part_uri)
        if "concept" in part_meta or not part_meta.get("title"):
            raise ConceptError(
                src_uri, "concept.parts", f"page {entry['page']!r} needs a title and no concept: mapping of its own"
            )
        parts.append(Part(part_uri, part_meta["title"], str(entry["summary"])))
    return tuple(parts)


def _parse_moved_anchors(meta: dict[str, Any], src_uri: str) -> tuple[tuple[str, str], ...]:
    """``moved_anchors:`` maps ids of sections that left the page to the part page that now holds them."""
    moved = meta.get("moved_anchors") or {}
    if not isinstance(moved, dict) or not all(isinstance(v, str) for v in moved.values()):
        raise ConceptError(src_uri, "concept.moved_anchors", f"must map anchor ids to pages, got {moved!r}")
    return tuple(sorted(moved.items()))


def read_concepts(
    docs_dir: str | Path, references: dict[str, Reference] | None = None
) -> dict[str, Concept]:
    """Parse every concept page under ``docs_dir`` and check links between them."""
    docs = Path(docs_dir)
    references = load_references(docs) if references is None else references
    concepts: dict[str, Concept] = {}
    for path in sorted(docs.rglob("*.md")):
        src_uri = path.relative_to(docs).as_posix()
        meta = _front_matter(path, src_uri)
        if "concept" not in meta:
            continue
        if not isinstance(meta["concept"], dict):
            raise ConceptError(src_uri, "concept", "must be a mapping")
        if not meta.get("title"):
            raise ConceptError(src_uri, "title", "is missing")
        concept = parse_concept(src_uri, meta["title"], meta["concept"], references)
        concepts[src_uri] = dataclasses.replace(
            concept,
            parts=_parse_parts(meta["concept"], src_uri, docs),
            moved_anchors=_parse_moved_anchors(meta["concept"], src_uri),
        )

    numbers: dict[int, str] = {}
    for concept in concepts.values():
        if concept.number in numbers:
            raise ConceptError(
                concept.src_uri,
                "concept.number",
                f"{concept.number} is already used by {numbers[concept.number]}",
            )
        numbers[concept.number] = concept.src_uri
        for field in ("prerequisites", "next"):
            for link in getattr(concept, field):
                if link not in concepts:
                    raise ConceptError(
                        concept.src_uri,
                        f"concept.{field}",
                        f"links to {link!r}, which is not a concept page under docs/",
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
        raise PluginError(
            f"{src_uri}: citation [^{unknown[0]}] has no entry in docs/{REFERENCES_FILE}"
        )
    notes = "\n".join(f"[^{k}]: {references[k].footnote}" for k in cited)
    return f"{markdown}\n\n{notes}\n" if notes else markdown


def moved_anchor_targets(concept: Concept, part_anchors: dict[str, list[str]]) -> dict[str, str]:
    """Where each anchor of a chapter's overview that moved to a part page now lives.

    ``part_anchors`` maps each part's ``src_uri`` to its heading ids. Every heading of a part is
    reachable as ``overview#id``; ``concept.moved_anchors`` adds ids of sections that were merged
    or renamed. Targets are relative to the overview's URL, e.g. ``math/#the-gradient``.
    """

    def relative(src_uri: str, fragment: str = "") -> str:
        path = posixpath.relpath(_directory_url(src_uri), concept.url) + "/"
        return path + (f"#{fragment}" if fragment else "")

    targets: dict[str, str] = {}
    for part in concept.parts:
        for anchor in part_anchors.get(part.src_uri, []):
            targets.setdefault(anchor, relative(part.src_uri, anchor))
    base = posixpath.dirname(concept.src_uri)
    for anchor, where in concept.moved_anchors:
        page, _, fragment = where.partition("#")
        targets[anchor] = relative(posixpath.normpath(posixpath.join(base, page)), fragment)
    return targets


def _anchor_ids(items) -> list[str]:
    ids = []
    for item in items:
        ids.append(item.id)
        ids.extend(_anchor_ids(item.children))
    return ids


# --- MkDocs events -----------------------------------------------------------

_concepts: dict[str, Concept] = {}
_references: dict[str, Reference] = {}
_chapter_of: dict[str, Concept] = {}  # part page src_uri -> its concept


def on_files(files: Files, config) -> Files:
    global _concepts, _references, _chapter_of
    _references = load_references(config["docs_dir"])
    _concepts = read_concepts(config["docs_dir"], _references)
    _chapter_of = {part.src_uri: c for c in _concepts.values() for part in c.parts}
    pages = [*_concepts, *_chapter_of]
    missing = [uri for uri in pages if files.get_file_from_path(uri) is None]
    if missing:
        raise PluginError(f"{missing[0]}: concept page is excluded from the build")
    return files


def on_page_markdown(markdown: str, page, config, files) -> str:
    return add_citations(markdown, page.file.src_uri, _references)


def on_page_content(html: str, page, config, files) -> str:
    """List the template-rendered sections in the page's table of contents."""
    concept = _concepts.get(page.file.src_uri)
    if concept is not None:
        if concept.parts:
            page.toc.items.append(AnchorLink("In this chapter", "in-this-chapter", 2))
        if concept.papers:
            page.toc.items.append(AnchorLink("Canonical papers", "canonical-papers", 2))
        page.toc.items.append(AnchorLink("Connections", "connections", 2))
    return html


def _top_section(page):
    return page.ancestors[-1] if page.ancestors else None


def on_page_context(context: dict, page, config, nav) -> dict:
    concept = _concepts.get(page.file.src_uri)
    if concept is not None:
        context["concept"] = concept
        context["prerequisites"] = [_concepts[uri] for uri in concept.prerequisites]
        context["next_moves"] = [_concepts[uri] for uri in concept.next]
        if concept.parts:
            anchors = {p.file.src_uri: _anchor_ids(p.toc.items) for p in nav.pages if p.file.src_uri in _chapter_of}
            context["moved_anchors"] = moved_anchor_targets(concept, anchors)
    context["chapter_of"] = _chapter_of.get(page.file.src_uri)
    # The footer's previous/next links stay within the page's top-level nav section (the course).
    for neighbour in ("previous_page", "next_page"):
        other = getattr(page, neighbour)
        if other is not None and _top_section(other) is not _top_section(page):
            setattr(page, neighbour, None)
    return context
