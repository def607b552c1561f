"""Test collection for the whole repository.

`pytest --markdown-docs` also scans every .py file for docstring examples by importing it;
lab notebooks under docs/ are jupytext scripts that run whole experiments on import, and are
executed by the build instead (hooks/labs_hook.py).
"""

collect_ignore_glob = ["docs/**/*.py", "site/*", "tests/fixture_site/*"]
