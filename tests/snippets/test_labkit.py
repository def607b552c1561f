"""The lab/build contract (snippets/labkit.py): one spelling of each name, consistent in itself.

What uses it is tested beside the user: ``tests/snippets/test_plotting.py`` (the lab side) and
``tests/hooks/test_labs.py`` (no build module spells a contract name itself). This file travels in
the module's download, so it tests the module alone.
"""

from snippets import labkit


def test_variants_are_every_layout_in_every_scheme_once():
    assert labkit.VARIANT_NAMES == tuple(f"{layout}-{scheme}" for layout in labkit.LAYOUTS
                                         for scheme in labkit.SCHEME_NAMES)
    assert len(set(labkit.VARIANT_NAMES)) == len(labkit.LAYOUTS) * len(labkit.SCHEME_NAMES) == 4
    assert labkit.PRIMARY_VARIANT == "desktop-light"


def test_cell_tags_are_distinct_and_the_figure_tag_takes_a_name():
    tags = [labkit.FOLD_TAG, labkit.PROSE_TAG, labkit.RESULTS_TAG, labkit.FIGURE_TAG]
    assert len(set(tags)) == len(tags)
    assert labkit.FIGURE_TAG.endswith(":") and not any(t.startswith(labkit.FIGURE_TAG) for t in tags[:3])
