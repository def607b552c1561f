"""Plain modules shared by hooks/, tests/ and benchmarks/ (none imports MkDocs or pytest).

- ``tools.local_site``: serve a built site on 127.0.0.1 (gzip switch), its sitemap, and the
  Chromium binary and flags; used by the browser fixtures and every benchmark that opens a page.
- ``tools.results_tables``: benchmark results rendered for the README and the pages, and the one
  check that withholds results recorded on a loaded machine.

They live here, not in benchmarks/, because hooks/ must not import benchmarks/ (a build must
not depend on measurement scripts), and not in snippets/, which holds the numerics the pages teach.
"""
