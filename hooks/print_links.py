"""External links print with their address; links within the site do not.

On screen, Material's instant navigation rewrites every link within the site to an absolute URL, so
a print stylesheet cannot tell the two apart by ``href``. The built HTML still can: only links that
leave the site are absolute there. Each one gets its address in ``data-print-href``, which
``print.css`` shows after it on paper. A link whose text already is its address gets none.
"""

from __future__ import annotations

import html as html_lib
import re

_LINK = re.compile(r'(<a\b[^>]*?\bhref="(https?://[^"]+)"[^>]*)>(.*?)</a>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def mark_external_links(html: str) -> str:
    """``html`` with ``data-print-href`` on each absolute link whose text is not its address."""

    def mark(match: re.Match[str]) -> str:
        start, href, text = match.groups()
        if html_lib.unescape(_TAG.sub("", text)).strip() == html_lib.unescape(href) or "data-print-href" in start:
            return match.group(0)
        return f'{start} data-print-href="{href}">{text}</a>'

    return _LINK.sub(mark, html)
