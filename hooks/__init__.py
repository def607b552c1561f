"""Build glue: plain modules that do the work, and thin MkDocs adapters (``*_hook.py``) over them.

MkDocs loads the files listed under ``hooks:`` in ``mkdocs.yml``. Each ``*_hook.py`` only turns
MkDocs events into calls of plain modules, which import nothing from MkDocs and are tested on
their own under ``tests/hooks/`` (``tests/hooks/test_site_build.py`` builds a small site with
all of them together). Where one hook must run before another, its adapter says so with
``event_priority``; the order of the list in ``mkdocs.yml`` does not matter.

* ``concepts.py``: concept front matter (domain, phase and next steps derived from the folder,
  ``docs/course.yml`` and the other concepts), citations, template context; ``course_nav.py``:
  the navigation's domains, concepts, parts and labs, from the content tree (adapter ``concepts_hook.py``);
* ``labs.py``: find labs (``docs/**/labs/*.py``), execute them, cache the executed notebooks in
  the lab store (``lab_store.py``, the one owner of the ``.cache/labs/`` layout); the names a lab
  and the build share (cell tags, figure metadata, variants) are in ``snippets/labkit.py``;
  ``lab_outputs.py`` makes what a lab publishes from that: its results (``lab_results.py``, read
  by the ``lab`` macro), its page (``lab_pages.py``: the cell-tag contract), its figures
  (``figures.py``) and its download (``downloads.py``) (adapter ``labs_hook.py``);
* ``figures.py``: a lab's ``figure:<name>`` cells as four image variants, and the markup that
  picks one by screen width and colour scheme, with a lightbox (adapter ``figures_hook.py``);
* ``downloads.py``: a lab's zip, each library module's file and zip, their pins, source links
  (adapter ``downloads_hook.py``);
* ``katex.py``: every formula rendered to HTML at build time (adapter ``katex_hook.py``);
* ``images.py``: image sizes and lazy loading (adapter ``images_hook.py``);
* ``notebook_pages.py``: lab pages slimmed of mkdocs-jupyter's inline CSS and CDN loaders
  (adapter ``notebook_pages_hook.py``);
* ``rebuilds.py``: what a ``properdocs serve --dirty`` rebuild must render (adapter ``rebuilds_hook.py``);
* ``site_url.py``: a deploy build (DEPLOY=1) needs a real public SITE_URL (adapter ``site_url_hook.py``;
  ``python3 -m hooks.site_url`` checks the environment without MkDocs);
* ``glossary.py``: the terms of ``includes/glossary.md`` explained at their first use on each
  page (adapter ``glossary_hook.py``);
* ``search_text.py``: code kept out of the search index, and its formulas as plain text
  (adapter ``search_text_hook.py``);
* ``page_assets.py``: a feature's scripts and stylesheets (``extra.page_assets`` in ``mkdocs.yml``)
  load only on the pages that use it: whatever renders the feature calls
  ``page_assets.use(page, "<feature>")`` (adapter ``page_assets_hook.py``; ``overrides/main.html``
  links the files);
* ``quiz.py``: "Check yourself", questions written as data beside a page (``<page>.questions.yml``),
  their numbers computed by ``snippets/``, shown by the ``check_yourself`` macro;
* ``citation.py`` and ``page_history.py``: "Cite this page" (the ``cite_this_page`` macro), a BibTeX
  entry dated by the page's last change in git, left undated when a shallow clone cannot know it;
  every page shows that date as "Last changed" (adapter ``page_history_hook.py``);
* ``concept_kits.py``: a concept's own macros, scripts and styles in its folder's ``kit/``
  (``{{ kit.<macro>() }}``; the files load only on the pages that call a macro needing them);
* ``macros.py``: the variables and macros pages call (loaded by mkdocs-macros-plugin).

Nothing here names a concept (``tests/hooks/test_concept_kits.py``).
"""
