"""The navigation's domains, derived from the content tree instead of typed in ``mkdocs.yml``.

``mkdocs.yml`` names only the page that lists the domains (``domains/index.md``); the build
appends one section per domain beside it, the way Material's blog plugin appends its generated
sections to the section that holds the blog's index (squidfunk/mkdocs-material,
``src/plugins/blog/plugin.py``, ``_attach_to``). Here the sections are added to the nav
*configuration* before MkDocs builds the navigation from it, so titles, page order and the
previous/next links are MkDocs' own:

* a domain is a folder, ``domains/<domain>/``, named by the title of its ``index.md`` (listed
  first, as "Overview"); domains follow the course order of their first concept;
* its concepts follow their ``number``; a concept with parts or labs becomes a section: its page
  ("Overview"), its parts in the order of its ``parts:``, and its labs (``labs/*.py``, by file
  name, each under the title of its first Markdown heading) under "Labs", with ``labs/index.md``
  as their overview when the concept lists it as a part;
* a page's name in the navigation is its front matter ``nav_title``, else its title.

This module does not import MkDocs; ``hooks/concepts_hook.py`` applies it in ``on_files``.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any

from hooks.concepts import DOMAINS_FOLDER, Concept, concepts_by_domain
from hooks.labs import LABS_FOLDER, Lab, LabError

#: The page the generated domains go beside.
DOMAINS_INDEX = f"{DOMAINS_FOLDER}/index.md"
OVERVIEW = "Overview"
LABS = "Labs"
_LAB_TITLE = re.compile(r"^# # (.+?)\s*$", re.M)  # a Markdown H1 in a jupytext percent-format cell

NavEntry = Any  # a page path, or {title: page path}, or {title: [entries]}: mkdocs.yml's nav shape


class NavError(ValueError):
    """mkdocs.yml's nav has no place for the generated domains."""


def lab_title(lab: Lab) -> str:
    """A lab's own title: the first ``# # Title`` line of its source."""
    match = _LAB_TITLE.search(lab.source.read_text(encoding="utf-8"))
    if not match:
        raise LabError(f"Lab docs/{lab.src_uri} has no title: its first Markdown cell starts with `# # Title`")
    return match[1]


def concept_labs(concept: Concept, docs: Path) -> list[Lab]:
    """The labs beside a concept page, ``labs/*.py``, by file name."""
    folder = posixpath.join(posixpath.dirname(concept.src_uri), LABS_FOLDER)
    return [Lab(f"{folder}/{path.name}", path) for path in sorted((docs / folder).glob("*.py"))]


def concept_entry(concept: Concept, labs: list[Lab]) -> NavEntry:
    """One concept: a page, or a section of its overview, parts and labs."""
    if not concept.parts and not labs:
        return {concept.nav_title: concept.src_uri}
    lab_entries = [{lab_title(lab): lab.page_uri} for lab in labs]
    labs_index = posixpath.join(posixpath.dirname(concept.src_uri), LABS_FOLDER, "index.md")
    children: list[NavEntry] = [{OVERVIEW: concept.src_uri}]
    for part in concept.parts:
        if part.src_uri == labs_index:
            children.append({LABS: [{OVERVIEW: part.src_uri}, *lab_entries]})
            lab_entries = []
        else:
            children.append({part.nav_title: part.src_uri})
    if lab_entries:
        children.append({LABS: lab_entries})
    return {concept.nav_title: children}


def domains_nav(concepts: dict[str, Concept], docs: str | Path) -> list[NavEntry]:
    """One section per domain: its overview, then its concepts."""
    docs = Path(docs)
    return [
        {members[0].domain: [{OVERVIEW: members[0].domain_uri},
                             *(concept_entry(c, concept_labs(c, docs)) for c in members)]}
        for members in concepts_by_domain(concepts).values()
    ]


def _pages(entry: NavEntry) -> list[str]:
    if isinstance(entry, str):
        return [entry]
    (value,) = entry.values()
    return [value] if isinstance(value, str) else [page for child in value for page in _pages(child)]


def with_domains(nav: list[NavEntry], domains: list[NavEntry]) -> list[NavEntry]:
    """``nav`` with ``domains`` appended to the section that lists ``domains/index.md``.

    Entries of that section whose pages all lie under ``domains/`` (a previous expansion, or a
    hand-typed line from before the nav was derived) are replaced, so expanding twice is harmless.
    """

    def is_index(entry: NavEntry) -> bool:
        return (entry if isinstance(entry, str) else next(iter(entry.values()))) == DOMAINS_INDEX

    def generated(entry: NavEntry) -> bool:
        return not is_index(entry) and all(page.startswith(f"{DOMAINS_FOLDER}/") for page in _pages(entry))

    def expand(items: list[NavEntry]) -> tuple[list[NavEntry], bool]:
        if any(is_index(entry) for entry in items):
            return [entry for entry in items if not generated(entry)] + domains, True
        result, found = [], False
        for entry in items:
            if isinstance(entry, dict) and isinstance(next(iter(entry.values())), list):
                ((title, children),) = entry.items()
                children, inside = expand(children)
                entry, found = {title: children}, found or inside
            result.append(entry)
        return result, found

    expanded, found = expand(nav)
    if not found:
        raise NavError(f"mkdocs.yml's nav has no entry for {DOMAINS_INDEX}: the domains are generated beside it")
    return expanded
