"""A BibTeX entry for a page of the course ("Cite this page")."""

from __future__ import annotations

import datetime
import re

# Characters BibTeX/LaTeX read as commands, and how to write them literally.
_ESCAPES = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
            "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def escape(text: str) -> str:
    return "".join(_ESCAPES.get(ch, ch) for ch in text)


def bibtex_entry(key: str, *, title: str, publisher: str, url: str | None,
                 changed: datetime.date | None) -> str:
    """``@misc{key, ...}``: the page's title, the course as publisher, its address and the year it
    last changed; a field whose value is unknown (no SITE_URL, no sure date) is left out."""
    if not re.fullmatch(r"[A-Za-z0-9:_-]+", key):
        raise ValueError(f"key must be letters, digits, ':', '_' or '-', got {key!r}")
    fields = [("title", "{" + escape(title) + "}"), ("publisher", escape(publisher))]
    if url:
        fields += [("howpublished", r"\url{" + url + "}"), ("url", url)]
    if changed:
        fields += [("year", str(changed.year)), ("note", f"Last changed {changed.isoformat()}")]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}"
