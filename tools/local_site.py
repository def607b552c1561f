"""A built site served on loopback, and the headless Chromium that reads it.

Used by the browser fixtures (tests/browser/conftest.py) and by every benchmark that opens a
page (benchmarks/lighthouse.py), so both see the site the same way::

    from tools.local_site import CHROMIUM_ARGS, chromium_path, serve_site

    with serve_site(Path("site"), gzip=True) as site:   # http://127.0.0.1:<free port>/
        url = site.url("authors/")

- ``serve_site(directory, gzip=False, cache_control="no-store")``: a context manager serving
  ``directory`` over http on 127.0.0.1 at a free port (search and instant navigation need http,
  not file://). ``gzip=True`` compresses text files for clients that accept it, as static hosts
  do; page-speed numbers need it, functional tests do not. Every response carries
  ``cache_control``. The sitemap is rewritten to the server's origin (see ``rewrite_sitemap``).
- ``sitemap_paths(site)`` and ``is_redirect_page(html_file)``: the pages a built site lists.
- ``CHROMIUM_ARGS`` and ``chromium_path()``: the flags for a closed network and the binary
  ($CHROMIUM_PATH, else `chromium` or `chromium-browser` on PATH, else /usr/bin/chromium).
"""

from __future__ import annotations

import gzip as gzip_format
import http.server
import io
import os
import re
import shutil
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

# Flags for a closed network: no background traffic, no first-run UI, no GPU.
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
# Text formats a static host compresses; images and fonts are compressed already.
COMPRESSIBLE = frozenset({".html", ".css", ".js", ".mjs", ".json", ".svg", ".xml", ".txt", ".map"})
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def chromium_path() -> str:
    """The Chromium binary: $CHROMIUM_PATH, else `chromium` (or `chromium-browser`) on PATH."""
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium"


# ------------------------------------------------------------------ sitemap


def sitemap_paths(site: Path) -> list[str]:
    """Site-relative paths ("" for the landing page, "a/b/" otherwise) listed in sitemap.xml."""
    sitemap = site / "sitemap.xml"
    if not sitemap.is_file():
        return []
    locs = [loc.text or "" for loc in ET.parse(sitemap).getroot().findall("sm:url/sm:loc", SITEMAP_NS)]
    base = min(locs, key=len) if locs else ""  # the landing page is the shortest URL
    base_path = urlsplit(base).path
    return [urlsplit(loc).path[len(base_path):] for loc in locs]


def is_redirect_page(html_file: Path) -> bool:
    """Whether a built page is a redirect stub (mkdocs-redirects writes a meta refresh)."""
    head = html_file.read_text(encoding="utf-8", errors="replace")[:2000]
    return 'http-equiv="refresh"' in head


def rewrite_sitemap(text: str, origin: str) -> str:
    """The sitemap with its base URL (`site_url`) replaced by ``origin``, keeping the path.

    Material's instant navigation only intercepts links listed in sitemap.xml, whose URLs carry
    `site_url` (another host, and no port). Material swaps in the page's protocol and hostname
    but keeps the sitemap's port, so on 127.0.0.1:<port> no link would match and every click
    would be a full page load. Rewriting the sitemap's base to the serving origin reproduces a
    real deployment, where site_url is the origin the site is served from.
    """
    locs = re.findall(r"<loc>([^<]*)</loc>", text)
    if not locs:
        return text
    base = min(locs, key=len)
    return text.replace(base, origin + urlsplit(base).path)


# ------------------------------------------------------------------ server


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, the sitemap rewritten to this origin, gzip when switched on and accepted."""

    def __init__(self, *args, gzip: bool, cache_control: str, **kwargs):
        # Set before the base class's __init__, which handles the request.
        self.gzip = gzip
        self.cache_control = cache_control
        super().__init__(*args, **kwargs)

    def log_message(self, format, *args):  # noqa: A002 - signature from the base class
        pass

    def send_head(self):
        url_path = urlsplit(self.path).path
        file = Path(self.translate_path(self.path))
        if file.is_dir():
            if not url_path.endswith("/"):
                return super().send_head()  # the base class redirects "dir" to "dir/"
            file = file / "index.html"
        if not file.is_file():
            return super().send_head()  # 404
        is_sitemap = file.name == "sitemap.xml"
        compress = (self.gzip and file.suffix in COMPRESSIBLE
                    and "gzip" in self.headers.get("Accept-Encoding", ""))
        if not (is_sitemap or compress):
            return super().send_head()
        body = file.read_bytes()
        if is_sitemap:
            host, port = self.server.server_address[:2]
            body = rewrite_sitemap(body.decode("utf-8"), f"http://{host}:{port}").encode("utf-8")
        if compress:
            body = gzip_format.compress(body, compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", "application/xml" if is_sitemap else self.guess_type(str(file)))
        if compress:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def end_headers(self):
        self.send_header("Cache-Control", self.cache_control)
        if self.gzip:
            self.send_header("Vary", "Accept-Encoding")
        super().end_headers()


@dataclass(frozen=True)
class ServedSite:
    """A directory being served: ``origin`` is ``http://127.0.0.1:<port>``."""

    directory: Path
    origin: str

    @property
    def base_url(self) -> str:
        return self.origin + "/"

    def url(self, path: str = "") -> str:
        return self.base_url + path.lstrip("/")


@contextmanager
def serve_site(directory: Path, *, gzip: bool = False, cache_control: str = "no-store") -> Iterator[ServedSite]:
    """Serve ``directory`` on 127.0.0.1 at a free port until the ``with`` block ends."""
    directory = Path(directory).resolve()
    if not directory.is_dir():
        raise FileNotFoundError(f"serve_site: directory {directory} does not exist")

    def handler(*args, **kwargs):
        return _SiteHandler(*args, directory=str(directory), gzip=gzip, cache_control=cache_control, **kwargs)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, name=f"serve {directory.name}", daemon=True)
    thread.start()
    try:
        yield ServedSite(directory=directory, origin=f"http://127.0.0.1:{httpd.server_address[1]}")
    finally:
        httpd.shutdown()
        httpd.server_close()
