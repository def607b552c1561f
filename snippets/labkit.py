"""The contract between a lab and the site build, written once and imported by both sides.

A lab (``docs/**/labs/<name>.py``) marks cells with tags and displays figures and results in
shapes the build (``hooks/``) reads back from the executed notebook. Those names live here only:
``snippets/plotting.py`` displays with them, ``hooks/figures.py``, ``hooks/lab_pages.py``,
``hooks/lab_results.py`` and ``hooks/labs.py`` read with them.

Cell tags, on a cell's marker line (``# %% tags=["fold"]``):

* :data:`FOLD_TAG`: plotting or bookkeeping; its code is folded on the lab page;
* :data:`PROSE_TAG`: a ``display(Markdown(...))`` of text written from results, shown as prose;
* :data:`RESULTS_TAG`: the one cell that shows the lab's results (``show_results``) as
  :data:`RESULTS_MIME`, which pages quote through macros;
* :data:`FIGURE_TAG` ``+ "<name>"``: a figure drawn with ``show_figure``, each variant displayed
  with output metadata ``{FIGURE_METADATA_KEY: {"variant": <one of VARIANT_NAMES>, "alt": ...}}``.

Figure variants are a layout (desktop, phone) by a colour scheme (light, dark); the build asks the
kernel for all of them by setting :data:`VARIANTS_ENV` to :data:`ALL_VARIANTS`; a notebook run
by hand draws only :data:`PRIMARY_VARIANT`.
"""

from __future__ import annotations

FOLD_TAG = "fold"
PROSE_TAG = "prose"
RESULTS_TAG = "results"
FIGURE_TAG = "figure:"

RESULTS_MIME = "application/json"
FIGURE_METADATA_KEY = "lab_figure"

LAYOUTS = ("desktop", "phone")
SCHEME_NAMES = ("light", "dark")
VARIANT_NAMES = tuple(f"{layout}-{scheme}" for layout in LAYOUTS for scheme in SCHEME_NAMES)
PRIMARY_VARIANT = VARIANT_NAMES[0]

VARIANTS_ENV = "LAB_FIGURE_VARIANTS"
ALL_VARIANTS = "all"
