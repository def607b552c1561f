"""The loopback server the browser tests and the benchmarks share: gzip switch, sitemap, caching."""

from __future__ import annotations

import gzip
import http.client
from pathlib import Path

import pytest

from tools.local_site import is_redirect_page, rewrite_sitemap, serve_site, sitemap_paths

SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://example.org/course/</loc></url>
<url><loc>https://example.org/course/authors/</loc></url>
<url><loc>https://example.org/course/old/</loc></url>
</urlset>
"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "index.html").write_text("<html><body>" + "home " * 500 + "</body></html>")
    (tmp_path / "authors").mkdir()
    (tmp_path / "authors" / "index.html").write_text("<html>authors</html>")
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "index.html").write_text('<html><head><meta http-equiv="refresh" content="0; url=../"></head></html>')
    (tmp_path / "logo.png").write_bytes(b"\x89PNG" + bytes(2000))
    (tmp_path / "sitemap.xml").write_text(SITEMAP)
    return tmp_path


def get(origin: str, path: str, accept_gzip: bool = True) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection(origin.removeprefix("http://"), timeout=10)
    connection.request("GET", path, headers={"Accept-Encoding": "gzip"} if accept_gzip else {})
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def test_gzip_switch(site):
    with serve_site(site, gzip=True) as served:
        page = get(served.origin, "/")
        assert page.getheader("Content-Encoding") == "gzip"
        assert gzip.decompress(page.body) == (site / "index.html").read_bytes()
        assert get(served.origin, "/", accept_gzip=False).getheader("Content-Encoding") is None
        assert get(served.origin, "/logo.png").getheader("Content-Encoding") is None  # already compressed
    with serve_site(site) as served:
        page = get(served.origin, "/")
        assert page.getheader("Content-Encoding") is None and page.body == (site / "index.html").read_bytes()


@pytest.mark.parametrize("gzipped", [False, True])
def test_sitemap_is_rewritten_to_the_serving_origin(site, gzipped):
    with serve_site(site, gzip=gzipped) as served:
        response = get(served.origin, "/sitemap.xml")
        body = gzip.decompress(response.body) if gzipped else response.body
        assert response.getheader("Content-Type") == "application/xml"
        text = body.decode()
        assert f"<loc>{served.origin}/course/authors/</loc>" in text and "example.org" not in text


def test_directories_redirect_missing_files_404_and_cache_control_is_set(site):
    with serve_site(site, cache_control="max-age=600") as served:
        redirect = get(served.origin, "/authors")
        assert redirect.status == 301 and redirect.getheader("Location").endswith("/authors/")
        assert get(served.origin, "/nothing/").status == 404
        assert get(served.origin, "/authors/").getheader("Cache-Control") == "max-age=600"
        assert served.url("authors/") == served.origin + "/authors/"
        assert served.origin.startswith("http://127.0.0.1:")
    with serve_site(site) as served:
        assert get(served.origin, "/authors/").getheader("Cache-Control") == "no-store"


def test_missing_directory_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        with serve_site(tmp_path / "site"):
            pass


def test_sitemap_paths_and_redirect_stubs(site):
    assert sitemap_paths(site) == ["", "authors/", "old/"]
    assert is_redirect_page(site / "old" / "index.html")
    assert not is_redirect_page(site / "authors" / "index.html")
    assert sitemap_paths(site / "authors") == []


def test_rewrite_keeps_the_base_path():
    assert rewrite_sitemap(SITEMAP, "http://127.0.0.1:9").count("http://127.0.0.1:9/course/") == 3
    assert rewrite_sitemap("<urlset/>", "http://127.0.0.1:9") == "<urlset/>"
