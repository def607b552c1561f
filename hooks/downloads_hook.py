"""MkDocs adapter for ``hooks/downloads.py``: publish every library module's downloads and the licence.

With ``REPO_URL`` set (``repo_url`` in mkdocs.yml), pages link their source files in the
repository, on branch ``REPO_REF`` (default ``main``); without it nothing links there.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # MkDocs loads hooks by file path; the plain modules import as `hooks.*`
    sys.path.insert(0, str(ROOT))

from hooks import downloads  # noqa: E402


def on_config(config):
    if config.repo_url:  # MkDocs would guess edit/master/docs/ for GitHub; point at the files instead
        config.edit_uri = f"blob/{os.environ.get('REPO_REF', 'main')}/{Path(config.docs_dir).name}/"
    return config


def on_files(files: Files, config) -> Files:
    try:
        for path in sorted((ROOT / "snippets").glob("*.py")):
            if path.stem == "__init__":
                continue
            download = downloads.module_download(path.stem)
            if download.standalone:
                files.append(File.generated(config, download.file_uri, abs_src_path=str(path)))
            files.append(File.generated(config, download.bundle_uri, content=downloads.module_bundle(path.stem)))
    except downloads.DownloadError as error:
        raise PluginError(str(error)) from None
    files.append(File.generated(config, downloads.LICENSE_URI, abs_src_path=str(downloads.LICENSE_FILE)))
    return files
