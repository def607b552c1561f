"""Each page of the built site shows when its source last changed in git (hooks/page_history.py)."""

import re

import pytest

from hooks.page_history import last_change
from tests.browser.conftest import CONCEPT, ROOT

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("part", "source"), [
    ("", "index.md"), ("math/", "math.md"), ("labs/", "labs/index.md"),
    ("labs/calibration/", "labs/calibration.py"),  # rendered from a generated .ipynb: dated by the lab's .py
])
def test_pages_show_their_last_change(site_dir, part, source):
    source = ROOT / "docs" / CONCEPT / source
    html = (site_dir / CONCEPT / part / "index.html").read_text(encoding="utf-8")
    expected = last_change(source)
    shown = re.search(r'class="page-last-changed"><small>Last changed <time datetime="([\d-]+)">', html)
    if expected is None:  # a shallow clone: no date rather than a wrong one
        assert shown is None
    else:
        assert shown and shown.group(1) == expected.isoformat()
