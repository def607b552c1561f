"""Build glue: plain modules that do the work, and thin MkDocs adapters (``*_hook.py``) over them.

MkDocs loads the files listed under ``hooks:`` in ``mkdocs.yml``. Each ``*_hook.py`` only turns
MkDocs events into calls of the plain module of the same stem, which imports nothing from MkDocs
and is tested on its own under ``tests/hooks/``:

* ``labs.py``: find labs (``docs/**/labs/*.py``), execute them, cache the executed notebooks
  (adapter: ``labs_hook.py``, which also publishes what the modules below produce);
* ``lab_results.py``: a lab's ``results`` cell, saved by the build and read by the ``lab`` macro;
* ``figures.py``: a lab's ``figure:<name>`` cells, published as four image variants, and the
  markup that shows them by screen width and colour scheme with a lightbox (adapter:
  ``figures_hook.py``, for Markdown images of lab figures and the lightbox's scripts);
* ``katex.py``: every formula rendered to HTML at build time (adapter: ``katex_hook.py``);
* ``images.py``: image sizes and lazy loading (adapter: ``images_hook.py``);
* ``notebook_pages.py``: lab pages slimmed of mkdocs-jupyter's inline CSS and CDN loaders
  (adapter: ``notebook_pages_hook.py``);
* ``macros.py``: the variables and macros pages call (loaded by mkdocs-macros-plugin).
"""
