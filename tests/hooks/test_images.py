"""Intrinsic sizes and lazy loading for page images (hooks/images.py)."""

import struct

from hooks.images import add_image_attributes, intrinsic_size

SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="432pt" height="216pt" viewBox="0 0 432 216">'
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + struct.pack(">II", 640, 480)


def test_intrinsic_size_of_svg_in_points_and_png():
    assert intrinsic_size(SVG) == (576, 288)
    assert intrinsic_size(PNG) == (640, 480)
    assert intrinsic_size(b"<svg viewBox='0 0 1 1'>") is None


def test_local_images_get_size_and_lazy_loading():
    files = {"domains/x/labs/fig.svg": SVG, "img/p.png": PNG}
    html = add_image_attributes(
        '<img alt="a" src="labs/fig.svg"><img src="../../img/p.png" loading="eager">'
        '<img src="https://example.org/x.png">',
        "domains/x/", files.get,
    )
    assert '<img width="576" height="288" loading="lazy" decoding="async" alt="a" src="labs/fig.svg">' in html
    assert '<img width="640" height="480" decoding="async" src="../../img/p.png" loading="eager">' in html
    assert '<img src="https://example.org/x.png">' in html


def test_inline_notebook_images_get_size_and_lazy_loading():
    import base64

    src = "data:image/svg+xml;base64," + base64.b64encode(SVG + b"<g/>" * 5000).decode()
    html = add_image_attributes(f'<img alt="plot" src="{src}">', "lab/", {}.get)
    assert html.startswith('<img width="576" height="288" loading="lazy" decoding="async" alt="plot"')
