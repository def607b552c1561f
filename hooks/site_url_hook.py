"""MkDocs adapter for ``hooks/site_url.py``: a deploy build (DEPLOY=1) stops before anything
else runs unless ``site_url`` (SITE_URL) is the site's real public URL."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # MkDocs loads hooks by file path; the plain modules import as `hooks.*`
    sys.path.insert(0, str(ROOT))

from hooks import site_url  # noqa: E402


@event_priority(100)  # ahead of every plugin's own set-up: a doomed deploy fails in seconds
def on_config(config):
    try:
        deploying = site_url.deploy_requested(os.environ)
    except ValueError as error:
        raise PluginError(str(error)) from None
    problem = site_url.deploy_url_problem(config.site_url) if deploying else None
    if problem:
        raise PluginError(f"deploy build: {problem}")
    return config
