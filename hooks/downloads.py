"""What a reader downloads: a lab as a runnable zip, and the library modules the pages show.

* A **lab bundle** (``<lab>.zip``) holds the executed notebook, the ``snippets/`` modules it
  imports (directly or through each other), a ``requirements.txt`` pinning exactly the packages
  they import (versions from the project's requirements and constraints files) plus what runs a
  notebook, the licence, and a README with the commands.
* A **module bundle** (``<module>.zip``) holds a ``snippets/`` module, the modules it imports,
  its tests and their pins; ``python -m pytest`` in the unzipped folder runs them. A module
  that imports no other snippet is also offered as its bare ``.py`` file.

Zips are byte-stable (sorted entries, fixed timestamps), so an unchanged lab gives the same file.
This module does not import MkDocs.
"""

from __future__ import annotations

import io
import posixpath
import re
import sys
import zipfile
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

from hooks.labs import ROOT, SNIPPETS_DIR, imported_modules, snippet_dependencies

PIN_FILES = ("requirements.txt", "constraints.txt", "requirements-torch.txt")
#: What runs a downloaded notebook: a kernel, and ``jupyter execute``.
NOTEBOOK_RUNNER = ("ipykernel", "nbclient")
LICENSE_FILE = ROOT / "LICENSE"
MODULE_TESTS_DIR = ROOT / "tests" / "snippets"
DOWNLOADS_FOLDER = "downloads"
LICENSE_URI = f"{DOWNLOADS_FOLDER}/LICENSE.txt"
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([^\s;#]+)")


class DownloadError(ValueError):
    """A download cannot be made as promised (an unpinned import, an unknown module)."""


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@cache
def project_pins(root: Path = ROOT) -> dict[str, str]:
    """``{normalised name: "Name==version"}`` from the project's pin files (later files add, never override)."""
    pins: dict[str, str] = {}
    for filename in PIN_FILES:
        path = root / filename
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            match = _PIN.match(line)
            if match:
                pins.setdefault(_normalise(match[1]), f"{match[1]}=={match[2]}")
    return pins


_providers = cache(metadata.packages_distributions)  # scanning every installed package takes a while


def distributions(modules: set[str]) -> set[str]:
    """The installed distributions that provide the third-party top-level modules among ``modules``."""
    providers = _providers()
    found = set()
    for module in modules:
        top = module.split(".")[0]
        if top in sys.stdlib_module_names or top in ("snippets", "__future__"):
            continue
        if top not in providers:
            raise DownloadError(f"module {top!r} is imported but no installed distribution provides it")
        found.update(providers[top])
    return found


def requirements_txt(dists: set[str], note: str) -> str:
    """Exact pins for ``dists`` from the project's pin files; an unpinned one is an error."""
    pins = project_pins()
    missing = sorted(d for d in dists if _normalise(d) not in pins)
    if missing:
        raise DownloadError(f"{', '.join(missing)} not pinned in {' or '.join(PIN_FILES)}")
    lines = sorted({pins[_normalise(d)] for d in dists}, key=str.lower)
    return f"# {note}\n# Pinned as the site is built (Python 3.11+).\n" + "\n".join(lines) + "\n"


def zip_bytes(files: dict[str, bytes]) -> bytes:
    """A zip of ``{path in archive: content}``, sorted, with fixed timestamps."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()


def _snippet_files(paths: list[Path], snippets_dir: Path) -> dict[str, bytes]:
    files = {f"snippets/{p.name}": p.read_bytes() for p in paths}
    init = snippets_dir / "__init__.py"
    files["snippets/__init__.py"] = init.read_bytes() if init.is_file() else b""
    return files


def _licence() -> dict[str, bytes]:
    return {"LICENSE": LICENSE_FILE.read_bytes()} if LICENSE_FILE.is_file() else {}


# ------------------------------------------------------------------ labs


def notebook_code(nb) -> str:
    """The code cells of a notebook, as one Python source (IPython magics commented out)."""
    cells = [c.source for c in nb.cells if c.cell_type == "code"]
    return "\n".join(re.sub(r"^(\s*)([%!])", r"\1# \2", source, flags=re.M) for source in cells)


def lab_bundle(name: str, notebook_text: str, code: str, snippets_dir: Path = SNIPPETS_DIR) -> bytes:
    """The zip a reader downloads for lab ``name``: everything needed to run it in an empty folder."""
    deps = snippet_dependencies(code, f"{name}.ipynb", snippets_dir)
    modules = imported_modules(code, f"{name}.ipynb").union(
        *(imported_modules(p.read_text(encoding="utf-8"), str(p)) for p in deps)
    )
    readme = (
        f"# {name}\n\n"
        f"`{name}.ipynb` is the lab as the site ran it; `snippets/` holds the tested modules it imports.\n\n"
        "    python3 -m venv .venv && . .venv/bin/activate\n"
        "    pip install -r requirements.txt\n"
        f"    jupyter execute {name}.ipynb     # or open it in JupyterLab\n\n"
        "Run it from this folder, so that `import snippets` finds the modules. Licence: see LICENSE.\n"
    )
    files = {
        f"{name}.ipynb": notebook_text.encode("utf-8"),
        "requirements.txt": requirements_txt(
            distributions(modules) | set(NOTEBOOK_RUNNER), f"Lab {name}: what it imports, and what runs a notebook."
        ).encode("utf-8"),
        "README.md": readme.encode("utf-8"),
        **_snippet_files(deps, snippets_dir),
        **_licence(),
    }
    return zip_bytes({f"{name}/{path}": content for path, content in files.items()})


# ------------------------------------------------------------------ library modules


@dataclass(frozen=True)
class ModuleDownload:
    """Site paths of one ``snippets/`` module's downloads."""

    module: str
    standalone: bool  # imports no other snippet: the bare .py runs on its own

    @property
    def file_uri(self) -> str:
        return f"{DOWNLOADS_FOLDER}/{self.module}.py"

    @property
    def bundle_uri(self) -> str:
        return f"{DOWNLOADS_FOLDER}/{self.module}.zip"


def module_tests(module: str, tests_dir: Path = MODULE_TESTS_DIR) -> list[Path]:
    """``tests/snippets/test_<module>.py``, else every test file there that imports the module."""
    own = tests_dir / f"test_{module}.py"
    if own.is_file():
        return [own]
    return sorted(
        p for p in tests_dir.glob("test_*.py")
        if f"snippets.{module}" in imported_modules(p.read_text(encoding="utf-8"), str(p))
    )


def module_download(module: str, snippets_dir: Path = SNIPPETS_DIR) -> ModuleDownload:
    path = snippets_dir / f"{module}.py"
    if not path.is_file():
        known = sorted(p.stem for p in snippets_dir.glob("*.py") if p.stem != "__init__")
        raise DownloadError(f"no library module {module!r}: {path} does not exist; modules: {known}")
    deps = snippet_dependencies(path.read_text(encoding="utf-8"), str(path), snippets_dir)
    return ModuleDownload(module, standalone=not deps)


def module_bundle(module: str, snippets_dir: Path = SNIPPETS_DIR, tests_dir: Path = MODULE_TESTS_DIR) -> bytes:
    """The zip for library module ``module``: it, the modules it imports, its tests and their pins."""
    tests = module_tests(module, tests_dir)
    own = snippets_dir / f"{module}.py"
    sources = [(p.read_text(encoding="utf-8"), str(p)) for p in [own, *tests]]
    deps = sorted({own}.union(*(snippet_dependencies(text, name, snippets_dir) for text, name in sources)))
    modules = set().union(*(imported_modules(text, name) for text, name in sources),
                          *(imported_modules(p.read_text(encoding="utf-8"), str(p)) for p in deps))
    tested_by = ", ".join(f"tests/{p.name}" for p in tests) or "no tests"
    readme = (
        f"# {module}\n\n"
        f"`snippets/{module}.py` is the module the site's pages include; {tested_by} test it.\n\n"
        "    python3 -m venv .venv && . .venv/bin/activate\n"
        "    pip install -r requirements.txt\n"
        "    python -m pytest\n\n"
        "Licence: see LICENSE.\n"
    )
    files = {
        "requirements.txt": requirements_txt(
            distributions(modules), f"snippets/{module}.py and its tests: what they import."
        ).encode("utf-8"),
        "README.md": readme.encode("utf-8"),
        **{f"tests/{p.name}": p.read_bytes() for p in tests},
        **_snippet_files(deps, snippets_dir),
        **_licence(),
    }
    return zip_bytes({f"{module}/{path}": content for path, content in files.items()})


def module_requirements(module: str, snippets_dir: Path = SNIPPETS_DIR) -> list[str]:
    """The third-party distributions a module needs at import time (with the modules it imports)."""
    own = snippets_dir / f"{module}.py"
    paths = [own, *snippet_dependencies(own.read_text(encoding="utf-8"), str(own), snippets_dir)]
    return sorted(distributions(set().union(*(imported_modules(p.read_text(encoding="utf-8"), str(p)) for p in paths))))


def module_download_markdown(module: str, page_src_uri: str, site_config) -> str:
    """The line a page shows under library code: downloads, licence, test command and source.

    ``site_config`` is the site's configuration (``repo_url``, ``edit_uri``, ``docs_dir``): with a
    repository URL the line also links the module's source and tests there.
    """
    download = module_download(module)
    here = posixpath.dirname(page_src_uri) or "."

    def link(uri: str) -> str:
        return posixpath.relpath(uri, here)

    needs = ", ".join(module_requirements(module)) or "the standard library"
    parts = []
    if download.standalone:
        parts.append(f"[`{module}.py`]({link(download.file_uri)}) (needs only {needs})")
    else:
        parts.append(f"`{module}.py` and the modules it imports (needs {needs})")
    parts.append(f"[with its tests (zip)]({link(download.bundle_uri)}): unzip, `pip install -r requirements.txt`, "
                 "then `python -m pytest`")
    parts.append(f"[MIT licence]({link(LICENSE_URI)})")
    docs_folder = Path(site_config["docs_dir"]).name
    source = repository_url(site_config.get("repo_url"), site_config.get("edit_uri"), docs_folder, f"snippets/{module}.py")
    if source:
        parts.append(f"[source]({source})")
    return "**Download** " + " · ".join(parts) + "\n{: .module-download }"


def repository_url(repo_url: str | None, edit_uri: str | None, docs_folder: str, path: str) -> str | None:
    """Where file ``path`` (from the repository root) is shown in the repository, or None without one.

    ``edit_uri`` is MkDocs' (``blob/main/docs/``): the part before the docs folder is the
    branch's file view.
    """
    if not repo_url or not edit_uri:
        return None
    base = edit_uri.rstrip("/").removesuffix(docs_folder).rstrip("/")
    return posixpath.join(repo_url.rstrip("/"), base, path)
