from hooks.print_links import mark_external_links


def test_an_external_link_carries_its_address_for_print():
    html = '<p>See <a href="https://pytorch.org/docs/x.html#y" title="t">the docs</a>.</p>'
    assert mark_external_links(html) == (
        '<p>See <a href="https://pytorch.org/docs/x.html#y" title="t" '
        'data-print-href="https://pytorch.org/docs/x.html#y">the docs</a>.</p>')


def test_links_within_the_site_and_links_that_show_their_address_are_left_alone():
    html = ('<a href="../math/#the-gap">math</a> <a class="footnote-ref" href="#fn:a">1</a> '
            '<a href="https://arxiv.org/abs/1512.00567">https://arxiv.org/abs/1512.00567</a> '
            '<a href="https://a.org/?x=1&amp;y=2"><code>https://a.org/?x=1&amp;y=2</code></a>')
    assert mark_external_links(html) == html


def test_marking_twice_changes_nothing_more():
    once = mark_external_links('<a href="http://example.org/">example</a>')
    assert mark_external_links(once) == once and once.count("data-print-href") == 1
