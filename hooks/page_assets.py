"""Scripts and stylesheets that load only on the pages that use a feature.

``mkdocs.yml`` names each feature's files (paths under ``docs/``) under ``extra.page_assets``::

    extra:
      page_assets:
        quiz:
          stylesheets: [assets/stylesheets/quiz.css]
          scripts: [assets/javascripts/quiz.js]

Whatever puts a feature on a page (a macro, a hook) calls ``use(page, "quiz")`` while the page
is rendered; a page may also opt in from its front matter, ``page_assets: [quiz]``. The theme
(``overrides/main.html``) links that page's stylesheets in the head and its scripts at the end
of the content, where Material's instant navigation runs them again each time it shows such a
page. So a feature's script runs once per page shown, with the content already in place: it
initialises at once, without waiting for ``DOMContentLoaded`` or ``document$``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

META_KEY = "page_assets"
KINDS = ("stylesheets", "scripts")


class PageAssetsError(ValueError):
    """A feature or its files are misconfigured, or a page names a feature that does not exist."""


@dataclass(frozen=True)
class Assets:
    stylesheets: tuple[str, ...] = ()
    scripts: tuple[str, ...] = ()


def read_features(config: Any, docs_dir: Path) -> dict[str, Assets]:
    """The features of ``extra.page_assets``, each file checked to exist under ``docs_dir``."""
    where = "mkdocs.yml: extra.page_assets"
    if config is None:
        return {}
    if not isinstance(config, Mapping):
        raise PageAssetsError(f"{where} must map feature names to their files, got {config!r}")
    features = {}
    for name, files in config.items():
        if not isinstance(files, Mapping) or not files or set(files) - set(KINDS):
            raise PageAssetsError(f"{where}.{name} must have only {' and '.join(KINDS)}, got {files!r}")
        for kind, paths in files.items():
            if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
                raise PageAssetsError(f"{where}.{name}.{kind} must be a list of paths, got {paths!r}")
            for path in paths:
                if not (docs_dir / path).is_file():
                    raise PageAssetsError(f"{where}.{name}.{kind}: {path!r} is not a file under {docs_dir}")
        features[name] = Assets(**{kind: tuple(paths) for kind, paths in files.items()})
    return features


def _used(meta: Mapping, page: str) -> list[str]:
    used = meta.get(META_KEY, [])
    if not isinstance(used, list) or not all(isinstance(f, str) for f in used):
        raise PageAssetsError(f"{page}: front matter field {META_KEY!r} must be a list of feature names, got {used!r}")
    return used


def use(page: Any, feature: str) -> None:
    """Mark ``page`` (anything with a ``meta`` dict: MkDocs' Page, Zensical's) as using ``feature``."""
    used = _used(page.meta, "page")
    if feature not in used:
        page.meta[META_KEY] = [*used, feature]


def page_assets(meta: Mapping, features: Mapping[str, Assets], page: str) -> Assets:
    """The files of every feature ``meta`` marks, in the order first used, each file once."""
    files: dict[str, dict[str, None]] = {kind: {} for kind in KINDS}
    for name in _used(meta, page):
        if name not in features:
            raise PageAssetsError(
                f"{page}: uses page feature {name!r}, which mkdocs.yml's extra.page_assets does not define "
                f"(defined: {', '.join(sorted(features)) or 'none'})"
            )
        for kind in KINDS:
            files[kind].update(dict.fromkeys(getattr(features[name], kind)))
    return Assets(**{kind: tuple(paths) for kind, paths in files.items()})
