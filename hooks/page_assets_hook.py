"""MkDocs adapter for hooks/page_assets.py: read the features from mkdocs.yml and the concept kits
(hooks/concept_kits.py), hand each page its files."""

from __future__ import annotations

import sys
from pathlib import Path

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # MkDocs loads hooks by file path; the plain modules import as `hooks.*`
    sys.path.insert(0, str(ROOT))

from hooks import concept_kits, page_assets  # noqa: E402

_features: dict[str, page_assets.Assets] = {}


def on_config(config):
    global _features
    try:
        _features = page_assets.read_features(config.extra.get("page_assets"), Path(config.docs_dir))
        _features.update(concept_kits.kit_assets(config.docs_dir))  # each concept kit's own files
    except page_assets.PageAssetsError as error:
        raise PluginError(str(error)) from None
    return config


def on_page_context(context: dict, page, config, nav) -> dict:
    """``page_assets`` for overrides/main.html: marks made while the page rendered are all in by now."""
    try:
        context["page_assets"] = page_assets.page_assets(page.meta, _features, page.file.src_uri)
    except page_assets.PageAssetsError as error:
        raise PluginError(str(error)) from None
    return context
