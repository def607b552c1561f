"""Images that neither shift the layout nor load before they are needed.

Every ``<img>`` of a local or inline (``data:``, as in notebook outputs) SVG or PNG gets its
intrinsic ``width`` and ``height`` (so the browser reserves the space and the layout does not
shift when it loads), ``loading="lazy"`` and ``decoding="async"``, unless the author set them.

This module does not import MkDocs; ``hooks/images_hook.py`` wires it into the build.
"""

from __future__ import annotations

import base64
import posixpath
import re
import struct
from collections.abc import Callable
from urllib.parse import unquote

IMG = re.compile(r"<img\b[^>]*>")
SRC = re.compile(r'\bsrc="([^"]+)"')
DATA_URI = re.compile(r"^data:image/(?:svg\+xml|png);base64,(.+)$")
SVG_SIZE = re.compile(rb"<svg\b[^>]*?\bwidth=\"([\d.]+)(pt|px)?\"[^>]*?\bheight=\"([\d.]+)(pt|px)?\"", re.S)
PX_PER_UNIT = {b"pt": 4 / 3, b"px": 1.0, None: 1.0}


def intrinsic_size(data: bytes) -> tuple[int, int] | None:
    """Width and height in CSS pixels of an SVG or PNG, or None if unknown."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return struct.unpack(">II", data[16:24])
    match = SVG_SIZE.search(data[:4096])
    if match:
        width, w_unit, height, h_unit = match.groups()
        return round(float(width) * PX_PER_UNIT[w_unit]), round(float(height) * PX_PER_UNIT[h_unit])
    return None


def image_bytes(src: str, page_url: str, read_site_file: Callable[[str], bytes | None]) -> bytes | None:
    """The bytes of a ``data:`` image, or of the site file that ``src`` points to."""
    inline = DATA_URI.match(src)
    if inline:
        return base64.b64decode(inline[1][:8192])  # the header is enough; 8192 keeps 4-char groups whole
    # By now MkDocs has made src relative to the page's URL, which for files is their path.
    return read_site_file(posixpath.normpath(posixpath.join(page_url, unquote(src))))


def add_image_attributes(html: str, page_url: str, read_site_file: Callable[[str], bytes | None]) -> str:
    """Give every local or inline image in ``html`` its size, lazy loading and async decoding.

    ``read_site_file(path)`` returns the bytes of the site file whose path under ``docs/`` is
    ``path``, or None.
    """

    def improve(match: re.Match[str]) -> str:
        tag = match[0]
        src = SRC.search(tag)
        if not src or re.match(r"^(https?:|//)", src[1]):
            return tag
        extra = []
        size = intrinsic_size(image_bytes(src[1], page_url, read_site_file) or b"")
        if size and " width=" not in tag:
            extra.append(f'width="{size[0]}" height="{size[1]}"')
        for attribute, value in (("loading", "lazy"), ("decoding", "async")):
            if f" {attribute}=" not in tag:
                extra.append(f'{attribute}="{value}"')
        return tag[:4] + " " + " ".join(extra) + tag[4:] if extra else tag

    return IMG.sub(improve, html)
