"""MkDocs adapter for hooks/concepts.py: validate concept pages, cite, and hand the theme its context.

On every build this reads each concept page once and derives the navigation's domains from the
content tree (``on_files``, ``hooks/course_nav.py``), appends citation footnotes
(``on_page_markdown``), lists the template-rendered sections in the table of contents
(``on_page_content``) and gives ``overrides/`` a ready-made ``concept`` (``on_page_context``). Errors become PluginErrors
that name the page and the field.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.toc import AnchorLink

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # MkDocs loads hooks by file path; the plain modules import as `hooks.*`
    sys.path.insert(0, str(ROOT))

from hooks import concepts as c  # noqa: E402
from hooks import course_nav  # noqa: E402
from hooks.labs import LabError  # noqa: E402

_concepts: dict[str, c.Concept] = {}
_references: dict[str, c.Reference] = {}
_chapter_of: dict[str, c.Concept] = {}  # part page src_uri -> its concept
_replaces: dict[str, list[str]] = {}  # concept src_uri -> legacy URLs that redirect to it


def _legacy_urls(config) -> dict[str, list[str]]:
    """Invert mkdocs-redirects' map: each page's old URLs (``foundations/x.md`` → ``/foundations/x/``)."""
    plugin = config.plugins.get("redirects")
    redirects = plugin.config.get("redirect_maps", {}) if plugin else {}
    legacy: dict[str, list[str]] = {}
    for old, new in redirects.items():
        legacy.setdefault(new, []).append("/" + c.directory_url(old))
    return legacy


def on_files(files: Files, config) -> Files:
    global _concepts, _references, _chapter_of, _replaces
    try:
        _references = c.load_references(config["docs_dir"])
        _concepts = c.read_concepts(config["docs_dir"], _references)
        if config["nav"]:
            config["nav"] = course_nav.with_domains(config["nav"], course_nav.domains_nav(_concepts, config["docs_dir"]))
    except (ValueError, LabError) as error:
        raise PluginError(str(error)) from None
    _chapter_of = {part.src_uri: concept for concept in _concepts.values() for part in concept.parts}
    _replaces = _legacy_urls(config)
    missing = [uri for uri in [*_concepts, *_chapter_of] if files.get_file_from_path(uri) is None]
    if missing:
        raise PluginError(f"{missing[0]}: concept page is excluded from the build")
    return files


def on_page_markdown(markdown: str, page, config, files) -> str:
    try:
        return c.add_citations(markdown, page.file.src_uri, _references)
    except ValueError as error:
        raise PluginError(str(error)) from None


def on_page_content(html: str, page, config, files) -> str:
    """List the template-rendered sections in the page's table of contents."""
    concept = _concepts.get(page.file.src_uri)
    if concept is not None:
        for section in c.template_sections(concept).values():
            page.toc.items.append(AnchorLink(section.title, section.id, 2))
    return html


def _anchor_ids(items) -> list[str]:
    return [anchor for item in items for anchor in (item.id, *_anchor_ids(item.children))]


def _top_section(page):
    return page.ancestors[-1] if page.ancestors else None


def on_page_context(context: dict, page, config, nav) -> dict:
    concept = _concepts.get(page.file.src_uri)
    if concept is not None:
        context["concept"] = concept
        context["concept_sections"] = c.template_sections(concept)
        context["replaces"] = _replaces.get(concept.src_uri, [])
        context["prerequisites"] = [_concepts[uri] for uri in concept.prerequisites]
        context["next_moves"] = [_concepts[uri] for uri in concept.next]
        if concept.parts:
            # every page's table of contents exists by now: MkDocs reads all pages before it renders any
            anchors = {p.file.src_uri: _anchor_ids(p.toc.items) for p in nav.pages if p.file.src_uri in _chapter_of}
            context["moved_anchors"] = c.moved_anchor_targets(concept, anchors)
    context["chapter_of"] = _chapter_of.get(page.file.src_uri)
    # The footer's previous/next links stay within the page's top-level nav section (the course).
    for neighbour in ("previous_page", "next_page"):
        other = getattr(page, neighbour)
        if other is not None and _top_section(other) is not _top_section(page):
            setattr(page, neighbour, None)
    return context
