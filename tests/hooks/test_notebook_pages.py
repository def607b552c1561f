"""Lab pages lose inlined notebook CSS and CDN loaders (hooks/notebook_pages.py)."""

from hooks.notebook_pages import slim

PAGE = """<html><head><title>Lab</title></head><body>
<style type="text/css">
.highlight-ipynb .c { color: grey }
</style>
<style type="text/css">.jupyter-wrapper{--jp-x: 1}</style>
<style>['pre { line-height: 125%; }']</style>
<!-- Load mathjax -->
<script src=""> </script>
<!-- MathJax configuration -->
<script type="text/x-mathjax-config">init_mathjax = function() {}</script>
<script type="module">
  document.addEventListener("DOMContentLoaded", async () => {
    const diagrams = document.querySelectorAll(".jp-Mermaid > pre.mermaid");
    const mermaid = (await import("https://cdnjs.example/mermaid.esm.min.mjs")).default;
  });
</script>
<style>.md-own { color: red }</style>
<div class="jupyter-wrapper">cells</div></body></html>"""


def test_notebook_css_moves_to_one_shared_stylesheet():
    output, path, css = slim(PAGE, "domains/x/labs/lab/")
    assert path.startswith("assets/stylesheets/notebook-") and path.endswith(".css")
    assert ".highlight-ipynb .c" in css and ".jupyter-wrapper{--jp-x: 1}" in css and "['pre" not in css
    assert f'<link rel="stylesheet" href="../../../../{path}">\n</head>' in output
    assert "jupyter-wrapper{" not in output and "['pre" not in output


def test_mathjax_and_cdn_loaders_are_removed_but_other_content_stays():
    output, _, _ = slim(PAGE, "lab/")
    assert "mathjax" not in output.lower() and "cdnjs" not in output and '<script src="">' not in output
    assert "<style>.md-own { color: red }</style>" in output and '<div class="jupyter-wrapper">cells</div>' in output


def test_identical_notebook_css_gives_the_same_stylesheet():
    assert slim(PAGE, "a/")[1] == slim(PAGE.replace("cells", "other cells"), "b/c/")[1]


def test_placeholder_alt_text_names_the_figure_section():
    from hooks.notebook_pages import describe_figures

    page = (
        '<h2 id="a">Reliability &amp; ECE<a class="anchor-link" href="#a">¶</a></h2>'
        '<img alt="No description has been provided for this image" src="data:x">'
        '<img alt="A real description" src="data:y">'
    )
    html = describe_figures(page, "Lab: calibration")
    assert '<img alt="Figure from Lab: calibration: Reliability &amp; ECE" src="data:x">' in html
    assert '<img alt="A real description" src="data:y">' in html
